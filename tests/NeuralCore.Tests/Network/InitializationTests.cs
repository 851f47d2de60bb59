using NeuralCore.Network.Internals;

namespace NeuralCore.Tests.Network;

public sealed class InitializationTests
{
    private static readonly NetworkArchitecture Moons = NetworkArchitecture.FromJson(
        """[{"input_dim":2,"output_dim":4,"activation":"relu"},{"input_dim":4,"output_dim":6,"activation":"relu"},{"input_dim":6,"output_dim":1,"activation":"sigmoid"}]""");

    [Theory]
    [InlineData(0UL, 0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL)]
    [InlineData(42UL, 0x15780b2e0c2ec716UL, 0x6104d9866d113a7eUL, 0xae17533239e499a1UL)]
    public void Generator_MatchesAnIndependentXoshiro256StarStarSplitMix64Implementation(ulong seed, ulong first, ulong second, ulong third)
    {
        // Expected values from a separate Python implementation of the published algorithms.
        var random = new SeededRandom(seed);

        Assert.Equal(first, random.NextUInt64());
        Assert.Equal(second, random.NextUInt64());
        Assert.Equal(third, random.NextUInt64());
    }

    [Fact]
    public void Gaussian_HasMeanZeroAndUnitVariance()
    {
        var random = new SeededRandom(7);
        const int n = 200_000;
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < n; i++)
        {
            var g = random.NextGaussian();
            sum += g;
            sumSquares += g * g;
        }

        // Standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032; 5 standard errors of slack.
        Assert.InRange(sum / n, -0.011, 0.011);
        Assert.InRange((sumSquares / n) - Math.Pow(sum / n, 2), 0.984, 1.016);
    }

    [Fact]
    public void NextInt32_StaysInRangeAndCoversIt()
    {
        var random = new SeededRandom(3);
        var seen = new int[7];
        for (var i = 0; i < 7000; i++)
        {
            seen[random.NextInt32(7)]++;
        }

        Assert.All(seen, count => Assert.InRange(count, 850, 1150));
    }

    [Fact]
    public void SameSeed_GivesBitIdenticalParameters_DifferentSeedDoesNot()
    {
        using var a = new NeuralNetwork<double>(Moons, Initialization.He(11));
        using var b = new NeuralNetwork<double>(Moons, Initialization.He(11));
        using var c = new NeuralNetwork<double>(Moons, Initialization.He(12));

        Assert.Equal(NetworkTestHelpers.ParameterBytes(a), NetworkTestHelpers.ParameterBytes(b));
        Assert.NotEqual(NetworkTestHelpers.ParameterBytes(a), NetworkTestHelpers.ParameterBytes(c));
    }

    [Fact]
    public void FloatAndDouble_FromTheSameSeed_DifferOnlyByRounding()
    {
        using var f = new NeuralNetwork<float>(Moons, Initialization.SmallNormal(5));
        using var d = new NeuralNetwork<double>(Moons, Initialization.SmallNormal(5));

        var fp = f.GetParameters();
        var dp = d.GetParameters();
        for (var i = 0; i < fp.Length; i++)
        {
            Assert.Equal((float)dp[i], fp[i]);
        }
    }

    [Theory]
    [InlineData(WeightInitialization.He, 400, 300)]
    [InlineData(WeightInitialization.Xavier, 400, 300)]
    [InlineData(WeightInitialization.SmallNormal, 400, 300)]
    public void WeightDistribution_HasTheDocumentedStandardDeviation(WeightInitialization kind, int input, int output)
    {
        var architecture = new NetworkArchitecture(new LayerSpec(input, output, Activation.Relu));
        using var network = new NeuralNetwork<double>(architecture, new Initialization(9) { Weights = kind, WeightScale = 0.1 });
        var expected = kind switch
        {
            WeightInitialization.He => Math.Sqrt(2.0 / input),
            WeightInitialization.Xavier => Math.Sqrt(2.0 / (input + output)),
            _ => 0.1,
        };

        var weights = network.GetWeights(0);
        double sumSquares = 0;
        foreach (var w in weights)
        {
            sumSquares += w * w;
        }

        // 120 000 draws: the sample standard deviation is within 1% of σ with overwhelming probability (σ/√(2n) ≈ 0.2%).
        var std = Math.Sqrt(sumSquares / weights.Length);
        Assert.InRange(std / expected, 0.99, 1.01);
        Assert.All(network.GetBias(0), b => Assert.Equal(0.0, b));
    }

    [Fact]
    public void DefaultInitialization_IsHeWithZeroBiases_NeverAllZeroWeights()
    {
        using var byDefault = new NeuralNetwork<double>(Moons, default);
        using var he = new NeuralNetwork<double>(Moons, Initialization.He(0));

        Assert.Equal(NetworkTestHelpers.ParameterBytes(he), NetworkTestHelpers.ParameterBytes(byDefault));
        Assert.Contains(byDefault.GetWeights(0).Cast<double>(), w => w != 0);
    }

    [Fact]
    public void SmallNormal_DrawsBiasesToo()
    {
        using var network = new NeuralNetwork<double>(Moons, Initialization.SmallNormal(1));

        Assert.Contains(network.GetBias(0), b => b != 0);
    }
}
