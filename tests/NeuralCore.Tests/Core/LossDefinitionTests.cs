namespace NeuralCore.Tests.Core;

/// <summary>The one loss definition: names, parameters, equality, and the rules that tie a loss to the output layer.</summary>
public sealed class LossDefinitionTests
{
    [Fact]
    public void EveryName_ParsesInAnyCase_AndPrintsBack()
    {
        foreach (var info in LossNames.All)
        {
            var loss = LossNames.Parse($" {info.Name.ToUpperInvariant()} ");
            Assert.Equal(info.Kind, loss.Kind);
            Assert.Equal(info.DefaultParameter, loss.Parameter);
            Assert.Equal(info.Name, loss.ToString());
            Assert.Equal(Loss.FromKind(info.Kind), loss);
        }

        Assert.Equal(LossNames.All.Count, LossNames.All.Select(i => i.Name).Distinct().Count());
        Assert.Equal(Enum.GetValues<LossKind>().Order(), LossNames.All.Select(i => i.Kind).Order());
        var ex = Assert.Throws<ArgumentException>(() => LossNames.Parse("hinge", "loss"));
        Assert.Equal("loss", ex.ParamName);
        Assert.Contains(LossNames.ValidNames, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStaticLosses_AreTheirKindsAtTheDefaultParameter()
    {
        Assert.Equal(Loss.FromKind(LossKind.MeanSquaredError), Loss.MeanSquaredError);
        Assert.Equal(Loss.FromKind(LossKind.BinaryCrossEntropy), Loss.BinaryCrossEntropy);
        Assert.Equal(Loss.FromKind(LossKind.CrossEntropy), Loss.CrossEntropy);
        Assert.Equal(Loss.FromKind(LossKind.SparseCrossEntropy), Loss.SparseCrossEntropy);
        Assert.Equal(Loss.CreateHuber(Loss.DefaultHuberDelta), Loss.Huber);
        Assert.Equal(Loss.MeanSquaredError, default);
    }

    [Fact]
    public void Parameters_TakePartInEquality_AndInTheName()
    {
        var half = Loss.CreateHuber(0.5);
        Assert.NotEqual(Loss.Huber, half);
        Assert.True(half == Loss.Create(LossKind.Huber, 0.5));
        Assert.True(half != Loss.Huber);
        Assert.Equal(half.GetHashCode(), Loss.CreateHuber(0.5).GetHashCode());
        Assert.Equal("huber(delta=0.5)", half.ToString());
        Assert.Equal("huber", Loss.Huber.ToString());

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.Create(LossKind.CrossEntropy, 0.5));
        Assert.Equal("parameter", ex.ParamName);
        Assert.Contains("ce takes no parameter; got 0.5", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Loss.FromKind((LossKind)99));
    }

    [Fact]
    public void TheOutputRule_IsReadFromTheDefinition()
    {
        foreach (var info in LossNames.All)
        {
            var loss = Loss.FromKind(info.Kind);
            foreach (var activation in TestActivations.All)
            {
                var needed = info.RequiredOutput is { } required ? activation.Kind == required : true;
                Assert.Equal(needed, loss.FitsOutput(activation));
                Assert.Equal(info.RequiredOutput == activation.Kind, loss.IsFusedWith(activation));
            }

            Assert.Equal(info.TargetsAreClassIds ? 1 : 7, loss.TargetColumns(7));
        }

        // The default for an output activation is the first loss needing it, else MSE: what the CLI uses without --loss.
        Assert.Equal(Loss.BinaryCrossEntropy, Loss.DefaultFor(Activation.Sigmoid));
        Assert.Equal(Loss.CrossEntropy, Loss.DefaultFor(Activation.Softmax));
        Assert.All(TestActivations.All.Where(a => a.Kind is not (ActivationKind.Sigmoid or ActivationKind.Softmax)), a => Assert.Equal(Loss.MeanSquaredError, Loss.DefaultFor(a)));
        Assert.All(TestActivations.All, a => Assert.True(Loss.DefaultFor(a).FitsOutput(a)));
    }
}
