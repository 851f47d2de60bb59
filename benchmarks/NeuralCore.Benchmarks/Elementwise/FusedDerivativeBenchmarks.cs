using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Elementwise;

/// <summary>
/// dZ = dA ⊙ f′ from the stored activation: our one fused pass against the same math composed from
/// TensorPrimitives calls (three passes, non-temporal stores above 256 KB), with the scalar reference as baseline.
/// 4096 floats sit in L1; 262144 floats are 1 MB per array.
/// </summary>
[MemoryDiagnoser]
public class FusedDerivativeBenchmarks
{
    private float[] _a = [];
    private float[] _gradA = [];
    private float[] _gradZ = [];
    private float[] _scratch = [];

    [Params(4096, 262144)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = [.. Enumerable.Range(0, Length).Select(_ => random.NextSingle())];
        _gradA = [.. Enumerable.Range(0, Length).Select(_ => random.NextSingle() - 0.5f)];
        _gradZ = new float[Length];
        _scratch = new float[Length];
    }

    [Benchmark(Baseline = true)]
    public void SigmoidReference() => Activations.Backward(Activation.Sigmoid, A, GradA, GradZ, ComputeOptions.For(KernelPath.Reference));

    [Benchmark]
    public void SigmoidFused() => Activations.Backward(Activation.Sigmoid, A, GradA, GradZ);

    [Benchmark]
    public void SigmoidComposedTensorPrimitives()
    {
        // dA·a·(1 − a): 1 − a, then a·(1 − a), then dA·that.
        TensorPrimitives.Subtract(1f, _a, _scratch);
        TensorPrimitives.Multiply(_a, _scratch, _scratch);
        TensorPrimitives.Multiply(_gradA, _scratch, _gradZ);
    }

    [Benchmark]
    public void TanhFused() => Activations.Backward(Activation.Tanh, A, GradA, GradZ);

    [Benchmark]
    public void TanhComposedTensorPrimitives()
    {
        // dA·(1 − a²): a², then 1 − a², then dA·that.
        TensorPrimitives.Multiply(_a, _a, _scratch);
        TensorPrimitives.Subtract(1f, _scratch, _scratch);
        TensorPrimitives.Multiply(_gradA, _scratch, _gradZ);
    }

    [Benchmark]
    public void ReluFused() => Activations.Backward(Activation.Relu, A, GradA, GradZ);

    private ReadOnlyMatrixSpan<float> A => new(_a, 1, Length);

    private ReadOnlyMatrixSpan<float> GradA => new(_gradA, 1, Length);

    private MatrixSpan<float> GradZ => new(_gradZ, 1, Length);
}
