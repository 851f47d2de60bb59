using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>
/// 1024³ with A, B and C in 2 MB-aligned native memory advised for transparent huge pages (Linux, THP "madvise"),
/// against the same in 4 KB pages: whether the first-level TLB limits the large products.
/// </summary>
internal static partial class HugePageProbe
{
    private const int MadviseHugePage = 14;

    public static unsafe void Run<T>(string name, int n, bool huge)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var bytes = (nuint)(n * n * sizeof(T));
        var rounded = (bytes + (2u << 20) - 1) / (2u << 20) * (2u << 20);
        var a = (T*)NativeMemory.AlignedAlloc(rounded, 2u << 20);
        var b = (T*)NativeMemory.AlignedAlloc(rounded, 2u << 20);
        var c = (T*)NativeMemory.AlignedAlloc(rounded, 2u << 20);
        try
        {
            if (huge)
            {
                _ = Madvise((nint)a, rounded, MadviseHugePage);
                _ = Madvise((nint)b, rounded, MadviseHugePage);
                _ = Madvise((nint)c, rounded, MadviseHugePage);
            }

            var length = n * n;
            new Span<T>(a, length).Fill(T.CreateTruncating(0.5));
            new Span<T>(b, length).Fill(T.CreateTruncating(0.25));
            new Span<T>(c, length).Clear();
            if (huge)
            {
                // Shows that the kernel really backed the buffers with huge pages (THP "madvise" mode).
                Console.WriteLine(File.ReadAllLines("/proc/self/smaps_rollup").FirstOrDefault(l => l.StartsWith("AnonHugePages", StringComparison.Ordinal)));
            }

            var options = new ComputeOptions(KernelPath.Vector512, 1);
            var best = double.MaxValue;
            for (var trial = 0; trial < 20; trial++)
            {
                var start = Stopwatch.GetTimestamp();
                NeuralCore.Gemm.Multiply(
                    new ReadOnlyMatrixSpan<T>(new ReadOnlySpan<T>(a, length), n, n), MatrixOp.None,
                    new ReadOnlyMatrixSpan<T>(new ReadOnlySpan<T>(b, length), n, n), MatrixOp.None,
                    T.One, T.Zero, new MatrixSpan<T>(new Span<T>(c, length), n, n), options);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {best * 1e6,10:F2} µs {2.0 * n * n * n / best / 1e9,8:F1} GFLOPS"));
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
