using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Benchmarks.Elementwise;

/// <summary>
/// exp, sigmoid and tanh: ours (float-only polynomial exp) against TensorPrimitives (exp widened to double), with the
/// scalar reference sigmoid as baseline. 4096 floats (L1) and an odd 6·64+7.
/// </summary>
[MemoryDiagnoser]
public class TranscendentalBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];

    [Params(4096, (6 * 64) + 7)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = [.. Enumerable.Range(0, Length).Select(_ => (random.NextSingle() * 16) - 8)];
        _y = new float[Length];
    }

    [Benchmark(Baseline = true)]
    public void SigmoidReference() => Activations.Forward(Activation.Sigmoid, X, Y, ComputeOptions.For(KernelPath.Reference));

    [Benchmark]
    public void SigmoidOurs() => Activations.Forward(Activation.Sigmoid, X, Y);

    [Benchmark]
    public void SigmoidTensorPrimitives() => TensorPrimitives.Sigmoid(_x, _y);

    [Benchmark]
    public void TanhOurs() => Activations.Forward(Activation.Tanh, X, Y);

    [Benchmark]
    public void TanhTensorPrimitives() => TensorPrimitives.Tanh(_x, _y);

    [Benchmark]
    public void ExpOurs()
    {
        // VectorMath has no span entry point (the kernels call it per vector); this is the same loop shape.
        ref var x = ref MemoryMarshal.GetArrayDataReference(_x);
        ref var y = ref MemoryMarshal.GetArrayDataReference(_y);
        nuint i = 0;
        var length = (nuint)_x.Length;
        for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
        {
            VectorMath.ExpSingle(Vector512.LoadUnsafe(ref x, i)).StoreUnsafe(ref y, i);
        }

        for (; i < length; i++)
        {
            _y[i] = MathF.Exp(_x[i]);
        }
    }

    [Benchmark]
    public void ExpTensorPrimitives() => TensorPrimitives.Exp(_x, _y);

    private ReadOnlyMatrixSpan<float> X => new(_x, 1, Length);

    private MatrixSpan<float> Y => new(_y, 1, Length);
}
