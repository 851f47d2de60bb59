using NeuralCore.Diagnostics;

namespace NeuralCore.Cli.Bench;

/// <summary>The GEMM section: the FMA peak probe, then single-precision products at a few sizes, on 1 and 2 threads.</summary>
internal static class GemmBench
{
    public static IEnumerable<BenchMeasurement> Run(TimeSpan budgetPerItem)
    {
        var peak = FmaPeak.MeasureGflops<float>(Kernels.Default, budgetPerItem);
        yield return new BenchMeasurement("gemm", $"fma peak ({Kernels.GetName(Kernels.Default)}, 1 thread)", peak, "GFLOPS", 100, 0);

        foreach (var (n, threads) in new[] { (64, 1), (256, 1), (512, 1), (1024, 1), (1024, 2) })
        {
            using var a = NetworkBench.Uniform(n, n, 1, -1, 1);
            using var b = NetworkBench.Uniform(n, n, 2, -1, 1);
            using var c = new Matrix<float>(n, n);
            var options = new ComputeOptions(null, threads);
            var (seconds, bytes) = Stopwatches.Measure(
                () => Gemm.Multiply(a.ReadOnlySpan, MatrixOp.None, b.ReadOnlySpan, MatrixOp.None, 1f, 0f, c.Span, options),
                budgetPerItem,
                processWide: threads > 1);
            var gflops = 2.0 * n * n * n / seconds / 1e9;
            yield return new BenchMeasurement("gemm", $"sgemm {n}³, {threads} thread{(threads > 1 ? "s" : string.Empty)}", gflops, "GFLOPS", 100 * gflops / (peak * threads), bytes);
        }
    }
}
