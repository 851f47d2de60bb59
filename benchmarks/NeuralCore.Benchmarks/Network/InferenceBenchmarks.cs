using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Network;

/// <summary>
/// Inference, float, one thread, through a <see cref="Predictor{T}"/>: one sample on 784-256-128-10 and on the moons
/// net 2-4-6-6-4-1, a batch of 1 024 on 784-256-128-10 (<c>OperationsPerInvoke = 1024</c>: mean per sample), and the
/// moons net on its 900-sample batch (row-major [900, 2] in, [900, 1] out: one call, the narrow engine's whole forward).
/// Reference = the scalar reference kernels (baseline).
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private NeuralNetwork<float> _mlp = null!;
    private NeuralNetwork<float> _moons = null!;
    private Predictor<float> _mlpPredictor = null!;
    private Predictor<float> _moonsPredictor = null!;
    private Predictor<float> _moonsBatchPredictor = null!;
    private Dataset<float> _moonsData = null!;
    private Matrix<float> _moonsBatchOutput = null!;
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
        _moonsBatchPredictor = _moons.CreatePredictor(900, compute);
        _moonsData = Datasets.MakeMoons<float>(900, 0.2, seed: 1);
        _moonsBatchOutput = new Matrix<float>(900, 1);
        _batch = NetworkBenchmarkData.Uniform(1024, 784, 3);
        _batchOutput = new Matrix<float>(1024, 10);
        _mlpInput = _batch.ReadOnlySpan.GetRowSpan(0).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _mlpPredictor.Dispose();
        _moonsPredictor.Dispose();
        _moonsBatchPredictor.Dispose();
        _moonsData.Dispose();
        _moonsBatchOutput.Dispose();
        _mlp.Dispose();
        _moons.Dispose();
        _batch.Dispose();
        _batchOutput.Dispose();
    }

    [Benchmark]
    public void Mlp_SingleSample() => _mlpPredictor.Predict(_mlpInput, _mlpOutput);

    [Benchmark]
    public void Moons_SingleSample() => _moonsPredictor.Predict(_moonsInput, _moonsOutput);

    [Benchmark]
    public void Moons_Batch900() => _moonsBatchPredictor.Predict(_moonsData.Features.ReadOnlySpan, _moonsBatchOutput.Span);

    [Benchmark(OperationsPerInvoke = 1024)]
    public void Mlp_Batch1024_PerSample() => _mlpPredictor.Predict(_batch.ReadOnlySpan, _batchOutput.Span);
}
