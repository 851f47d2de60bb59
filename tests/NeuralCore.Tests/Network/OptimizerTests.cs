namespace NeuralCore.Tests.Network;

/// <summary>The optimizers' names, factories and checks.</summary>
public sealed class OptimizerTests
{
    [Fact]
    public void Create_GivesEachKindItsOwnFactorysDefaults_AndRejectsAnUndefinedKind()
    {
        Assert.Equal(Optimizer.Sgd(0.1), Optimizer.Create(OptimizerKind.Sgd, 0.1));
        Assert.Equal(Optimizer.WithMomentum(0.1), Optimizer.Create(OptimizerKind.Momentum, 0.1));
        Assert.Equal(Optimizer.Adam(0.1), Optimizer.Create(OptimizerKind.Adam, 0.1));
        Assert.Equal(Optimizer.RmsProp(0.1), Optimizer.Create(OptimizerKind.RmsProp, 0.1));
        Assert.Equal(Optimizer.AdamW(0.1), Optimizer.Create(OptimizerKind.AdamW, 0.1));
        Assert.All(Enum.GetValues<OptimizerKind>(), kind => Assert.Equal(kind, Optimizer.Create(kind, 0.5).Kind));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Optimizer.Create((OptimizerKind)99, 0.1));
        Assert.Contains(OptimizerNames.ValidNames, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_RoundTripEveryKind_CaseInsensitively()
    {
        var kinds = Enum.GetValues<OptimizerKind>();
        Assert.Equal(string.Join(", ", kinds.Select(OptimizerNames.GetName)), OptimizerNames.ValidNames);
        Assert.Equal("sgd, momentum, adam, rmsprop, adamw", OptimizerNames.ValidNames);
        foreach (var kind in kinds)
        {
            var name = OptimizerNames.GetName(kind);
            Assert.Equal(kind, OptimizerNames.Parse(name));
            Assert.True(OptimizerNames.TryParse($" {name.ToUpperInvariant()} ", out var parsed));
            Assert.Equal(kind, parsed);
        }

        Assert.Equal(OptimizerKind.RmsProp, OptimizerNames.Parse("RMSprop"));
        Assert.Equal(OptimizerKind.AdamW, OptimizerNames.Parse("AdamW"));
    }

    [Fact]
    public void Names_UnknownValues_Throw_ListingTheValidOnes()
    {
        Assert.False(OptimizerNames.TryParse("nadam", out _));
        Assert.False(OptimizerNames.TryParse(null, out _));
        var ex = Assert.Throws<ArgumentException>(() => OptimizerNames.Parse("nadam", "optimizer"));
        Assert.Equal("optimizer", ex.ParamName);
        Assert.StartsWith("Unknown optimizer 'nadam'; expected one of: sgd, momentum, adam, rmsprop, adamw.", ex.Message, StringComparison.Ordinal);
        var undefined = Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerNames.GetName((OptimizerKind)17));
        Assert.Contains("sgd, momentum, adam, rmsprop, adamw", undefined.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factories_HavePyTorchsDefaults()
    {
        Assert.Equal(new Optimizer { Kind = OptimizerKind.RmsProp, LearningRate = 0.01, Alpha = 0.99, Epsilon = 1e-8 }, Optimizer.RmsProp());
        Assert.Equal(
            new Optimizer { Kind = OptimizerKind.AdamW, LearningRate = 0.001, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, DecoupledWeightDecay = 0.01 },
            Optimizer.AdamW());
        Assert.Equal(LearningRateSchedule.Constant, Optimizer.AdamW().Schedule);
        Assert.Equal(0, Optimizer.Adam().DecoupledWeightDecay);
    }

    public static TheoryData<Optimizer, string> BadOptimizers => new()
    {
        { Optimizer.AdamW(0.01) with { WeightDecay = 0.1 }, "WeightDecay (L2, added to the gradient) must be 0 for AdamW, which decays through DecoupledWeightDecay; got 0.1." },
        { Optimizer.AdamW(0.5, decoupledWeightDecay: 4), "DecoupledWeightDecay × LearningRate must be ≤ 1 (each step multiplies p by 1 − η·λ); got 4 × 0.5." },
        { Optimizer.AdamW(0.01, decoupledWeightDecay: -1), "DecoupledWeightDecay must be finite and ≥ 0; got -1." },
        { Optimizer.AdamW(0.01, decoupledWeightDecay: double.NaN), "DecoupledWeightDecay must be finite and ≥ 0; got NaN." },
        { Optimizer.Adam(0.01) with { DecoupledWeightDecay = 0.01 }, "DecoupledWeightDecay is AdamW's and must be 0 for adam (use WeightDecay for L2); got 0.01." },
        { Optimizer.RmsProp(0.01) with { DecoupledWeightDecay = 0.01 }, "DecoupledWeightDecay is AdamW's and must be 0 for rmsprop (use WeightDecay for L2); got 0.01." },
        { Optimizer.AdamW(0.01, beta2: 1), "Beta1 and Beta2 must be in [0, 1); got 0.9 and 1." },
        { Optimizer.AdamW(0.01, epsilon: 0), "Epsilon must be finite and > 0; got 0." },
        { Optimizer.RmsProp(0.01, alpha: 1), "Alpha must be in [0, 1); got 1." },
        { Optimizer.RmsProp(0.01, alpha: -0.1), "Alpha must be in [0, 1); got -0.1." },
        { Optimizer.RmsProp(0.01, epsilon: double.PositiveInfinity), "Epsilon must be finite and > 0; got Infinity." },
        { Optimizer.RmsProp(0.01, weightDecay: -1), "WeightDecay must be finite and ≥ 0; got -1." },
        { Optimizer.RmsProp(0.01) with { Kind = (OptimizerKind)9 }, "Kind must be one of sgd, momentum, adam, rmsprop, adamw; got 9." },
    };

    [Theory]
    [MemberData(nameof(BadOptimizers))]
    public void BadHyperParameters_AreRejectedByTheTrainer_NamingTheValue(Optimizer optimizer, string expected)
    {
        var architecture = NetworkArchitecture.FromSizes([2, 3, 1], [Activation.Tanh, Activation.Sigmoid]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(1));
        var before = NetworkTestHelpers.ParameterBytes(network);

        var ex = Assert.Throws<ArgumentException>(() => new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, optimizer)).Dispose());

        Assert.Equal("options", ex.ParamName);
        Assert.Equal($"options.Optimizer.{expected} (Parameter 'options')", ex.Message);
        Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
    }

    [Fact]
    public void TheLargestAllowedDecoupledDecay_IsAccepted()
    {
        Optimizer.AdamW(0.5, decoupledWeightDecay: 2).Validate("optimizer");
        Optimizer.AdamW(0.01, decoupledWeightDecay: 0).Validate("optimizer");
    }
}
