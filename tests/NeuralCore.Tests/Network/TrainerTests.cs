namespace NeuralCore.Tests.Network;

public sealed class TrainerTests
{
    private static readonly NetworkArchitecture Classifier = NetworkArchitecture.FromSizes([2, 12, 3], [Activation.Tanh, Activation.Softmax]);

    private static (Matrix<double> X, Matrix<double> Y) Blobs(int count, int seed)
    {
        // Three Gaussian blobs, one-hot targets.
        var random = new Random(seed);
        var x = new Matrix<double>(count, 2);
        var y = new Matrix<double>(count, 3);
        double[][] centres = [[0, 2], [2, -1], [-2, -1]];
        for (var i = 0; i < count; i++)
        {
            var c = i % 3;
            x[i, 0] = centres[c][0] + (0.5 * ((random.NextDouble() * 2) - 1));
            x[i, 1] = centres[c][1] + (0.5 * ((random.NextDouble() * 2) - 1));
            y[i, c] = 1;
        }

        return (x, y);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Momentum)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.RmsProp)]
    [InlineData(OptimizerKind.AdamW)]
    public void EveryOptimizer_LearnsASoftmaxClassifier(OptimizerKind kind)
    {
        var (x, y) = Blobs(150, 1);
        using var _x = x;
        using var _y = y;
        using var network = new NeuralNetwork<double>(Classifier, Initialization.Xavier(2));
        var optimizer = kind switch
        {
            OptimizerKind.Sgd => Optimizer.Sgd(0.2),
            OptimizerKind.Momentum => Optimizer.WithMomentum(0.05, 0.9, nesterov: true),
            OptimizerKind.Adam => Optimizer.Adam(0.02),
            OptimizerKind.RmsProp => Optimizer.RmsProp(0.01),
            OptimizerKind.AdamW => Optimizer.AdamW(0.02),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        var history = network.Train(x.ReadOnlySpan, y.ReadOnlySpan, new TrainingOptions(Loss.CrossEntropy, optimizer) { Epochs = 30, BatchSize = 16, Seed = 5 });

        Assert.Equal(30, history.Count);
        Assert.True(history.Loss[^1] < history.Loss[0] / 5, $"{history.Loss[0]} → {history.Loss[^1]}");
        Assert.True(history.Accuracy[^1] >= 0.98, $"accuracy {history.Accuracy[^1]}");
    }

    /// <summary>
    /// The trainer's update is the public entry of its kind, with the scheduled rate of each step, the kind's own
    /// hyper-parameters and the 1-based step count: a TrainStep equals ComputeGradients then that entry, bit for bit.
    /// </summary>
    [Theory]
    [InlineData(OptimizerKind.Sgd, false)]
    [InlineData(OptimizerKind.Sgd, true)]
    [InlineData(OptimizerKind.Momentum, false)]
    [InlineData(OptimizerKind.Momentum, true)]
    [InlineData(OptimizerKind.Adam, false)]
    [InlineData(OptimizerKind.Adam, true)]
    [InlineData(OptimizerKind.RmsProp, false)]
    [InlineData(OptimizerKind.RmsProp, true)]
    [InlineData(OptimizerKind.AdamW, false)]
    [InlineData(OptimizerKind.AdamW, true)]
    public void TrainStep_IsComputeGradientsThenTheKindsUpdate_AtTheScheduledRate(OptimizerKind kind, bool narrow)
    {
        var architecture = NetworkArchitecture.FromSizes([2, 6, 1], [Activation.Tanh, Activation.Sigmoid]);
        using var data = Datasets.MakeMoons<float>(40, 0.2, seed: 4);
        var schedule = LearningRateSchedule.Cosine(totalSteps: 5, warmupSteps: 2, minimumLearningRate: 1e-3);
        var optimizer = kind switch
        {
            OptimizerKind.Sgd => Optimizer.Sgd(0.3, weightDecay: 0.01),
            OptimizerKind.Momentum => Optimizer.WithMomentum(0.1, 0.8, nesterov: true, weightDecay: 0.01),
            OptimizerKind.Adam => Optimizer.Adam(0.05, 0.8, 0.99, 1e-6, weightDecay: 0.01),
            OptimizerKind.RmsProp => Optimizer.RmsProp(0.02, 0.9, 1e-6, weightDecay: 0.01),
            OptimizerKind.AdamW => Optimizer.AdamW(0.05, 0.8, 0.99, 1e-6, decoupledWeightDecay: 0.5),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        } with { Schedule = schedule };
        var options = new TrainingOptions(Loss.BinaryCrossEntropy, optimizer) { BatchSize = 40 };
        using var trained = new NeuralNetwork<float>(architecture, Initialization.He(3), narrow);
        using var manual = new NeuralNetwork<float>(architecture, Initialization.He(3), narrow);
        using var trainer = new Trainer<float>(trained, options);
        using var gradients = new Trainer<float>(manual, options);
        var n = manual.ParameterStorage.Length;
        var (state1, state2) = (new float[n], new float[n]);
        for (var t = 1; t <= 6; t++)
        {
            trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            gradients.ComputeGradients(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            var p = manual.ParameterStorage;
            var g = gradients.GradientStorage;
            var rate = (float)optimizer.LearningRateAt(t);
            var (decay, beta1, beta2, epsilon) = ((float)optimizer.WeightDecay, (float)optimizer.Beta1, (float)optimizer.Beta2, (float)optimizer.Epsilon);
            switch (kind)
            {
                case OptimizerKind.Sgd:
                    ParameterUpdates.Sgd<float>(p, g, rate, decay);
                    break;
                case OptimizerKind.Momentum:
                    ParameterUpdates.Momentum<float>(p, g, state1, rate, (float)optimizer.Momentum, optimizer.Nesterov, decay);
                    break;
                case OptimizerKind.Adam:
                    ParameterUpdates.Adam<float>(p, g, state1, state2, rate, beta1, beta2, epsilon, t, decay);
                    break;
                case OptimizerKind.RmsProp:
                    ParameterUpdates.RmsProp<float>(p, g, state1, rate, (float)optimizer.Alpha, epsilon, decay);
                    break;
                case OptimizerKind.AdamW:
                    ParameterUpdates.AdamW<float>(p, g, state1, state2, rate, beta1, beta2, epsilon, t, (float)optimizer.DecoupledWeightDecay);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
            }

            Assert.True(NetworkTestHelpers.ParameterBytes(trained).SequenceEqual(NetworkTestHelpers.ParameterBytes(manual)), $"{kind} step {t}");
        }

        Assert.Equal(6, trainer.Steps);
    }

    [Fact]
    public void WeightDecay_ShrinksTheWeights()
    {
        var (x, y) = Blobs(90, 3);
        using var _x = x;
        using var _y = y;
        double Norm(double decay)
        {
            using var network = new NeuralNetwork<double>(Classifier, Initialization.Xavier(2));
            network.Train(x.ReadOnlySpan, y.ReadOnlySpan, new TrainingOptions(Loss.CrossEntropy, Optimizer.Sgd(0.1, decay)) { Epochs = 40, BatchSize = 90 });
            return network.GetParameters().Sum(p => p * p);
        }

        Assert.True(Norm(0.05) < Norm(0) * 0.8);
    }

    [Fact]
    public void HistoryCallbackAndValidation_ReportEveryEpoch()
    {
        var (x, y) = Blobs(60, 4);
        var (vx, vy) = Blobs(30, 5);
        using var _x = x;
        using var _y = y;
        using var _vx = vx;
        using var _vy = vy;
        using var network = new NeuralNetwork<double>(Classifier, Initialization.Xavier(2));
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = 7, BatchSize = 25 });
        var reports = new List<EpochReport>();

        var history = trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, vx.ReadOnlySpan, vy.ReadOnlySpan, reports.Add);

        Assert.Equal(7, history.Count);
        Assert.Equal(Enumerable.Range(1, 7), reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(7, r.Epochs));
        Assert.Equal(reports.Select(r => r.Loss), history.Loss);
        Assert.Equal(reports.Select(r => r.ValidationAccuracy), history.ValidationAccuracy);

        // The last validation figure is the evaluation of the final parameters.
        var final = trainer.Evaluate(vx.ReadOnlySpan, vy.ReadOnlySpan);
        Assert.Equal(final.Loss, history.ValidationLoss[^1]);
        Assert.Equal(final.Accuracy, history.ValidationAccuracy[^1]);
        Assert.Equal(3 * (60 / 25 + 1) * 7, trainer.Steps * 3); // 3 batches (25, 25, 10) per epoch
    }

    [Fact]
    public void FullBatchEpochs_EqualManualSteps()
    {
        // Seed 003's loop: one full-batch step per epoch. Fit and TrainStep must do exactly the same arithmetic.
        var (x, y) = Blobs(45, 6);
        using var _x = x;
        using var _y = y;
        using var a = new NeuralNetwork<double>(Classifier, Initialization.Xavier(9));
        using var b = new NeuralNetwork<double>(Classifier, Initialization.Xavier(9));
        var options = new TrainingOptions(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = 5, BatchSize = 1000 };
        var history = a.Train(x.ReadOnlySpan, y.ReadOnlySpan, options);
        using var trainer = new Trainer<double>(b, options);
        var losses = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            losses.Add(trainer.TrainStep(x.ReadOnlySpan, y.ReadOnlySpan));
        }

        Assert.Equal(NetworkTestHelpers.ParameterBytes(a), NetworkTestHelpers.ParameterBytes(b));
        Assert.Equal(losses, history.Loss);
    }

    [Fact]
    public void Gradients_AreThoseOfTheMeanLoss_InThePublicLayout()
    {
        // One linear layer, MSE = 1/(2m) Σ (Wx + b − y)²: ∂/∂W = (1/m) Σ (a − y) xᵀ, ∂/∂b = (1/m) Σ (a − y).
        var architecture = NetworkArchitecture.FromSizes([2, 2], [Activation.Linear]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(1));
        network.SetWeights(0, new double[,] { { 1, 2 }, { 3, 4 } });
        network.SetBias(0, [0.5, -0.5]);
        using var x = Matrix<double>.FromArray(new double[,] { { 1, 0 }, { 0, 2 } });
        using var y = Matrix<double>.FromArray(new double[,] { { 0, 0 }, { 1, 1 } });
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.MeanSquaredError, Optimizer.Sgd(1)));
        using var dW = new Matrix<double>(2, 2);
        var db = new double[2];

        trainer.ComputeGradients(x.ReadOnlySpan, y.ReadOnlySpan);
        trainer.CopyWeightGradientTo(0, dW.Span);
        trainer.CopyBiasGradientTo(0, db);

        // a₁ = (1.5, 2.5), a₂ = (4.5, 7.5); residuals r₁ = (1.5, 2.5), r₂ = (3.5, 6.5).
        Assert.Equal(new[] { (1.5 * 1 + 3.5 * 0) / 2, (1.5 * 0 + 3.5 * 2) / 2, (2.5 * 1 + 6.5 * 0) / 2, (2.5 * 0 + 6.5 * 2) / 2 }, dW.ToArray());
        Assert.Equal(new[] { (1.5 + 3.5) / 2, (2.5 + 6.5) / 2 }, db);
    }

    [Fact]
    public void Cancellation_StopsBeforeTheNextEpoch_KeepingCompletedEpochs()
    {
        var (x, y) = Blobs(30, 7);
        using var _x = x;
        using var _y = y;
        using var network = new NeuralNetwork<double>(Classifier, Initialization.Xavier(2));
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.CrossEntropy, Optimizer.Adam(0.01)) { Epochs = 100, BatchSize = 30 });
        using var cancellation = new CancellationTokenSource();
        byte[]? afterThird = null;

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, onEpoch: r =>
        {
            if (r.Epoch == 3)
            {
                afterThird = NetworkTestHelpers.ParameterBytes(network);
                cancellation.Cancel();
            }
        }, cancellationToken: cancellation.Token));

        Assert.Equal(3, trainer.Steps);
        Assert.Equal(afterThird, NetworkTestHelpers.ParameterBytes(network));
    }

    [Fact]
    public void ZeroEpochs_ChangeNothing()
    {
        var (x, y) = Blobs(30, 8);
        using var _x = x;
        using var _y = y;
        using var network = new NeuralNetwork<double>(Classifier, Initialization.Xavier(2));
        var before = NetworkTestHelpers.ParameterBytes(network);

        var history = network.Train(x.ReadOnlySpan, y.ReadOnlySpan, new TrainingOptions(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 0 });

        Assert.Equal(0, history.Count);
        Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
    }

    [Fact]
    public void ColumnMajorData_FromTheSeeds_IsTransposedToRows()
    {
        // Seed 003 stores X as features × samples; FromColumnMajor gives samples × features.
        using var columnMajor = Matrix<double>.FromArray(new double[,] { { 1, 2, 3 }, { 10, 20, 30 } });
        using var rows = Datasets.FromColumnMajor(columnMajor.ReadOnlySpan);

        Assert.Equal(3, rows.Rows);
        Assert.Equal(new double[] { 1, 10, 2, 20, 3, 30 }, rows.ToArray());
    }

    [Fact]
    public void MakeMoons_HasSklearnsShapeAndBalance()
    {
        using var clean = Datasets.MakeMoons<double>(101, 0, seed: 1, shuffle: false);

        Assert.Equal(101, clean.Count);
        Assert.Equal(50, clean.Targets.ToArray().Count(t => t == 0)); // n/2 in the outer moon, as scikit-learn
        // Without noise every point lies on its half circle: outer radius 1 around (0, 0), inner around (1, 0.5).
        for (var i = 0; i < 101; i++)
        {
            var (cx, cy) = clean.Targets[i, 0] == 0 ? (0.0, 0.0) : (1.0, 0.5);
            var r = Math.Sqrt(Math.Pow(clean.Features[i, 0] - cx, 2) + Math.Pow(clean.Features[i, 1] - cy, 2));
            Assert.Equal(1.0, r, 1e-12);
        }

        Assert.Equal((0.0, 0.0), (clean.Features[0, 0] - 1, clean.Features[0, 1])); // t = 0 on the outer moon
        using var a = Datasets.MakeMoons<float>(50, 0.2, seed: 3);
        using var b = Datasets.MakeMoons<float>(50, 0.2, seed: 3);
        Assert.Equal(a.Features.ToArray(), b.Features.ToArray());
    }
}
