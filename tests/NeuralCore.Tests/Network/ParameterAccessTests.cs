namespace NeuralCore.Tests.Network;

public sealed class ParameterAccessTests
{
    private static readonly NetworkArchitecture Architecture = NetworkArchitecture.FromSizes([3, 5, 2], [Activation.Tanh, Activation.Linear]);

    [Fact]
    public void SetThenGet_IsBitExact_IncludingSubnormalsAndNegativeZero()
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        var weights = new double[5, 3];
        var special = new[] { -0.0, double.Epsilon, -double.Epsilon, 1e-308, double.MaxValue / 4, Math.PI, -1.0 / 3 };
        var k = 0;
        for (var o = 0; o < 5; o++)
        {
            for (var i = 0; i < 3; i++)
            {
                weights[o, i] = special[k++ % special.Length] * (k % 2 == 0 ? 1 : 1.000_000_1);
            }
        }

        network.SetWeights(0, weights);
        network.SetBias(0, [-0.0, 1e-310, 2, 3, 4]);

        var back = network.GetWeights(0);
        for (var o = 0; o < 5; o++)
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(weights[o, i]), BitConverter.DoubleToInt64Bits(back[o, i]));
            }
        }

        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(network.GetBias(0)[0]));
        Assert.Equal(1e-310, network.GetBias(0)[1]);
    }

    [Fact]
    public void PublicWeights_AreOutputByInput_AsInTheSeeds()
    {
        // One linear layer 2 → 3: y_o = Σ_i W[o, i]·x_i + b_o, so W[o, i] must multiply input i into output o.
        using var network = new NeuralNetwork<double>(NetworkArchitecture.FromSizes([2, 3], [Activation.Linear]), Initialization.He(1));
        network.SetWeights(0, new double[,] { { 1, 10 }, { 100, 1000 }, { -1, -10 } });
        network.SetBias(0, [0.5, 0.25, 0.125]);
        var output = new double[3];

        network.Predict([2.0, 3.0], output);

        Assert.Equal([32.5, 3200.25, -31.875], output);
    }

    [Fact]
    public void CopyWeightsTo_MatchesGetWeights()
    {
        using var network = new NeuralNetwork<float>(Architecture, Initialization.Xavier(3));
        using var destination = new Matrix<float>(2, 5);

        network.CopyWeightsTo(1, destination.Span);

        var expected = network.GetWeights(1);
        for (var o = 0; o < 2; o++)
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(expected[o, i], destination[o, i]);
            }
        }
    }

    [Fact]
    public void WrongShape_IsRejectedWithExpectedAndActual_AndTheNetworkIsUnchanged()
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        var before = NetworkTestHelpers.ParameterBytes(network);

        var ex = Assert.Throws<ArgumentException>(() => network.SetWeights(0, new double[3, 5]));
        Assert.Contains("5×3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got 3×5", ex.Message, StringComparison.Ordinal);
        Assert.Equal("source", ex.ParamName);

        var bias = Assert.Throws<ArgumentException>(() => network.SetBias(1, [1.0, 2.0, 3.0]));
        Assert.Contains("output_dim = 2 elements", bias.Message, StringComparison.Ordinal);
        Assert.Contains("got 3", bias.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => network.GetBias(2));
        Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
    }

    [Fact]
    public void NonFiniteValues_AreRejectedWithRowAndColumn_AndTheNetworkIsUnchanged()
    {
        using var network = new NeuralNetwork<double>(Architecture, Initialization.He(1));
        var before = NetworkTestHelpers.ParameterBytes(network);
        var weights = new double[5, 3];
        weights[4, 0] = 7;
        weights[3, 2] = double.NaN;

        var ex = Assert.Throws<ArgumentException>(() => network.SetWeights(0, weights));

        Assert.Contains("row 3, column 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
        Assert.Throws<ArgumentException>(() => network.SetBias(0, [0, 0, double.PositiveInfinity, 0, 0]));
        Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
    }
}
