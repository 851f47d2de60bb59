using System.Numerics;

namespace NeuralCore.Tests.Network;

/// <summary><see cref="NeuralNetwork{T}.Evaluate"/>: the trainer's numbers without a trainer.</summary>
/// <remarks>In the kernel category: the bit-equality runs on every path, so the ISA-off runs of .ci/run cover the narrower ones.</remarks>
[Trait("Category", "Kernels")]
public sealed class NetworkEvaluateTests
{
    public static TheoryData<string, Loss, int> Cases() => new()
    {
        // name (architecture below), loss, rows: 100 is one chunk, 600 is 256 + 256 + 88.
        { "narrow-bce", Loss.BinaryCrossEntropy, 100 },
        { "narrow-bce", Loss.BinaryCrossEntropy, 600 },
        { "narrow-mse", Loss.MeanSquaredError, 600 },
        { "gemm-ce", Loss.CrossEntropy, 100 },
        { "gemm-ce", Loss.CrossEntropy, 600 },
        { "gemm-bce", Loss.BinaryCrossEntropy, 600 },
        { "gemm-mse", Loss.MeanSquaredError, 600 },
    };

    private static NetworkArchitecture Architecture(string name) => name switch
    {
        "narrow-bce" => NetworkArchitecture.FromSizes([2, 6, 4, 1], [Activation.Relu, Activation.Tanh, Activation.Sigmoid]),
        "narrow-mse" => NetworkArchitecture.FromSizes([3, 5, 1], [Activation.Tanh, Activation.Linear]),
        "gemm-ce" => NetworkArchitecture.FromSizes([5, 40, 3], [Activation.Relu, Activation.Softmax]),
        "gemm-bce" => NetworkArchitecture.FromSizes([4, 20, 2], [Activation.Tanh, Activation.Sigmoid]),
        "gemm-mse" => NetworkArchitecture.FromSizes([4, 36, 2], [Activation.LeakyRelu, Activation.Linear]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static void SameAsTrainer<T>(string name, Loss loss, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var architecture = Architecture(name);
        using var x = NetworkTestHelpers.RandomMatrix<T>(rows, architecture.InputSize, 3);
        using var y = NetworkTestHelpers.RandomTargets<T>(loss, rows, architecture.OutputSize, 4);
        foreach (var path in Kernels.Available)
        {
            var compute = ComputeOptions.For(path);
            using var network = new NeuralNetwork<T>(architecture, Initialization.He(7));
            NetworkTestHelpers.AssertEngine(name.StartsWith("narrow", StringComparison.Ordinal), network);

            // A trainer evaluates in chunks of its capacity; with batch size 256 that is the network's documented chunk size.
            using var trainer = new Trainer<T>(network, new TrainingOptions(loss, Optimizer.Sgd(0.1)) { BatchSize = 256, Compute = compute });
            var expected = trainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan);

            var actual = network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, loss, compute);

            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Loss), BitConverter.DoubleToInt64Bits(actual.Loss));
            Assert.Equal(expected.Accuracy, actual.Accuracy);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsTrainerEvaluate_ToTheBit_Float(string name, Loss loss, int rows) => SameAsTrainer<float>(name, loss, rows);

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsTrainerEvaluate_ToTheBit_Double(string name, Loss loss, int rows) => SameAsTrainer<double>(name, loss, rows);

    [Theory]
    [InlineData("narrow-bce", LossKind.BinaryCrossEntropy)]
    [InlineData("gemm-ce", LossKind.CrossEntropy)]
    [InlineData("gemm-mse", LossKind.MeanSquaredError)]
    public void MatchesAnIndependentDoubleComputation(string name, LossKind kind)
    {
        var loss = Loss.FromKind(kind);
        // Guards against both the trainer and the network computing the same wrong thing.
        var architecture = Architecture(name);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(2));
        using var x = NetworkTestHelpers.RandomMatrix<double>(300, architecture.InputSize, 5);
        using var y = NetworkTestHelpers.RandomTargets<double>(loss, 300, architecture.OutputSize, 6);
        var a = NetworkTestHelpers.ReferenceForward(network, NetworkTestHelpers.ToDouble(x.ReadOnlySpan));
        double sum = 0;
        var correct = 0;
        for (var r = 0; r < 300; r++)
        {
            var best = 0;
            var target = 0;
            for (var c = 0; c < architecture.OutputSize; c++)
            {
                var (p, t) = (a[r, c], y[r, c]);
                sum += loss.Kind switch
                {
                    LossKind.MeanSquaredError => 0.5 * (p - t) * (p - t),
                    LossKind.BinaryCrossEntropy => -((t * Math.Log(p)) + ((1 - t) * Math.Log(1 - p))),
                    _ => -t * Math.Log(p),
                };
                best = a[r, c] > a[r, best] ? c : best;
                target = y[r, c] > y[r, target] ? c : target;
            }

            correct += architecture.OutputSize == 1 ? ((a[r, 0] >= 0.5) == (y[r, 0] >= 0.5) ? 1 : 0) : (best == target ? 1 : 0);
        }

        var evaluation = network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, loss);

        Assert.Equal(sum / 300, evaluation.Loss, 1e-12);
        Assert.Equal(correct / 300.0, evaluation.Accuracy);
    }

    [Fact]
    public void OtherTrainerChunkings_DifferOnlyByTheRoundingOfTheChunkMeans()
    {
        // The documented tolerance: a trainer with a 32-row capacity sums float chunk means of 32 rows instead of 256.
        var architecture = Architecture("gemm-ce");
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(7));
        using var x = NetworkTestHelpers.RandomMatrix<float>(600, architecture.InputSize, 3);
        using var y = NetworkTestHelpers.RandomTargets<float>(Loss.CrossEntropy, 600, architecture.OutputSize, 4);
        using var trainer = new Trainer<float>(network, new TrainingOptions(Loss.CrossEntropy, Optimizer.Sgd(0.1)) { BatchSize = 32 });

        var fromTrainer = trainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan);
        var fromNetwork = network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.CrossEntropy);

        Assert.Equal(fromTrainer.Loss, fromNetwork.Loss, fromTrainer.Loss * 1e-6);
        Assert.Equal(fromTrainer.Accuracy, fromNetwork.Accuracy);
    }

    [Fact]
    public void ChangingTheLossOnOneThread_UsesThatLoss()
    {
        // The per-thread workspace is keyed by the loss: MSE then BCE on one sigmoid network give each loss's own figure.
        var architecture = Architecture("narrow-bce");
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(1));
        using var x = NetworkTestHelpers.RandomMatrix<double>(50, 2, 1);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.BinaryCrossEntropy, 50, 1, 2);
        using var mseTrainer = new Trainer<double>(network, new TrainingOptions(Loss.MeanSquaredError, Optimizer.Sgd(0.1)) { BatchSize = 256 });
        using var bceTrainer = new Trainer<double>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1)) { BatchSize = 256 });

        Assert.Equal(mseTrainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan), network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.MeanSquaredError));
        Assert.Equal(bceTrainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan), network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.BinaryCrossEntropy));
        Assert.Equal(mseTrainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan), network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.MeanSquaredError));
        Assert.NotEqual(network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.MeanSquaredError).Loss, network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.BinaryCrossEntropy).Loss);
    }

    [Fact]
    public void TwoThreads_EvaluateOneNetwork_LikeOneThread()
    {
        var architecture = Architecture("gemm-ce");
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(3));
        using var x = NetworkTestHelpers.RandomMatrix<float>(700, architecture.InputSize, 8);
        using var y = NetworkTestHelpers.RandomTargets<float>(Loss.CrossEntropy, 700, architecture.OutputSize, 9);
        var expected = network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.CrossEntropy);
        var results = new Evaluation[2][];
        using var start = new Barrier(2);
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var mine = new Evaluation[30];
            start.SignalAndWait();
            for (var i = 0; i < mine.Length; i++)
            {
                mine[i] = network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.CrossEntropy);
            }

            results[t] = mine;
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(results.SelectMany(r => r), e => Assert.Equal(expected, e));
    }

    [Fact]
    public void BadInput_IsRejectedLikeTheTrainer()
    {
        using var network = new NeuralNetwork<double>(Architecture("gemm-ce"), Initialization.He(1));
        using var x = NetworkTestHelpers.RandomMatrix<double>(10, 5, 1);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.CrossEntropy, 10, 3, 1);
        using var narrowX = new Matrix<double>(10, 4);
        using var shortY = new Matrix<double>(9, 3);
        using var empty = new Matrix<double>(0, 5);
        using var emptyY = new Matrix<double>(0, 3);

        Rejected(() => network.Evaluate(narrowX.ReadOnlySpan, y.ReadOnlySpan, Loss.CrossEntropy), "x", "x must have 5 columns", "got 4");
        Rejected(() => network.Evaluate(x.ReadOnlySpan, shortY.ReadOnlySpan, Loss.CrossEntropy), "y", "one row per row of x (10); got 9");
        Rejected(() => network.Evaluate(empty.ReadOnlySpan, emptyY.ReadOnlySpan, Loss.CrossEntropy), "x", "x must hold at least one sample (row); got 0");
        Rejected(() => network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.BinaryCrossEntropy), "loss", "loss bce needs a sigmoid output layer", "uses softmax");
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.FromKind((LossKind)7));
        x[4, 2] = double.NaN;
        Rejected(() => network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.CrossEntropy), "x", "x must hold finite values only", "at row 4, column 2");
        x[4, 2] = 0;
        y[6, 1] = double.PositiveInfinity;
        Rejected(() => network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.CrossEntropy), "y", "y must hold finite values only", "at row 6, column 1");

        network.Dispose();
        Assert.Throws<ObjectDisposedException>(() => network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, Loss.CrossEntropy));
    }

    private static void Rejected(Action call, string paramName, params string[] fragments)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(paramName, ex.ParamName);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }
    }
}
