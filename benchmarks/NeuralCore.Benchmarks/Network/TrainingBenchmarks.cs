using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Network;

/// <summary>
/// One training epoch (forward + backward + update) of the seed networks, float, one thread:
/// the moons net 2-4-6-6-4-1 on 900 samples full batch (Adam), the autoencoder 64-16-64-64 on 256 samples full batch
/// (Adam), and the MLP 784-256-128-10 on one batch of 128 (SGD; <c>OperationsPerInvoke = 128</c>, so the mean is per
/// sample and samples/s = 1e9 / mean-ns). Reference = the scalar reference kernels (baseline). The moons net also runs
/// seed 003's own loop: full-batch SGD, one <c>TrainStep</c> per epoch, and <c>Fit</c> over 100 epochs
/// (<c>OperationsPerInvoke = 100</c>: the mean is per epoch, with everything Fit does per epoch), and that
/// <c>Fit</c> again with <c>ComputeOptions.MaxThreads = 2</c> (each epoch's batch split across two threads). The
/// autoencoder and the MLP also run with <c>MaxThreads = 2</c> (their products split across two threads).
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private NeuralNetwork<float> _moons = null!;
    private Trainer<float> _moonsTrainer = null!;
    private Dataset<float> _moonsData = null!;
    private NeuralNetwork<float> _moonsSgd = null!;
    private Trainer<float> _moonsSgdTrainer = null!;
    private NeuralNetwork<float> _moonsSgd2 = null!;
    private Trainer<float> _moonsSgdTrainer2 = null!;
    private NeuralNetwork<float> _autoencoder = null!;
    private Trainer<float> _autoencoderTrainer = null!;
    private Matrix<float> _autoencoderX = null!;
    private NeuralNetwork<float> _autoencoder2 = null!;
    private Trainer<float> _autoencoderTrainer2 = null!;
    private NeuralNetwork<float> _mlp2 = null!;
    private Trainer<float> _mlpTrainer2 = null!;
    private NeuralNetwork<float> _mlp = null!;
    private Trainer<float> _mlpTrainer = null!;
    private Matrix<float> _mlpX = null!;
    private Matrix<float> _mlpY = null!;

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    public static IEnumerable<KernelPath> Paths => NetworkBenchmarkData.Paths;

    [GlobalSetup]
    public void Setup()
    {
        var compute = ComputeOptions.For(Path);
        _moonsData = Datasets.MakeMoons<float>(900, 0.2, seed: 1);
        _moons = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
        _moonsTrainer = new Trainer<float>(_moons, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(1e-4)) { BatchSize = 900, Compute = compute });

        _moonsSgd = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
        _moonsSgdTrainer = new Trainer<float>(_moonsSgd, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(1e-4)) { BatchSize = 900, Epochs = 100, Shuffle = false, Compute = compute });

        _moonsSgd2 = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
        _moonsSgdTrainer2 = new Trainer<float>(_moonsSgd2, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(1e-4)) { BatchSize = 900, Epochs = 100, Shuffle = false, Compute = compute with { MaxThreads = 2 } });

        _autoencoderX = NetworkBenchmarkData.Uniform(256, 64, 2);
        _autoencoder = new NeuralNetwork<float>(NetworkBenchmarkData.Autoencoder, Initialization.Xavier(2));
        _autoencoderTrainer = new Trainer<float>(_autoencoder, new TrainingOptions(Loss.MeanSquaredError, Optimizer.Adam(1e-4)) { BatchSize = 256, Compute = compute });

        _autoencoder2 = new NeuralNetwork<float>(NetworkBenchmarkData.Autoencoder, Initialization.Xavier(2));
        _autoencoderTrainer2 = new Trainer<float>(_autoencoder2, new TrainingOptions(Loss.MeanSquaredError, Optimizer.Adam(1e-4)) { BatchSize = 256, Compute = compute with { MaxThreads = 2 } });

        _mlpX = NetworkBenchmarkData.Uniform(128, 784, 3);
        _mlpY = NetworkBenchmarkData.OneHot(128, 10, 4);
        _mlp = new NeuralNetwork<float>(NetworkBenchmarkData.Mlp, Initialization.He(3));
        _mlpTrainer = new Trainer<float>(_mlp, new TrainingOptions(Loss.CrossEntropy, Optimizer.Sgd(1e-4)) { BatchSize = 128, Compute = compute });
        _mlp2 = new NeuralNetwork<float>(NetworkBenchmarkData.Mlp, Initialization.He(3));
        _mlpTrainer2 = new Trainer<float>(_mlp2, new TrainingOptions(Loss.CrossEntropy, Optimizer.Sgd(1e-4)) { BatchSize = 128, Compute = compute with { MaxThreads = 2 } });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _moonsTrainer.Dispose();
        _moons.Dispose();
        _moonsData.Dispose();
        _moonsSgdTrainer.Dispose();
        _moonsSgd.Dispose();
        _moonsSgdTrainer2.Dispose();
        _moonsSgd2.Dispose();
        _autoencoderTrainer.Dispose();
        _autoencoder.Dispose();
        _autoencoderX.Dispose();
        _autoencoderTrainer2.Dispose();
        _autoencoder2.Dispose();
        _mlpTrainer2.Dispose();
        _mlp2.Dispose();
        _mlpTrainer.Dispose();
        _mlp.Dispose();
        _mlpX.Dispose();
        _mlpY.Dispose();
    }

    [Benchmark]
    public float MoonsEpoch_900FullBatch() => _moonsTrainer.TrainStep(_moonsData.Features.ReadOnlySpan, _moonsData.Targets.ReadOnlySpan);

    [Benchmark]
    public float MoonsEpoch_900FullBatch_Sgd() => _moonsSgdTrainer.TrainStep(_moonsData.Features.ReadOnlySpan, _moonsData.Targets.ReadOnlySpan);

    [Benchmark(OperationsPerInvoke = 100)]
    public TrainingHistory MoonsFit_PerEpoch_Sgd() => _moonsSgdTrainer.Fit(_moonsData.Features.ReadOnlySpan, _moonsData.Targets.ReadOnlySpan);

    [Benchmark(OperationsPerInvoke = 100)]
    public TrainingHistory MoonsFit_PerEpoch_Sgd_2Threads() => _moonsSgdTrainer2.Fit(_moonsData.Features.ReadOnlySpan, _moonsData.Targets.ReadOnlySpan);

    [Benchmark]
    public float AutoencoderEpoch_256FullBatch() => _autoencoderTrainer.TrainStep(_autoencoderX.ReadOnlySpan, _autoencoderX.ReadOnlySpan);

    [Benchmark]
    public float AutoencoderEpoch_256FullBatch_2Threads() => _autoencoderTrainer2.TrainStep(_autoencoderX.ReadOnlySpan, _autoencoderX.ReadOnlySpan);

    [Benchmark(OperationsPerInvoke = 128)]
    public float MlpStep_PerSample_Batch128() => _mlpTrainer.TrainStep(_mlpX.ReadOnlySpan, _mlpY.ReadOnlySpan);

    [Benchmark(OperationsPerInvoke = 128)]
    public float MlpStep_PerSample_Batch128_2Threads() => _mlpTrainer2.TrainStep(_mlpX.ReadOnlySpan, _mlpY.ReadOnlySpan);
}
