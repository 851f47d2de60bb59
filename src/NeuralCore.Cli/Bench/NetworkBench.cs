using System.Diagnostics;

namespace NeuralCore.Cli.Bench;

/// <summary>
/// The training and inference sections: the standard workloads of the network benchmarks (float, one thread unless a
/// row says two), with the figures the targets are stated in.
/// </summary>
internal static class NetworkBench
{
    private static readonly NetworkArchitecture s_moons = NetworkArchitecture.FromSizes([2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Relu, Activation.Relu, Activation.Relu, Activation.Sigmoid]);
    private static readonly NetworkArchitecture s_autoencoder = NetworkArchitecture.FromSizes([64, 16, 64, 64], [Activation.Sigmoid, Activation.Sigmoid, Activation.Linear]);
    private static readonly NetworkArchitecture s_mlp = NetworkArchitecture.FromSizes([784, 256, 128, 10], [Activation.Relu, Activation.Relu, Activation.Softmax]);

    public static IEnumerable<BenchMeasurement> Train(TimeSpan budget)
    {
        // Moons (the two-moons tutorial's net): 900 training samples, full batch, SGD — one step is one epoch.
        using (var data = Datasets.MakeMoons<float>(900, 0.2, 1))
        using (var network = new NeuralNetwork<float>(s_moons, Initialization.He(1)))
        using (var trainer = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.01)) { BatchSize = 900, Epochs = 10_000, Shuffle = false }))
        {
            var (seconds, bytes) = Stopwatches.Measure(() => trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan), budget);
            yield return new BenchMeasurement("train", "moons 2-4-6-6-4-1, 900 full batch, per epoch", seconds * 1e6, "µs", null, bytes);
            var fit = Stopwatch.StartNew();
            trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            yield return new BenchMeasurement("train", "moons 10 000 full-batch epochs (Fit)", fit.Elapsed.TotalSeconds, "s", null, double.NaN);
        }

        // The same with ComputeOptions.MaxThreads = 2: each epoch's 900 samples split across two threads.
        using (var data = Datasets.MakeMoons<float>(900, 0.2, 1))
        using (var network = new NeuralNetwork<float>(s_moons, Initialization.He(1)))
        using (var trainer = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.01)) { BatchSize = 900, Epochs = 10_000, Shuffle = false, Compute = new ComputeOptions(null, 2) }))
        {
            var (seconds, bytes) = Stopwatches.Measure(() => trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan), budget);
            yield return new BenchMeasurement("train", "moons, per epoch, 2 threads", seconds * 1e6, "µs", null, bytes);
            var fit = Stopwatch.StartNew();
            trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            yield return new BenchMeasurement("train", "moons 10 000 full-batch epochs (Fit, 2 threads)", fit.Elapsed.TotalSeconds, "s", null, double.NaN);
        }

        // Autoencoder (the autoencoder tutorial's shape): 64-16-64-64, 256 samples, full batch.
        using (var x = Uniform(256, 64, 2, 0, 1))
        using (var network = new NeuralNetwork<float>(s_autoencoder, Initialization.Xavier(2)))
        using (var trainer = new Trainer<float>(network, new TrainingOptions(Loss.MeanSquaredError, Optimizer.Sgd(0.1)) { BatchSize = 256 }))
        {
            var (seconds, bytes) = Stopwatches.Measure(() => trainer.TrainStep(x.ReadOnlySpan, x.ReadOnlySpan), budget);
            yield return new BenchMeasurement("train", "autoencoder 64-16-64-64, 256 full batch, per epoch", seconds * 1e6, "µs", null, bytes);
            yield return new BenchMeasurement("train", "autoencoder 2 000 epochs (projected)", seconds * 2000, "s", null, bytes);
        }

        // MLP 784-256-128-10, batch 128, softmax + cross-entropy.
        using (var x = Uniform(128, 784, 3, 0, 1))
        using (var y = OneHot(128, 10, 3))
        using (var network = new NeuralNetwork<float>(s_mlp, Initialization.He(3)))
        using (var trainer = new Trainer<float>(network, new TrainingOptions(Loss.CrossEntropy, Optimizer.Sgd(0.01)) { BatchSize = 128 }))
        {
            var (seconds, bytes) = Stopwatches.Measure(() => trainer.TrainStep(x.ReadOnlySpan, y.ReadOnlySpan), budget);
            yield return new BenchMeasurement("train", "MLP 784-256-128-10, batch 128", 128 / seconds, "samples/s", null, bytes);
        }
    }

    public static IEnumerable<BenchMeasurement> Infer(TimeSpan budget)
    {
        using (var network = new NeuralNetwork<float>(s_mlp, Initialization.He(4)))
        using (var predictor = network.CreatePredictor(1024))
        using (var batch = Uniform(1024, 784, 4, 0, 1))
        using (var outputs = new Matrix<float>(1024, 10))
        {
            var input = batch.ReadOnlySpan.GetRowSpan(0).ToArray();
            var output = new float[10];
            var (seconds, bytes) = Stopwatches.Measure(() => predictor.Predict(input, output), budget);
            yield return new BenchMeasurement("infer", "MLP 784-256-128-10, single sample", seconds * 1e6, "µs", null, bytes);
            (seconds, bytes) = Stopwatches.Measure(() => predictor.Predict(batch.ReadOnlySpan, outputs.Span), budget);
            yield return new BenchMeasurement("infer", "MLP 784-256-128-10, batch 1024", 1024 / seconds, "samples/s", null, bytes);
        }

        using (var network = new NeuralNetwork<float>(s_moons, Initialization.He(5)))
        using (var predictor = network.CreatePredictor(1))
        {
            var input = new float[] { 0.5f, -0.25f };
            var output = new float[1];
            var (seconds, bytes) = Stopwatches.Measure(() => predictor.Predict(input, output), budget);
            yield return new BenchMeasurement("infer", "moons 2-4-6-6-4-1, single sample", seconds * 1e6, "µs", null, bytes);
        }
    }

    /// <summary>A seeded matrix of values uniform in [low, high): the operands of every bench workload.</summary>
    internal static Matrix<float> Uniform(int rows, int columns, int seed, double low, double high)
    {
        var m = new Matrix<float>(rows, columns);
        var random = new Random(seed);
        var span = m.DangerousGetStorage();
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (float)(low + (random.NextDouble() * (high - low)));
        }

        return m;
    }

    private static Matrix<float> OneHot(int rows, int classes, int seed)
    {
        var m = new Matrix<float>(rows, classes);
        var random = new Random(seed);
        for (var r = 0; r < rows; r++)
        {
            m[r, random.Next(classes)] = 1;
        }

        return m;
    }
}
