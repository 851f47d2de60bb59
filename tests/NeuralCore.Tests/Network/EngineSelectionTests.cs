using NeuralCore.Network.Internals.Engines;
using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Tests.Network;

/// <summary>The engine factory: eligibility, forcing, and the NEURALCORE_ENGINE values.</summary>
public sealed class EngineSelectionTests
{
    private static readonly NetworkArchitecture Seed = NetworkArchitecture.FromSizes([2, 4, 6, 1], [Activation.Relu, Activation.Tanh, Activation.Sigmoid]);
    private static readonly NetworkArchitecture Wide = NetworkArchitecture.FromSizes([40, 8, 3], [Activation.Relu, Activation.Softmax]);

    [Fact]
    public void Choose_FollowsEligibility_UnlessForced()
    {
        var forced = NetworkEngines.Parse(Environment.GetEnvironmentVariable(NetworkEngines.EnvironmentVariable));
        Assert.Equal(forced ?? EngineKind.Narrow, NetworkEngines.Choose(Seed));
        Assert.Equal(EngineKind.Dense, NetworkEngines.Choose(Seed, EngineKind.Dense));
        Assert.Equal(EngineKind.Narrow, NetworkEngines.Choose(Seed, EngineKind.Narrow));
        Assert.False(NarrowEngine.IsEligible(Wide));
        Assert.Equal(EngineKind.Dense, NetworkEngines.Choose(Wide, EngineKind.Dense));
    }

    [Fact]
    public void ForcingNarrow_OnAnIneligibleNetwork_IsAnErrorSayingWhy()
    {
        var ex = Assert.Throws<ArgumentException>(() => NetworkEngines.Choose(Wide, EngineKind.Narrow));
        Assert.Contains("not eligible", ex.Message);
        Assert.Contains("40-8-3", ex.Message);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("auto", null)]
    [InlineData(" Dense ", "Dense")]
    [InlineData("narrow", "Narrow")]
    public void Parse_AcceptsTheNames(string? value, string? expected) => Assert.Equal(expected, NetworkEngines.Parse(value)?.ToString());

    [Fact]
    public void Parse_RejectsOtherValues_NamingTheVariableAndTheChoices()
    {
        var ex = Assert.Throws<ArgumentException>(() => NetworkEngines.Parse("gemm"));
        Assert.Contains("NEURALCORE_ENGINE='gemm'", ex.Message);
        Assert.Contains("auto, dense, narrow", ex.Message);
    }

    [Fact]
    public void BothEngines_PredictTheSame()
    {
        using var narrow = new NeuralNetwork<double>(Seed, Initialization.He(5), narrow: true);
        using var dense = new NeuralNetwork<double>(Seed, Initialization.He(5), narrow: false);
        using var data = Datasets.MakeMoons<double>(37, 0.1, 3);
        using var a = narrow.Predict(data.Features.ReadOnlySpan);
        using var b = dense.Predict(data.Features.ReadOnlySpan);
        for (var r = 0; r < 37; r++)
        {
            Assert.Equal(b[r, 0], a[r, 0], 1e-14);
        }
    }
}
