namespace NeuralCore.Tests.Network;

[Trait("Category", "Kernels")]
public sealed class ForwardTests
{
    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    [Theory]
    [MemberData(nameof(Paths))]
    public void BatchPrediction_MatchesTheDoubleReference_ForEveryActivation(KernelPath path)
    {
        foreach (var hidden in NetworkTestHelpers.AllActivations)
        {
            foreach (var output in NetworkTestHelpers.AllActivations)
            {
                var architecture = NetworkArchitecture.FromSizes([3, 7, 17, 4], [hidden, Activation.Tanh, output]);
                using var network = new NeuralNetwork<double>(architecture, Initialization.Xavier(21) with { Bias = BiasInitialization.SmallNormal });
                using var x = NetworkTestHelpers.RandomMatrix<double>(33, 3, 5, scale: 2);
                using var predictor = network.CreatePredictor(capacity: 8, ComputeOptions.For(path));
                using var y = new Matrix<double>(33, 4);

                predictor.Predict(x.ReadOnlySpan, y.Span);

                var expected = NetworkTestHelpers.ReferenceForward(network, NetworkTestHelpers.ToDouble(x.ReadOnlySpan));
                for (var r = 0; r < 33; r++)
                {
                    for (var c = 0; c < 4; c++)
                    {
                        // Double throughout; 1e-12 absolute + relative covers reordered sums over ≤ 17 terms and exp/tanh ulps.
                        Assert.True(Math.Abs(expected[r, c] - y[r, c]) <= 1e-12 * (1 + Math.Abs(expected[r, c])), $"{hidden}/{output} [{r},{c}]: {y[r, c]} vs {expected[r, c]}");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void SingleSample_EqualsTheBatchRow(KernelPath path)
    {
        var architecture = NetworkArchitecture.FromSizes([5, 9, 3], [Activation.Relu, Activation.Softmax]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(2));
        using var x = NetworkTestHelpers.RandomMatrix<float>(10, 5, 8);
        using var predictor = network.CreatePredictor(capacity: 4, ComputeOptions.For(path));
        using var batch = new Matrix<float>(10, 3);
        predictor.Predict(x.ReadOnlySpan, batch.Span);
        var single = new float[3];

        for (var r = 0; r < 10; r++)
        {
            predictor.Predict(x.ReadOnlySpan.GetRowSpan(r), single);
            Assert.Equal(batch.ReadOnlySpan.GetRowSpan(r).ToArray(), single);
        }
    }

    [Fact]
    public void FloatPrediction_IsCloseToTheDoubleReference()
    {
        var architecture = NetworkArchitecture.FromSizes([4, 16, 16, 2], [Activation.Sigmoid, Activation.LeakyRelu, Activation.Linear]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.Xavier(4));
        using var x = NetworkTestHelpers.RandomMatrix<float>(20, 4, 9);
        using var y = network.Predict(x.ReadOnlySpan);

        var expected = NetworkTestHelpers.ReferenceForward(network, NetworkTestHelpers.ToDouble(x.ReadOnlySpan));
        for (var r = 0; r < 20; r++)
        {
            for (var c = 0; c < 2; c++)
            {
                // float: ~16 accumulated roundings of 2^-24 per layer over 3 layers of unit-scale values → 1e-5 is generous but tight enough to catch a wrong index.
                Assert.True(Math.Abs(expected[r, c] - y[r, c]) <= 1e-5 * (1 + Math.Abs(expected[r, c])), $"[{r},{c}]: {y[r, c]} vs {expected[r, c]}");
            }
        }
    }

    [Fact]
    public void PredictionErrors_NameTheArgumentAndShapes()
    {
        using var network = new NeuralNetwork<double>(NetworkArchitecture.FromSizes([3, 2], [Activation.Linear]), Initialization.He(1));

        var e1 = Assert.Throws<ArgumentException>(() => network.Predict(new double[4], new double[2]));
        Assert.Contains("InputSize = 3", e1.Message, StringComparison.Ordinal);
        Assert.Contains("got 4", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => network.Predict(new double[3], new double[1]));
        Assert.Equal("output", e2.ParamName);
        using var x = new Matrix<double>(5, 3);
        using var y = new Matrix<double>(4, 2);
        var e3 = Assert.Throws<ArgumentException>(() => network.Predict(x.ReadOnlySpan, y.Span));
        Assert.Contains("one row per row of inputs (5); got 4", e3.Message, StringComparison.Ordinal);
    }
}
