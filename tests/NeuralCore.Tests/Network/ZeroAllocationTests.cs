using System.Numerics;

namespace NeuralCore.Tests.Network;

/// <remarks>In the kernel category, so the ISA-off runs of .ci/run measure the narrower paths' code too.</remarks>
[Trait("Category", "Kernels")]
public sealed class ZeroAllocationTests
{
    /// <summary>
    /// Bytes allocated on this thread by <paramref name="iterations"/> calls after a warm-up; the quietest of five
    /// windows. Why several windows: the network code is tiered by the JIT, and under a parallel test run a tier-up
    /// (or OSR) transition can land inside one window and allocate a few runtime objects on this thread. A real
    /// per-call allocation shows up in every window, so the minimum still catches it.
    /// </summary>
    private static long Measure(Action action, int iterations = 20)
    {
        for (var i = 0; i < 3; i++)
        {
            action(); // warm-up: tiering, thread-local workspaces, buffer growth
        }

        var quietest = long.MaxValue;
        for (var window = 0; window < 5 && quietest != 0; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < iterations; i++)
            {
                action();
            }

            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return quietest;
    }

    private static readonly NetworkArchitecture Dense = NetworkArchitecture.FromSizes([5, 12, 7, 3], [Activation.Relu, Activation.Sigmoid, Activation.Softmax]);

    // Hidden layers whose f′ reads Z: the GEMM engine stores and reads their Z buffers.
    private static readonly NetworkArchitecture DenseStoredZ = NetworkArchitecture.FromSizes([5, 12, 7, 3], [Activation.Gelu, Activation.Silu, Activation.Softmax]);

    private static void TrainingStepAndPredictionsAllocateNothing<T>(OptimizerKind kind, NetworkArchitecture architecture, LearningRateScheduleKind schedule = LearningRateScheduleKind.Constant)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var path in Kernels.Available)
        {
            TrainingStepAndPredictionsAllocateNothing<T>(OptimizerFor(kind, schedule), architecture, ComputeOptions.For(path));
        }
    }

    private static Optimizer OptimizerFor(OptimizerKind kind, LearningRateScheduleKind schedule)
    {
        var optimizer = kind switch
        {
            OptimizerKind.Adam => Optimizer.Adam(0.01),
            OptimizerKind.Momentum => Optimizer.WithMomentum(0.01),
            OptimizerKind.Sgd => Optimizer.Sgd(0.01),
            OptimizerKind.RmsProp => Optimizer.RmsProp(0.001),
            OptimizerKind.AdamW => Optimizer.AdamW(0.01),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return optimizer with
        {
            Schedule = schedule switch
            {
                LearningRateScheduleKind.Constant => LearningRateSchedule.Constant,
                LearningRateScheduleKind.Step => LearningRateSchedule.Step(5, 0.5),
                LearningRateScheduleKind.Exponential => LearningRateSchedule.Exponential(0.99),
                // Every measured step inside the annealing phase: Measure keeps the quietest of its windows.
                LearningRateScheduleKind.Cosine => LearningRateSchedule.Cosine(totalSteps: 1_000_000, warmupSteps: 2, minimumLearningRate: 1e-4),
                _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, null),
            },
        };
    }

    private static void TrainingStepAndPredictionsAllocateNothing<T>(Optimizer optimizer, NetworkArchitecture architecture, ComputeOptions compute)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = new NeuralNetwork<T>(architecture, Initialization.He(1));
        using var x = NetworkTestHelpers.RandomMatrix<T>(40, 5, 1);
        using var y = NetworkTestHelpers.RandomTargets<T>(Loss.CrossEntropy, 40, 3, 2);
        using var trainer = new Trainer<T>(network, new TrainingOptions(Loss.CrossEntropy, optimizer) { BatchSize = 16, Compute = compute });
        using var predictor = network.CreatePredictor(8, compute);
        using var batchOut = new Matrix<T>(40, 3);
        var single = new T[3];
        var input = x.ReadOnlySpan.ToArray().AsMemory(0, 5);

        Assert.Equal(0, Measure(() => trainer.TrainStep(x.ReadOnlySpan.SliceRows(0, 16), y.ReadOnlySpan.SliceRows(0, 16))));
        Assert.Equal(0, Measure(() => trainer.TrainStep(x.ReadOnlySpan.SliceRows(16, 7), y.ReadOnlySpan.SliceRows(16, 7)))); // a partial batch
        Assert.Equal(0, Measure(() => network.Predict(input.Span, single)));
        Assert.Equal(0, Measure(() => network.Predict(x.ReadOnlySpan, batchOut.Span)));
        Assert.Equal(0, Measure(() => predictor.Predict(input.Span, single)));
        Assert.Equal(0, Measure(() => predictor.Predict(x.ReadOnlySpan, batchOut.Span)));
        Assert.Equal(0, Measure(() => trainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan)));
        Assert.Equal(0, Measure(() => network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.CrossEntropy, compute)));
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Momentum)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.RmsProp)]
    [InlineData(OptimizerKind.AdamW)]
    public void StepAndPredictions_Float(OptimizerKind kind) => TrainingStepAndPredictionsAllocateNothing<float>(kind, Dense);

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.RmsProp)]
    [InlineData(OptimizerKind.AdamW)]
    public void StepAndPredictions_Double(OptimizerKind kind) => TrainingStepAndPredictionsAllocateNothing<double>(kind, Dense);

    /// <summary>The per-step learning rate of every schedule is worked out without allocating.</summary>
    [Theory]
    [InlineData(OptimizerKind.Sgd, LearningRateScheduleKind.Step)]
    [InlineData(OptimizerKind.RmsProp, LearningRateScheduleKind.Exponential)]
    [InlineData(OptimizerKind.AdamW, LearningRateScheduleKind.Cosine)]
    [InlineData(OptimizerKind.Adam, LearningRateScheduleKind.Cosine)]
    public void StepAndPredictions_WithASchedule(OptimizerKind kind, LearningRateScheduleKind schedule) =>
        TrainingStepAndPredictionsAllocateNothing<float>(kind, Dense, schedule);

    [Fact]
    public void StepAndPredictions_WithStoredHiddenZ() => TrainingStepAndPredictionsAllocateNothing<float>(OptimizerKind.Adam, DenseStoredZ);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NarrowEngine_StepAndPredictionsAllocateNothing(bool storedZ)
    {
        // The seed-sized nets run on the narrow engine: same guarantee, every path; with hidden layers whose f′ reads Z
        // (their Z buffers, backward-data and the fused head reading them) too.
        var architecture = storedZ
            ? NetworkArchitecture.FromSizes([2, 4, 6, 1], [Activation.Gelu, Activation.Softplus, Activation.Sigmoid])
            : NetworkArchitecture.FromSizes([2, 4, 6, 1], [Activation.Relu, Activation.Tanh, Activation.Sigmoid]);
        foreach (var path in Kernels.Available)
        {
            // RMSprop and AdamW with a schedule on this engine too; only the step depends on the optimizer.
            foreach (var (kind, schedule) in new[] { (OptimizerKind.RmsProp, LearningRateScheduleKind.Step), (OptimizerKind.AdamW, LearningRateScheduleKind.Cosine) })
            {
                using var net = new NeuralNetwork<double>(architecture, Initialization.He(1), narrow: true);
                using var moons = Datasets.MakeMoons<double>(20, 0.1, 1);
                using var scheduled = new Trainer<double>(net, new TrainingOptions(Loss.BinaryCrossEntropy, OptimizerFor(kind, schedule)) { BatchSize = 20, Compute = ComputeOptions.For(path) });
                Assert.Equal(0, Measure(() => scheduled.TrainStep(moons.Features.ReadOnlySpan, moons.Targets.ReadOnlySpan)));
            }

            var compute = ComputeOptions.For(path);
            using var network = new NeuralNetwork<double>(architecture, Initialization.He(1), narrow: true);
            using var data = Datasets.MakeMoons<double>(50, 0.1, 1);
            using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.01)) { BatchSize = 20, Compute = compute });
            using var predictor = network.CreatePredictor(16, compute);
            using var output = new Matrix<double>(50, 1);
            var single = new double[1];
            var x = data.Features.ReadOnlySpan.ToArray();
            var y = data.Targets.ReadOnlySpan.ToArray();
            using var inputGradient = new Matrix<double>(20, 2);

            Assert.Equal(0, Measure(() => trainer.TrainStep(new ReadOnlyMatrixSpan<double>(x, 50, 2).SliceRows(0, 20), new ReadOnlyMatrixSpan<double>(y, 50, 1).SliceRows(0, 20))));
            Assert.Equal(0, Measure(() => trainer.TrainStep(new ReadOnlyMatrixSpan<double>(x, 50, 2).SliceRows(20, 13), new ReadOnlyMatrixSpan<double>(y, 50, 1).SliceRows(20, 13))));
            Assert.Equal(0, Measure(() => trainer.ComputeGradients(new ReadOnlyMatrixSpan<double>(x, 50, 2).SliceRows(0, 20), new ReadOnlyMatrixSpan<double>(y, 50, 1).SliceRows(0, 20), inputGradient.Span)));
            Assert.Equal(0, Measure(() => predictor.Predict(x.AsSpan(0, 2), single)));
            Assert.Equal(0, Measure(() => predictor.Predict(new ReadOnlyMatrixSpan<double>(x, 50, 2), output.Span)));
            Assert.Equal(0, Measure(() => network.Predict(x.AsSpan(2, 2), single)));
            Assert.Equal(0, Measure(() => network.Evaluate(new ReadOnlyMatrixSpan<double>(x, 50, 2), new ReadOnlyMatrixSpan<double>(y, 50, 1), Loss.BinaryCrossEntropy, compute)));
        }
    }

    [Fact]
    public void ClassIdTargetsAndHuber_StepAndEvaluationAllocateNothing()
    {
        foreach (var path in Kernels.Available)
        {
            var compute = ComputeOptions.For(path);
            foreach (var (loss, output) in new[] { (Loss.SparseCrossEntropy, Activation.Softmax), (Loss.CreateHuber(0.5), Activation.Linear), (Loss.Huber, Activation.Tanh) })
            {
                using var network = new NeuralNetwork<float>(NetworkArchitecture.FromSizes([5, 12, 3], [Activation.Relu, output]), Initialization.He(1));
                using var x = NetworkTestHelpers.RandomMatrix<float>(40, 5, 1);
                using var y = NetworkTestHelpers.RandomTargets<float>(loss, 40, 3, 2);
                using var trainer = new Trainer<float>(network, new TrainingOptions(loss, Optimizer.Adam(0.01)) { BatchSize = 16, Compute = compute });

                Assert.Equal(0, Measure(() => trainer.TrainStep(x.ReadOnlySpan.SliceRows(0, 16), y.ReadOnlySpan.SliceRows(0, 16))));
                Assert.Equal(0, Measure(() => trainer.TrainStep(x.ReadOnlySpan.SliceRows(16, 7), y.ReadOnlySpan.SliceRows(16, 7))));
                Assert.Equal(0, Measure(() => trainer.ComputeGradients(x.ReadOnlySpan.SliceRows(0, 16), y.ReadOnlySpan.SliceRows(0, 16))));
                Assert.Equal(0, Measure(() => trainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan)));
            }
        }
    }

    [Fact]
    public void EpochLoop_WithClassIds_AllocatesOnlyTheHistory()
    {
        // Shuffled batches gather the one-column targets into the trainer's buffer: nothing per epoch either.
        var architecture = NetworkArchitecture.FromSizes([5, 8, 3], [Activation.Tanh, Activation.Softmax]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(1));
        using var x = NetworkTestHelpers.RandomMatrix<float>(100, 5, 1);
        using var y = NetworkTestHelpers.RandomTargets<float>(Loss.SparseCrossEntropy, 100, 3, 2);
        long Fit(int epochs)
        {
            using var trainer = new Trainer<float>(network, new TrainingOptions(Loss.SparseCrossEntropy, Optimizer.Adam(0.001)) { Epochs = epochs, BatchSize = 16 });
            trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan);

            // The quietest of three Fits: a one-off runtime allocation (a tier-up) is not the epoch loop's.
            var quietest = long.MaxValue;
            for (var window = 0; window < 3; window++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan);
                quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            return quietest;
        }

        Fit(2);
        var few = Fit(2);
        var many = Fit(40);

        Assert.Equal(38 * 2 * sizeof(double), many - few);
    }

    [Fact]
    public void EpochLoop_AllocatesOnlyTheHistory()
    {
        // A Fit call allocates its history (4 arrays sized by the epoch count) and nothing per epoch: compare
        // 2 epochs with 40 epochs and expect the difference to be the history arrays' growth only.
        var architecture = NetworkArchitecture.FromSizes([2, 8, 1], [Activation.Tanh, Activation.Sigmoid]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(1));
        using var data = Datasets.MakeMoons<float>(100, 0.1, 1);
        long Fit(int epochs)
        {
            using var trainer = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.001)) { Epochs = epochs, BatchSize = 16 });
            trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);

            // The quietest of three Fits: a one-off runtime allocation (a tier-up) is not the epoch loop's.
            var quietest = long.MaxValue;
            for (var window = 0; window < 3; window++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
                quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            return quietest;
        }

        Fit(2);
        var few = Fit(2);
        var many = Fit(40);

        // 38 more epochs × 2 history arrays (loss, accuracy) × 8 bytes, nothing else.
        Assert.Equal(38 * 2 * sizeof(double), many - few);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EpochLoop_WithEarlyStopping_AllocatesOnlyTheHistory(bool narrow)
    {
        // Early stopping's best parameters go to a buffer allocated with the trainer: per epoch, only the four history
        // arrays (loss, accuracy and their validation twins) grow. The patience is never reached, so both runs go the distance.
        var architecture = NetworkArchitecture.FromSizes([2, narrow ? 8 : 40, 1], [Activation.Tanh, Activation.Sigmoid]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(1));
        NetworkTestHelpers.AssertEngine(narrow, network);
        using var data = Datasets.MakeMoons<float>(100, 0.1, 1);
        using var validation = Datasets.MakeMoons<float>(30, 0.1, 2);
        long Fit(int epochs)
        {
            var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.001)) { Epochs = epochs, BatchSize = 16, EarlyStopping = new EarlyStopping(1000) };
            using var trainer = new Trainer<float>(network, options);
            trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, validation.Features.ReadOnlySpan, validation.Targets.ReadOnlySpan);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var history = trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, validation.Features.ReadOnlySpan, validation.Targets.ReadOnlySpan);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(epochs, history.Count);
            return allocated;
        }

        Fit(2);
        var few = Fit(2);
        var many = Fit(40);

        Assert.Equal(38 * 4 * sizeof(double), many - few);
    }
}
