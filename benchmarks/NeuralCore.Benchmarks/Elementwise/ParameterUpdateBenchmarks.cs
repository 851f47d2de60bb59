using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Elementwise;

/// <summary>Optimizer steps on a 784×256 weight block (784 KB per array): fused kernels against the scalar reference.</summary>
[MemoryDiagnoser]
public class ParameterUpdateBenchmarks
{
    private const int Count = 784 * 256;
    private float[] _parameters = [];
    private float[] _gradient = [];
    private float[] _first = [];
    private float[] _second = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _parameters = [.. Enumerable.Range(0, Count).Select(_ => random.NextSingle() - 0.5f)];
        _gradient = [.. Enumerable.Range(0, Count).Select(_ => (random.NextSingle() - 0.5f) * 1e-2f)];
        _first = new float[Count];
        _second = new float[Count];
    }

    [Benchmark(Baseline = true)]
    public void SgdReference() => ParameterUpdates.Sgd<float>(_parameters, _gradient, 1e-3f, 1e-4f, ComputeOptions.For(KernelPath.Reference));

    [Benchmark]
    public void Sgd() => ParameterUpdates.Sgd<float>(_parameters, _gradient, 1e-3f, 1e-4f);

    [Benchmark]
    public void MomentumNesterov() => ParameterUpdates.Momentum<float>(_parameters, _gradient, _first, 1e-3f, 0.9f, true, 1e-4f);

    [Benchmark]
    public void AdamReference() =>
        ParameterUpdates.Adam<float>(_parameters, _gradient, _first, _second, 1e-3f, 0.9f, 0.999f, 1e-8f, 10, 1e-4f, ComputeOptions.For(KernelPath.Reference));

    [Benchmark]
    public void Adam() => ParameterUpdates.Adam<float>(_parameters, _gradient, _first, _second, 1e-3f, 0.9f, 0.999f, 1e-8f, 10, 1e-4f);
}
