namespace NeuralCore.Tests.Network;

/// <summary>§5: bad input gets a clear message naming the argument, expected and actual value; the model is unchanged.</summary>
public sealed class ErrorTests
{
    private static readonly NetworkArchitecture Architecture = NetworkArchitecture.FromSizes([3, 4, 2], [Activation.Relu, Activation.Sigmoid]);

    private static TrainingOptions Options(Loss? loss = null) => new(loss ?? Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 2, BatchSize = 4 };

    /// <summary>Runs a failing call and checks the exception's message and that the parameters did not move.</summary>
    private static ArgumentException AssertRejected(NeuralNetwork<double> network, Action call, params string[] fragments)
    {
        var before = NetworkTestHelpers.ParameterBytes(network);
        var ex = Assert.ThrowsAny<ArgumentException>(call);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
        return ex;
    }

    [Fact]
    public void RowCountsThatDiffer()
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        using var trainer = new Trainer<double>(network, Options());
        using var x = new Matrix<double>(10, 3);
        using var y = new Matrix<double>(9, 2);

        var ex = AssertRejected(network, () => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan), "one row per row of x (10); got 9");
        Assert.Equal("y", ex.ParamName);
    }

    [Fact]
    public void FeatureCountThatDoesNotMatchTheFirstLayer()
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        using var trainer = new Trainer<double>(network, Options());
        using var x = new Matrix<double>(10, 4);
        using var y = new Matrix<double>(10, 2);

        var ex = AssertRejected(network, () => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan), "x must have 3 columns", "got 4");
        Assert.Equal("x", ex.ParamName);
    }

    [Fact]
    public void TargetWidthThatDoesNotMatchTheLastLayer()
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        using var trainer = new Trainer<double>(network, Options());
        using var x = new Matrix<double>(10, 3);
        using var y = new Matrix<double>(10, 1);

        AssertRejected(network, () => trainer.TrainStep(x.ReadOnlySpan, y.ReadOnlySpan), "y must have 2 columns", "got 1");
    }

    [Fact]
    public void EmptyData()
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        using var trainer = new Trainer<double>(network, Options());
        using var x = new Matrix<double>(0, 3);
        using var y = new Matrix<double>(0, 2);

        AssertRejected(network, () => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan), "x must hold at least one sample (row); got 0");
    }

    [Theory]
    [InlineData(0, 10, 0.1, "BatchSize must be ≥ 1; got 0")]
    [InlineData(-3, 10, 0.1, "BatchSize must be ≥ 1; got -3")]
    [InlineData(4, -1, 0.1, "Epochs must be ≥ 0; got -1")]
    [InlineData(4, 10, 0.0, "LearningRate must be finite and > 0; got 0")]
    [InlineData(4, 10, -0.5, "LearningRate must be finite and > 0; got -0.5")]
    [InlineData(4, 10, double.NaN, "LearningRate must be finite and > 0; got NaN")]
    [InlineData(4, 10, double.PositiveInfinity, "options.Optimizer.LearningRate must be finite and > 0; got Infinity")]
    public void OptionsOutOfRange(int batchSize, int epochs, double learningRate, string expected)
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(learningRate)) { BatchSize = batchSize, Epochs = epochs };

        var ex = AssertRejected(network, () => new Trainer<double>(network, options).Dispose(), expected);
        Assert.Equal("options", ex.ParamName);
    }

    [Theory]
    [InlineData(LossKind.BinaryCrossEntropy, ActivationKind.Relu, "options.Loss bce needs a sigmoid output layer", "uses relu")]
    [InlineData(LossKind.BinaryCrossEntropy, ActivationKind.Softmax, "needs a sigmoid output layer", "uses softmax")]
    [InlineData(LossKind.CrossEntropy, ActivationKind.Sigmoid, "options.Loss ce needs a softmax output layer", "uses sigmoid")]
    [InlineData(LossKind.SparseCrossEntropy, ActivationKind.Linear, "options.Loss sparse_ce needs a softmax output layer", "uses linear")]
    public void OutputActivationThatDoesNotFitTheLoss(LossKind loss, ActivationKind output, string expected, string actual)
    {
        using var network = new NeuralNetwork<double>(NetworkArchitecture.FromSizes([3, 4, 2], [Activation.Relu, Activation.FromKind(output)]), Initialization.He(1));

        AssertRejected(network, () => new Trainer<double>(network, Options(Loss.FromKind(loss))).Dispose(), expected, actual);
    }

    [Theory]
    [InlineData(2.5, "2.5")]
    [InlineData(-1.0, "-1")]
    [InlineData(3.0, "3")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void ClassIdThatIsNotAClass_IsRejectedNamingTheRow(double bad, string shown)
    {
        using var network = new NeuralNetwork<double>(NetworkArchitecture.FromSizes([3, 4, 3], [Activation.Relu, Activation.Softmax]), Initialization.He(1));
        using var trainer = new Trainer<double>(network, Options(Loss.SparseCrossEntropy));
        using var x = NetworkTestHelpers.RandomMatrix<double>(10, 3, 1);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.SparseCrossEntropy, 10, 3, 1);
        y[6, 0] = bad;

        var fragments = new[] { "y must hold class ids, integers from 0 to 2 for the C = 3 classes", $"row 6 holds {shown}." };
        var ex = AssertRejected(network, () => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan), fragments);
        Assert.Equal("y", ex.ParamName);
        AssertRejected(network, () => trainer.TrainStep(x.ReadOnlySpan, y.ReadOnlySpan), fragments);
        AssertRejected(network, () => trainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan), fragments);
        using var good = NetworkTestHelpers.RandomTargets<double>(Loss.SparseCrossEntropy, 10, 3, 2);
        AssertRejected(network, () => trainer.Fit(x.ReadOnlySpan, good.ReadOnlySpan, x.ReadOnlySpan, y.ReadOnlySpan), "validationY must hold class ids", $"row 6 holds {shown}.");
    }

    [Fact]
    public void SparseTargets_AreOneColumn()
    {
        using var network = new NeuralNetwork<double>(NetworkArchitecture.FromSizes([3, 4, 3], [Activation.Relu, Activation.Softmax]), Initialization.He(1));
        using var trainer = new Trainer<double>(network, Options(Loss.SparseCrossEntropy));
        using var x = NetworkTestHelpers.RandomMatrix<double>(10, 3, 1);
        using var oneHot = NetworkTestHelpers.RandomTargets<double>(Loss.CrossEntropy, 10, 3, 1);

        var ex = AssertRejected(network, () => trainer.TrainStep(x.ReadOnlySpan, oneHot.ReadOnlySpan), "y must have 1 columns (one class id per sample for sparse_ce); got 3");
        Assert.Equal("y", ex.ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteInputData_IsRejectedWithRowAndColumn(double bad)
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        using var trainer = new Trainer<double>(network, Options());
        using var x = NetworkTestHelpers.RandomMatrix<double>(10, 3, 1);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.BinaryCrossEntropy, 10, 2, 1);
        x[7, 2] = bad;

        AssertRejected(network, () => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan), "x must hold finite values only", "at row 7, column 2");
        x[7, 2] = 0;
        y[3, 1] = bad;
        AssertRejected(network, () => trainer.TrainStep(x.ReadOnlySpan, y.ReadOnlySpan), "y must hold finite values only", "at row 3, column 1");
    }

    [Fact]
    public void BadValidationData_IsRejectedBeforeTraining()
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        using var trainer = new Trainer<double>(network, Options());
        using var x = NetworkTestHelpers.RandomMatrix<double>(10, 3, 1);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.BinaryCrossEntropy, 10, 2, 1);
        using var vx = new Matrix<double>(5, 3);
        using var vy = new Matrix<double>(5, 3);

        var ex = AssertRejected(network, () => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, vx.ReadOnlySpan, vy.ReadOnlySpan), "validationY must have 2 columns", "got 3");
        Assert.Equal("validationY", ex.ParamName);
    }

    [Fact]
    public void DimensionsThatDoNotChain()
    {
        var ex = Assert.Throws<ArgumentException>(() => NetworkArchitecture.FromJson(
            """[{"input_dim": 2, "output_dim": 4, "activation": "relu"}, {"input_dim": 3, "output_dim": 1, "activation": "sigmoid"}]"""));

        Assert.Contains("layer 1 must have input_dim = 4; got 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Divergence_StopsWithTheEpoch_AndRestoresTheLastGoodParameters()
    {
        // MSE on targets of size 1e3 with η = 10: the first steps overshoot and the loss overflows to ∞/NaN.
        var architecture = NetworkArchitecture.FromSizes([3, 8, 1], [Activation.Linear, Activation.Linear]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(1));
        using var x = NetworkTestHelpers.RandomMatrix<double>(32, 3, 1, scale: 10);
        using var y = NetworkTestHelpers.RandomMatrix<double>(32, 1, 2, scale: 1000);
        var snapshots = new List<byte[]> { NetworkTestHelpers.ParameterBytes(network) };
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.MeanSquaredError, Optimizer.Sgd(10)) { Epochs = 1000, BatchSize = 8 });

        var ex = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, onEpoch: _ => snapshots.Add(NetworkTestHelpers.ParameterBytes(network))));

        Assert.InRange(ex.Epoch, 1, 1000);
        Assert.Contains($"Training diverged in epoch {ex.Epoch} of 1000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("learning rate (10, sgd) is too high", ex.Message, StringComparison.Ordinal);
        Assert.Equal(snapshots[ex.Epoch - 1], NetworkTestHelpers.ParameterBytes(network));
        Assert.All(network.GetParameters(), p => Assert.True(double.IsFinite(p)));
    }

    /// <summary>
    /// The adaptive optimizers' steps are about η whatever the gradient, so they diverge only with a rate near the
    /// top of the double range: η = 1e300 overflows the linear net's outputs within a step or two. Same stop and
    /// restore as SGD, on both engines.
    /// </summary>
    [Theory]
    [InlineData(OptimizerKind.RmsProp, false)]
    [InlineData(OptimizerKind.RmsProp, true)]
    [InlineData(OptimizerKind.AdamW, false)]
    [InlineData(OptimizerKind.AdamW, true)]
    public void Divergence_WithTheAdaptiveOptimizers_StopsAndRestoresTheLastGoodParameters(OptimizerKind kind, bool narrow)
    {
        var architecture = NetworkArchitecture.FromSizes([3, 8, 1], [Activation.Linear, Activation.Linear]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(1), narrow);
        using var x = NetworkTestHelpers.RandomMatrix<double>(32, 3, 1, scale: 10);
        using var y = NetworkTestHelpers.RandomMatrix<double>(32, 1, 2, scale: 1000);
        var optimizer = kind == OptimizerKind.RmsProp ? Optimizer.RmsProp(1e300) : Optimizer.AdamW(1e300, decoupledWeightDecay: 0);
        var snapshots = new List<byte[]> { NetworkTestHelpers.ParameterBytes(network) };
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.MeanSquaredError, optimizer) { Epochs = 100, BatchSize = 8 });

        var ex = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, onEpoch: _ => snapshots.Add(NetworkTestHelpers.ParameterBytes(network))));

        Assert.InRange(ex.Epoch, 1, 100);
        Assert.Contains($"learning rate (1E+300, {OptimizerNames.GetName(kind)}) is too high", ex.Message, StringComparison.Ordinal);
        Assert.Equal(snapshots[ex.Epoch - 1], NetworkTestHelpers.ParameterBytes(network));
        Assert.All(network.GetParameters(), p => Assert.True(double.IsFinite(p)));
        Assert.Equal(0, trainer.Steps);
    }
}
