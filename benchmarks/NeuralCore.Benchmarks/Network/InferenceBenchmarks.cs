using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Network;

/// <summary>
/// Inference, float, one thread, through a <see cref="Predictor{T}"/>: one sample on 784-256-128-10 and on the moons
/// net 2-4-6-6-4-1, and a batch of 1 024 on 784-256-128-10 (<c>OperationsPerInvoke = 1024</c>: mean per sample).
/// Reference = the scalar reference kernels (baseline).
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private NeuralNetwork<float> _mlp = null!;
    private NeuralNetwork<float> _moons = null!;
    private Predictor<float> _mlpPredictor = null!;
    private Predictor<float> _moonsPredictor = null!;
    private Matrix<float> _batch = null!;
    private Matrix<float> _batchOutput = null!;
    private float[] _mlpInput = null!;
    private readonly float[] _mlpOutput = new float[10];
    private readonly float[] _moonsInput = [0.3f, -0.2f];
    private readonly float[] _moonsOutput = new float[1];

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    public static IEnumerable<KernelPath> Paths => NetworkBenchmarkData.Paths;

    [GlobalSetup]
    public void Setup()
    {
        var compute = ComputeOptions.For(Path);
        _mlp = new NeuralNetwork<float>(NetworkBenchmarkData.Mlp, Initialization.He(1));
        _moons = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(2));
        _mlpPredictor = _mlp.CreatePredictor(1024, compute);
        _moonsPredictor = _moons.CreatePredictor(1, compute);
        _batch = NetworkBenchmarkData.Uniform(1024, 784, 3);
        _batchOutput = new Matrix<float>(1024, 10);
        _mlpInput = _batch.ReadOnlySpan.GetRowSpan(0).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _mlpPredictor.Dispose();
        _moonsPredictor.Dispose();
        _mlp.Dispose();
        _moons.Dispose();
        _batch.Dispose();
        _batchOutput.Dispose();
    }

    [Benchmark]
    public void Mlp_SingleSample() => _mlpPredictor.Predict(_mlpInput, _mlpOutput);

    [Benchmark]
    public void Moons_SingleSample() => _moonsPredictor.Predict(_moonsInput, _moonsOutput);

    [Benchmark(OperationsPerInvoke = 1024)]
    public void Mlp_Batch1024_PerSample() => _mlpPredictor.Predict(_batch.ReadOnlySpan, _batchOutput.Span);
}
