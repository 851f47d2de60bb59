namespace NeuralCore.Tests;

/// <summary>The test table of the activations covers every kind of the one definition, once, and its rows hold together.</summary>
public sealed class TestActivationsTests
{
    [Fact]
    public void EveryKind_HasExactlyOneRow()
    {
        foreach (var info in ActivationNames.All)
        {
            Assert.Equal(info.Kind, TestActivations.Facts(info.Kind).Kind);
        }

        Assert.Equal(ActivationNames.All.Count, TestActivations.Rows.Count);
        Assert.Equal(TestActivations.Rows.Count, TestActivations.Rows.Select(r => r.Kind).Distinct().Count());
    }

    [Fact]
    public void AKindWithoutARow_FailsNamingTheTable()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TestActivations.Facts((ActivationKind)99));
        Assert.Equal("kind", ex.ParamName);
        Assert.Contains("99 has no row in TestActivations' table", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_GiveWhatTheirRulesNeed_AndAgreeWithTheLibrary()
    {
        foreach (var info in ActivationNames.All)
        {
            var facts = TestActivations.Facts(info.Kind);
            var activation = Activation.FromKind(info.Kind);
            var context = info.Name;

            // A parameterised kind is tested at a second, valid parameter.
            Assert.True((info.ParameterName is not null) == facts.OtherParameter.HasValue, context);
            if (facts.OtherParameter is { } other)
            {
                Assert.NotEqual(info.DefaultParameter, other);
                Assert.Equal(other, Activation.Create(info.Kind, other).Parameter);
            }

            // Bounds where the rule reads them, and measured bounds measured by the accuracy sweep.
            Assert.True(facts.ForwardMatch is not (ReferenceMatch.Ulps or ReferenceMatch.MeasuredUlps) || facts.ForwardUlps.HasValue, context);
            Assert.True(facts.DerivativeMatch is not ReferenceMatch.MeasuredUlps || facts.DerivativeUlps.HasValue, context);
            Assert.True((facts.ForwardMatch == ReferenceMatch.MeasuredUlps) == (facts.Accuracy is not null), context);
            Assert.True(facts.Accuracy is null || (facts.ForwardUlps.HasValue && facts.DerivativeUlps.HasValue), context);

            // f′ from Z is computed in double by the reference, so it is compared within bounds; f′ from A bit for bit.
            Assert.True(activation.BackwardNeedsPreActivation == (facts.DerivativeMatch == ReferenceMatch.MeasuredUlps), context);
            Assert.True(activation.IsElementwise == (facts.ForwardMatch != ReferenceMatch.SoftmaxRow), context);
            Assert.True(activation.IsElementwise == (facts.DerivativeMatch != ReferenceMatch.SoftmaxRow), context);
            Assert.True(activation.IsElementwise == (facts.Limits is not null), context);
            Assert.True(facts.MaxSlope(activation) >= 1, context);
        }
    }
}
