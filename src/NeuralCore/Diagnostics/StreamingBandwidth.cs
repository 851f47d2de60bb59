using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Diagnostics;

/// <summary>
/// Measures how fast one thread streams a buffer of a given size from wherever it stays cached (L1, L2, L3 or DRAM):
/// the ceiling that batch-1 inference, which reads every weight once per prediction, is reported against ("% of the
/// streaming limit"), as GEMM figures are reported against <see cref="FmaPeak"/>.
/// </summary>
/// <remarks>
/// The buffer is read again and again, as a predictor reads the same weights on every call, so a buffer that fits a
/// cache level measures that level. Four independent accumulators of the widest accelerated vector hide the add
/// latency, so the loop is bound by the loads alone. Measure in the same process as the figures it divides.
/// </remarks>
internal static class StreamingBandwidth
{
    /// <summary>The sizes <c>neuralcore bench</c> and the peer benchmarks report by default: one per cache level and DRAM.</summary>
    public static ReadOnlySpan<long> LevelBytes => [16L << 10, 512L << 10, 8L << 20, 256L << 20];

    /// <summary>Measures the read bandwidth of one thread over a buffer of <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">The buffer size (≥ 64; rounded up to a multiple of 64).</param>
    /// <param name="duration">How long to measure (the best of several passes is kept).</param>
    /// <returns>Bytes read per nanosecond (GB/s).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is below 64 or above 2 GiB − 64.</exception>
    public static unsafe double MeasureGBps(long bytes, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, int.MaxValue & ~63L);
        var length = (nuint)((bytes + 63) & ~63L);
        var buffer = (byte*)NativeMemory.AlignedAlloc(length, 64);
        try
        {
            // Touch every page first so the first pass measures reads, not page faults.
            new Span<byte>(buffer, checked((int)length)).Fill(1);
            var passes = Math.Max(1, (int)Math.Min(1 << 16, (64L << 20) / (long)length));
            _ = Read(buffer, length, passes);
            var best = 0.0;
            var total = Stopwatch.StartNew();
            while (total.Elapsed < duration || best == 0)
            {
                var start = Stopwatch.GetTimestamp();
                _ = Read(buffer, length, passes);
                var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = Math.Max(best, (double)length * passes / seconds / 1e9);
            }

            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes (a multiple of 64) <paramref name="passes"/> times as floats and returns
    /// their sum, so every byte counted as read was read (tested) and the reads cannot be optimised away. The widest
    /// kernel path this process runs does the loads (<see cref="Kernels.Best"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static unsafe float Read(byte* buffer, nuint length, int passes)
    {
        ref var data = ref Unsafe.AsRef<float>(buffer);
        var count = length / sizeof(float);
        return Kernels.Best switch
        {
            KernelPath.Vector512 => Read<Vector512<float>, Simd512<float>>(ref data, count, passes),
            KernelPath.Vector256 => Read<Vector256<float>, Simd256<float>>(ref data, count, passes),
            KernelPath.Vector128 => Read<Vector128<float>, Simd128<float>>(ref data, count, passes),
            _ => Read<float, SimdScalar<float>>(ref data, count, passes),
        };
    }

    // Four independent sums hide the add latency; count is a multiple of 16 floats, so of 4 vectors of every width
    // up to 128 bits, and the one-vector loop finishes the 256- and 512-bit cases.
    // Fully optimised from the first call: at Tier-1 this generic loop measured ~8% below the hand-written 512-bit
    // copies it replaced on L1/L2-sized buffers (benchmarks/results/Intel-Xeon-EmeraldRapids-peers.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Read<TVector, TSimd>(ref float data, nuint count, int passes)
        where TVector : struct
        where TSimd : struct, ISimd<float, TVector>
    {
        TVector a = TSimd.Zero, b = TSimd.Zero, c = TSimd.Zero, d = TSimd.Zero;
        var step = (nuint)TSimd.Count;
        for (var pass = 0; pass < passes; pass++)
        {
            var i = (nuint)0;
            for (; i + (4 * step) <= count; i += 4 * step)
            {
                a = TSimd.Add(a, TSimd.Load(ref data, i));
                b = TSimd.Add(b, TSimd.Load(ref data, i + step));
                c = TSimd.Add(c, TSimd.Load(ref data, i + (2 * step)));
                d = TSimd.Add(d, TSimd.Load(ref data, i + (3 * step)));
            }

            for (; i < count; i += step)
            {
                a = TSimd.Add(a, TSimd.Load(ref data, i));
            }
        }

        return TSimd.Sum(TSimd.Add(TSimd.Add(a, b), TSimd.Add(c, d)));
    }
}
