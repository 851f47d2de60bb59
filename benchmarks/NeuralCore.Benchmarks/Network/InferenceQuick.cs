using System.Diagnostics;
using System.Globalization;

namespace NeuralCore.Benchmarks.Network;

/// <summary>
/// A Stopwatch harness for iterating on single-sample inference (<c>dotnet NeuralCore.Benchmarks.dll --quick-infer</c>):
/// best-of-N timings of the 784-256-128-10 predictor and of its three layers as M = 1 GEMMs with the fused epilogue.
/// The published figures come from BenchmarkDotNet (<see cref="InferenceBenchmarks"/>).
/// </summary>
public static class InferenceQuick
{
    public static void Run(bool predictorOnly = false)
    {
        using var mlp = new NeuralNetwork<float>(NetworkBenchmarkData.Mlp, Initialization.He(1));
        using var predictor = mlp.CreatePredictor(1);
        using var predictor2 = mlp.CreatePredictor(1, new ComputeOptions(null, 2));
        using var small = new NeuralNetwork<float>(NetworkArchitecture.FromSizes([16, 16, 16, 10], [Activation.Relu, Activation.Relu, Activation.Softmax]), Initialization.He(2));
        using var smallPredictor = small.CreatePredictor(1);
        using var batch = NetworkBenchmarkData.Uniform(1, 784, 3);
        var input = batch.ReadOnlySpan.GetRowSpan(0).ToArray();
        var output = new float[10];
        var smallInput = input.AsSpan(0, 16).ToArray();
        using var w1 = NetworkBenchmarkData.Uniform(784, 256, 4);
        using var w2 = NetworkBenchmarkData.Uniform(256, 128, 5);
        using var w3 = NetworkBenchmarkData.Uniform(128, 10, 6);
        using var h1 = new Matrix<float>(1, 256);
        using var h2 = new Matrix<float>(1, 128);
        using var o = new Matrix<float>(1, 10);
        var b1 = new float[256];
        var b2 = new float[128];
        var b3 = new float[10];

        for (var round = 0; round < (predictorOnly ? 6 : 3); round++)
        {
            Report("predictor 784-256-128-10, one sample", () => predictor.Predict(input, output));
            Report("the same, 2 threads", () => predictor2.Predict(input, output));
            Report("predictor 16-16-16-10 (per-call overhead)", () => smallPredictor.Predict(smallInput, output));
            if (predictorOnly)
            {
                continue;
            }

            Report("layer 784 → 256 relu (X·W, M = 1)", () => NeuralCore.Gemm.MultiplyBiasActivate(batch.ReadOnlySpan, MatrixOp.None, w1.ReadOnlySpan, MatrixOp.None, b1, Activation.Relu, default, h1.Span));
            Report("layer 784 → 256 relu, 2 threads", () => NeuralCore.Gemm.MultiplyBiasActivate(batch.ReadOnlySpan, MatrixOp.None, w1.ReadOnlySpan, MatrixOp.None, b1, Activation.Relu, default, h1.Span, new ComputeOptions(null, 2)));
            Report("worker pool round trip, 2 parts, empty", EmptyPoolRun);
            Report("layer 256 → 128 relu", () => NeuralCore.Gemm.MultiplyBiasActivate(h1.ReadOnlySpan, MatrixOp.None, w2.ReadOnlySpan, MatrixOp.None, b2, Activation.Relu, default, h2.Span));
            Report("layer 128 → 10 softmax", () => NeuralCore.Gemm.MultiplyBiasActivate(h2.ReadOnlySpan, MatrixOp.None, w3.ReadOnlySpan, MatrixOp.None, b3, Activation.Softmax, default, o.Span));
        }
    }

    private static unsafe void EmptyPoolRun() => NeuralCore.Internals.Threading.WorkerPool.Run(&Nothing, 0, 2);

    private static void Nothing(nint context, int part, int parts)
    {
    }

    private static void Report(string what, Action action)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 300)
        {
            action();
        }

        var best = double.MaxValue;
        for (var r = 0; r < 30; r++)
        {
            const int calls = 1000;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                action();
            }

            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / calls);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-44} {best,8:F3} µs"));
    }
}
