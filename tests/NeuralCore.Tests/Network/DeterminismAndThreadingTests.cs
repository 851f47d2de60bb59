namespace NeuralCore.Tests.Network;

public sealed class DeterminismAndThreadingTests
{
    private static byte[] TrainOnce(int threads, OptimizerKind kind)
    {
        // 900 = 2·400 + 100: two batches of at least NarrowTrainingEngine.NarrowSplitColumns samples, which two threads split
        // between them, and a partial last batch every epoch, which they do not.
        using var data = Datasets.MakeMoons<float>(900, 0.2, seed: 9);
        var architecture = NetworkArchitecture.FromSizes([2, 16, 8, 1], [Activation.Relu, Activation.Tanh, Activation.Sigmoid]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(4));
        var optimizer = kind switch
        {
            OptimizerKind.Adam => Optimizer.Adam(0.01, weightDecay: 1e-4),
            OptimizerKind.Momentum => Optimizer.WithMomentum(0.05, 0.9, nesterov: true),
            OptimizerKind.RmsProp => Optimizer.RmsProp(0.005, weightDecay: 1e-4) with { Schedule = LearningRateSchedule.Step(4, 0.5) },
            OptimizerKind.AdamW => Optimizer.AdamW(0.01) with { Schedule = LearningRateSchedule.Cosine(totalSteps: 15, warmupSteps: 3, minimumLearningRate: 1e-4) },
            OptimizerKind.Sgd => Optimizer.Sgd(0.1),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        var options = new TrainingOptions(Loss.BinaryCrossEntropy, optimizer)
        {
            Epochs = 5,
            BatchSize = 400,
            Seed = 12,
            Compute = new ComputeOptions(null, threads),
        };
        using var trainer = new Trainer<float>(network, options);
        trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);

        // The two-thread rows must really have run split steps on the narrow engine (the reference path never splits;
        // with NEURALCORE_ENGINE=dense the GEMM products split instead, which the trainer does not record).
        Assert.Equal(threads > 1 && network.IsNarrow && Kernels.Default != KernelPath.Reference, trainer.HasSplitSteps);
        return NetworkTestHelpers.ParameterBytes(network);
    }

    [Theory]
    [InlineData(1, OptimizerKind.Sgd)]
    [InlineData(1, OptimizerKind.Momentum)]
    [InlineData(1, OptimizerKind.Adam)]
    [InlineData(2, OptimizerKind.Adam)]
    [InlineData(2, OptimizerKind.Sgd)]
    [InlineData(1, OptimizerKind.RmsProp)]
    [InlineData(2, OptimizerKind.RmsProp)]
    [InlineData(1, OptimizerKind.AdamW)]
    [InlineData(2, OptimizerKind.AdamW)]
    public void SameSeed_GivesByteIdenticalParameters(int threads, OptimizerKind kind)
    {
        var first = TrainOnce(threads, kind);
        var second = TrainOnce(threads, kind);

        Assert.Equal(first, second);
    }

    [Fact]
    public void DifferentShuffleSeeds_GiveDifferentParameters()
    {
        // Guards the determinism test against passing because shuffling did nothing.
        using var data = Datasets.MakeMoons<float>(100, 0.2, seed: 9);
        var architecture = NetworkArchitecture.FromSizes([2, 4, 1], [Activation.Relu, Activation.Sigmoid]);
        byte[] Train(ulong seed)
        {
            using var network = new NeuralNetwork<float>(architecture, Initialization.He(4));
            network.Train(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 2, BatchSize = 10, Seed = seed });
            return NetworkTestHelpers.ParameterBytes(network);
        }

        Assert.NotEqual(Train(1), Train(2));
    }

    [Fact]
    public void TwoThreads_ManyPredictionsOnOneModel_EqualTheSequentialResults()
    {
        var architecture = NetworkArchitecture.FromSizes([6, 32, 16, 3], [Activation.Relu, Activation.Tanh, Activation.Softmax]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(8));
        const int samples = 500;
        using var x = NetworkTestHelpers.RandomMatrix<double>(samples, 6, 2);
        using var expected = new Matrix<double>(samples, 3);
        for (var i = 0; i < samples; i++)
        {
            network.Predict(x.ReadOnlySpan.GetRowSpan(i), expected.Span.GetRowSpan(i));
        }

        var results = new double[2][];
        using var start = new Barrier(2);
        var threads = new Thread[2];
        for (var t = 0; t < 2; t++)
        {
            var index = t;
            threads[t] = new Thread(() =>
            {
                var mine = new double[samples * 3];
                start.SignalAndWait();
                for (var round = 0; round < 20; round++)
                {
                    // Alternate single-sample and batch calls so both paths interleave with the other thread.
                    for (var i = 0; i < samples; i++)
                    {
                        var row = ((index * 7) + i + round) % samples;
                        network.Predict(x.ReadOnlySpan.GetRowSpan(row), mine.AsSpan(row * 3, 3));
                    }

                    network.Predict(x.ReadOnlySpan, new MatrixSpan<double>(mine, samples, 3));
                }

                results[index] = mine;
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        var sequential = expected.ToArray();
        Assert.Equal(sequential, results[0]);
        Assert.Equal(sequential, results[1]);
    }
}
