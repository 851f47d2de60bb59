using NeuralCore.Diagnostics;
using System.Diagnostics;
using System.Globalization;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>
/// A Stopwatch harness for iterating on the kernels (<c>dotnet run -c Release -- --quick-gemm</c>): best-of-N
/// timings, GFLOPS and % of the FMA peak measured in the same process. The published figures come from
/// BenchmarkDotNet (GemmBenchmarks).
/// </summary>
public static class GemmQuick
{
    public static void Run(string[] args)
    {
        var peak512 = Best(() => FmaPeak.RunOnce<float>(KernelPath.Vector512), FmaPeak.FlopsPerRun<float>(KernelPath.Vector512));
        var peak256 = Best(() => FmaPeak.RunOnce<float>(KernelPath.Vector256), FmaPeak.FlopsPerRun<float>(KernelPath.Vector256));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak V512 float {peak512:F1} GFLOPS, V256 {peak256:F1}"));
        // Any number of substring filters after --quick-gemm; a case runs when its name contains one of them.
        var filter = args.Length > 1 ? args[1..] : [""];
        foreach (var path in new[] { KernelPath.Vector512, KernelPath.Vector256 })
        {
            foreach (var n in new[] { 16, 64, 128, 256, 391, 512, 1024 })
            {
                Report<float>($"{path} float {n}³", path, n, n, n, MatrixOp.None, MatrixOp.None, 1, filter);
            }
        }

        ReportPack<float, System.Runtime.Intrinsics.Vector512<float>, NeuralCore.Internals.Simd.Simd512<float>>("pack B float 512×1024", false, filter);
        ReportPack<float, System.Runtime.Intrinsics.Vector512<float>, NeuralCore.Internals.Simd.Simd512<float>>("pack B float 512×1024 transposed", true, filter);
        ReportPack<double, System.Runtime.Intrinsics.Vector512<double>, NeuralCore.Internals.Simd.Simd512<double>>("pack B double 512×1024", false, filter);
        ReportPack<double, System.Runtime.Intrinsics.Vector512<double>, NeuralCore.Internals.Simd.Simd512<double>>("pack B double 512×1024 transposed", true, filter);

        foreach (var n in new[] { 64, 256, 391, 512, 1024 })
        {
            Report<double>($"V512 double {n}³", KernelPath.Vector512, n, n, n, MatrixOp.None, MatrixOp.None, 1, filter);
        }

        foreach (var n in new[] { 512, 1024 })
        {
            Report<double>($"V512 double {n}³ 2 threads", KernelPath.Vector512, n, n, n, MatrixOp.None, MatrixOp.None, 2, filter);
        }

        foreach (var n in new[] { 128, 256, 512, 1024 })
        {
            Report<float>($"V512 float {n}³ 2 threads", KernelPath.Vector512, n, n, n, MatrixOp.None, MatrixOp.None, 2, filter);
        }

        // Small products on one and two threads, around GemmExecutor.ThreadingFlopThreshold (the 2-thread rows split
        // only at or above it).
        foreach (var (m, k, n) in new[] { (32, 32, 32), (48, 48, 48), (128, 32, 32), (64, 64, 64), (256, 64, 64) })
        {
            foreach (var threads in new[] { 1, 2 })
            {
                Report<float>($"small {m}x{k}->{n} {threads} thread(s)", KernelPath.Vector512, m, n, k, MatrixOp.None, MatrixOp.None, threads, filter);
            }
        }

        foreach (var (m, k, n) in new[] { (128, 784, 256), (128, 256, 128), (128, 128, 10) })
        {
            foreach (var (opA, opB) in new[] { (MatrixOp.None, MatrixOp.None), (MatrixOp.None, MatrixOp.Transpose), (MatrixOp.Transpose, MatrixOp.None) })
            {
                Report<float>($"net {m}x{k}->{n} {opA}/{opB}", KernelPath.Vector512, m, n, k, opA, opB, 1, filter);
                Report<double>($"net double {m}x{k}->{n} {opA}/{opB}", KernelPath.Vector512, m, n, k, opA, opB, 1, filter);
            }
        }

        foreach (var (m, k, n) in new[] { (1024, 512, 1024), (512, 1024, 1024), (1024, 1024, 512), (1024, 1024, 1024), (128, 128, 10), (128, 128, 16), (900, 2, 16), (900, 2, 4), (900, 2, 32), (128, 16, 10), (16, 128, 10) })
        {
            Report<float>($"probe {m}x{k}->{n}", KernelPath.Vector512, m, n, k, MatrixOp.None, MatrixOp.None, 1, filter);
        }

        // Row strides padded by 16 elements (a page plus a line for 1024 floats): which operand's 4 KB stride costs.
        foreach (var (padA, padB, padC) in new[] { (0, 0, 0), (16, 0, 0), (0, 16, 0), (0, 0, 16), (16, 16, 16) })
        {
            ReportPadded<float>($"padded float 1024³ A+{padA} B+{padB} C+{padC}", 1024, padA, padB, padC, filter);
            ReportPadded<double>($"padded double 1024³ A+{padA} B+{padB} C+{padC}", 1024, padA, padB, padC, filter);
        }

        // 4 KB pages against transparent huge pages for A, B and C (Linux only: madvise).
        foreach (var huge in new[] { false, true, false, true })
        {
            if (OperatingSystem.IsLinux() && filter.Any(f => "huge pages".Contains(f, StringComparison.Ordinal)))
            {
                HugePageProbe.Run<float>($"huge pages {huge} float 1024³", 1024, huge);
                HugePageProbe.Run<double>($"huge pages {huge} double 1024³", 1024, huge);
            }
        }

        foreach (var (k, n) in new[] { (2, 4), (4, 6), (6, 6), (6, 4), (4, 1), (8, 8) })
        {
            foreach (var (opA, opB) in new[] { (MatrixOp.None, MatrixOp.None), (MatrixOp.None, MatrixOp.Transpose), (MatrixOp.Transpose, MatrixOp.None) })
            {
                Report<float>($"tiny 900x{k}->{n} {opA}/{opB}", KernelPath.Vector512, 900, n, k, opA, opB, 1, filter);
            }

            Report<float>($"tiny feature-major {n}x{k}·{k}x900", KernelPath.Vector512, n, 900, k, MatrixOp.None, MatrixOp.None, 1, filter);
            Report<float>($"tiny ref 900x{k}->{n}", KernelPath.Reference, 900, n, k, MatrixOp.None, MatrixOp.None, 1, filter);
        }
    }

    /// <summary>The B pack alone: every 32-column panel of one 512-deep K block of a 1024 × 1024 B (2 MB packed).</summary>
    private static void ReportPack<T, TVector, TSimd>(string name, bool transposed, string[] filter)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, NeuralCore.Internals.Simd.ISimd<T, TVector>
    {
        if (!filter.Any(f => name.Contains(f, StringComparison.Ordinal)))
        {
            return;
        }

        const int N = 1024, KBlock = 512;
        var panel = 2 * TSimd.Count;
        using var b = new Matrix<T>(N, N);
        b.DangerousGetStorage().Fill(T.One);
        var packed = new T[KBlock * N];
        var seconds = BestSeconds(
            () =>
            {
                var problem = default(NeuralCore.Internals.Gemm.GemmProblem<T>);
                problem.B = ref b.Span.DangerousGetReferenceAt(0, 0);
                problem.BStride = b.Span.Stride;
                problem.BTransposed = transposed;
                for (var j0 = 0; j0 < N; j0 += panel)
                {
                    NeuralCore.Internals.Gemm.Packing.PackB<T, TVector, TSimd>(ref problem, 0, KBlock, j0, panel, panel, packed.AsSpan(j0 * KBlock, KBlock * panel));
                }
            },
            1e7);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {seconds * 1e6,10:F2} µs {seconds * 1e9 / (KBlock * N),8:F3} ns/element"));
    }

    private static void Report<T>(string name, KernelPath path, int m, int n, int k, MatrixOp opA, MatrixOp opB, int threads, string[] filter)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!filter.Any(f => name.Contains(f, StringComparison.Ordinal)))
        {
            return;
        }

        using var a = opA == MatrixOp.None ? new Matrix<T>(m, k) : new Matrix<T>(k, m);
        using var b = opB == MatrixOp.None ? new Matrix<T>(k, n) : new Matrix<T>(n, k);
        using var c = new Matrix<T>(m, n);
        var random = new Random(1);
        a.DangerousGetStorage().Fill(T.CreateTruncating(random.NextDouble()));
        b.DangerousGetStorage().Fill(T.CreateTruncating(random.NextDouble()));
        var options = new ComputeOptions(path, threads);
        var flops = 2.0 * m * n * k;
        var seconds = BestSeconds(() => NeuralCore.Gemm.Multiply(a.ReadOnlySpan, opA, b.ReadOnlySpan, opB, T.One, T.Zero, c.Span, options), flops);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {seconds * 1e6,10:F2} µs {flops / seconds / 1e9,8:F1} GFLOPS"));
    }

    private static void ReportPadded<T>(string name, int n, int padA, int padB, int padC, string[] filter)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!filter.Any(f => name.Contains(f, StringComparison.Ordinal)))
        {
            return;
        }

        using var a = new Matrix<T>(n, n + padA);
        using var b = new Matrix<T>(n, n + padB);
        using var c = new Matrix<T>(n, n + padC);
        var random = new Random(1);
        a.DangerousGetStorage().Fill(T.CreateTruncating(random.NextDouble()));
        b.DangerousGetStorage().Fill(T.CreateTruncating(random.NextDouble()));
        var options = new ComputeOptions(KernelPath.Vector512, 1);
        var flops = 2.0 * n * n * n;
        var seconds = BestSeconds(() => NeuralCore.Gemm.Multiply(a.ReadOnlySpan.Slice(0, n, 0, n), MatrixOp.None, b.ReadOnlySpan.Slice(0, n, 0, n), MatrixOp.None, T.One, T.Zero, c.Span.Slice(0, n, 0, n), options), flops);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-40} {seconds * 1e6,10:F2} µs {flops / seconds / 1e9,8:F1} GFLOPS"));
    }

    private static double Best(Action action, double flops) => flops / BestSeconds(action, flops) / 1e9;

    /// <summary>The best time per call over <paramref name="trials"/> batches (NC_TRIALS, 15, when not given) of ≈ 20 MFLOP or one call.</summary>
    internal static double BestSeconds(Action action, double flops, int? trials = null)
    {
        var repeat = Math.Max(1, (int)(2e7 / Math.Max(flops, 1)));
        var best = double.MaxValue;
        // NC_TRIALS: more batches for a best-of on a busy machine (the large sizes run one product per batch).
        trials ??= int.Parse(Environment.GetEnvironmentVariable("NC_TRIALS") ?? "15", CultureInfo.InvariantCulture);
        for (var trial = 0; trial < trials; trial++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var r = 0; r < repeat; r++)
            {
                action();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / repeat);
        }

        return best;
    }
}
