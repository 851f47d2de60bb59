namespace NeuralCore.Tests.Elementwise;

/// <summary>Bad input is rejected at the public edge with a message naming the arguments and both shapes.</summary>
[Trait("Category", "Kernels")]
public sealed class ArgumentValidationTests
{
    [Fact]
    public void Forward_RejectsMismatchedShapes_NamingBoth()
    {
        var z = new float[6];
        var a = new float[6];
        var error = Assert.Throws<ArgumentException>(() =>
            Activations.Forward(Activation.Relu, new ReadOnlyMatrixSpan<float>(z, 2, 3), new MatrixSpan<float>(a, 3, 2)));
        Assert.Equal("a", error.ParamName);
        Assert.Contains("2×3", error.Message, StringComparison.Ordinal);
        Assert.Contains("3×2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_RejectsPartiallyOverlappingViews_ButAllowsTheSameView()
    {
        var buffer = new float[32];
        var error = Assert.Throws<ArgumentException>(() =>
            Activations.Forward(Activation.Sigmoid, new ReadOnlyMatrixSpan<float>(buffer, 2, 5), new MatrixSpan<float>(buffer.AsSpan(1), 2, 5)));
        Assert.Contains("a (2×5)", error.Message, StringComparison.Ordinal);
        Assert.Contains("z (2×5)", error.Message, StringComparison.Ordinal);

        var same = new MatrixSpan<float>(buffer, 2, 5);
        Activations.Forward(Activation.Sigmoid, same, same);
        Assert.All(same.ToArray(), v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Backward_RejectsMismatchedGradientShape()
    {
        var a = new double[12];
        var error = Assert.Throws<ArgumentException>(() =>
            Activations.Backward(Activation.Tanh, new ReadOnlyMatrixSpan<double>(a, 3, 4), new ReadOnlyMatrixSpan<double>(new double[12], 4, 3), new MatrixSpan<double>(new double[12], 3, 4)));
        Assert.Contains("3×4", error.Message, StringComparison.Ordinal);
        Assert.Contains("4×3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Losses_RejectMismatchedTargetAndGradient()
    {
        var p = new float[6];
        var error = Assert.Throws<ArgumentException>(() =>
            Losses.Evaluate(Loss.MeanSquaredError, new ReadOnlyMatrixSpan<float>(p, 2, 3), new ReadOnlyMatrixSpan<float>(new float[6], 3, 2)));
        Assert.Equal("target", error.ParamName);
        Assert.Contains("2×3", error.Message, StringComparison.Ordinal);
        Assert.Contains("3×2", error.Message, StringComparison.Ordinal);

        var shifted = new float[8];
        var overlap = Assert.Throws<ArgumentException>(() =>
            Losses.Evaluate(Loss.MeanSquaredError, new ReadOnlyMatrixSpan<float>(shifted, 2, 3), new ReadOnlyMatrixSpan<float>(new float[6], 2, 3), new MatrixSpan<float>(shifted.AsSpan(2), 2, 3)));
        Assert.Equal("gradient", overlap.ParamName);
        Assert.Contains("prediction (2×3)", overlap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SumColumns_RejectsADestinationOfTheWrongLength_OrOverlappingTheSource()
    {
        var source = new float[12];
        var error = Assert.Throws<ArgumentException>(() => Reductions.SumColumns(new ReadOnlyMatrixSpan<float>(source, 3, 4), 1f, new float[3]));
        Assert.Equal("destination", error.ParamName);
        Assert.Contains("3×4", error.Message, StringComparison.Ordinal);
        Assert.Contains("got 3", error.Message, StringComparison.Ordinal);

        var overlap = Assert.Throws<ArgumentException>(() => Reductions.SumColumns(new ReadOnlyMatrixSpan<float>(source, 2, 4), 1f, source.AsSpan(4, 4)));
        Assert.Contains("must not overlap", overlap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterUpdates_RejectMismatchedLengths_AndAliasedState()
    {
        var p = new float[8];
        var error = Assert.Throws<ArgumentException>(() => ParameterUpdates.Sgd<float>(p, new float[7], 0.1f, 0f));
        Assert.Equal("gradient", error.ParamName);
        Assert.Contains("8", error.Message, StringComparison.Ordinal);
        Assert.Contains("7", error.Message, StringComparison.Ordinal);

        var state = new float[16];
        var aliased = Assert.Throws<ArgumentException>(() =>
            ParameterUpdates.Adam<float>(p, new float[8], state.AsSpan(0, 8), state.AsSpan(4, 8), 0.1f, 0.9f, 0.999f, 1e-8f, 1, 0f));
        Assert.Equal("secondMoment", aliased.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterUpdates.Adam<float>(p, new float[8], new float[8], new float[8], 0.1f, 0.9f, 0.999f, 1e-8f, 0, 0f));
    }

    [Fact]
    public void RmsPropAndAdamW_RejectMismatchedLengths_AliasedState_AndStepZero()
    {
        var p = new float[8];
        var error = Assert.Throws<ArgumentException>(() => ParameterUpdates.RmsProp<float>(p, new float[8], new float[5], 0.01f, 0.99f, 1e-8f, 0f));
        Assert.Equal("squareAverage", error.ParamName);
        Assert.Contains("8", error.Message, StringComparison.Ordinal);
        Assert.Contains("5", error.Message, StringComparison.Ordinal);
        var aliased = Assert.Throws<ArgumentException>(() => ParameterUpdates.RmsProp<float>(p, new float[8], p, 0.01f, 0.99f, 1e-8f, 0f));
        Assert.Equal("squareAverage", aliased.ParamName);

        var state = new float[16];
        aliased = Assert.Throws<ArgumentException>(() =>
            ParameterUpdates.AdamW<float>(p, new float[8], state.AsSpan(0, 8), state.AsSpan(4, 8), 0.1f, 0.9f, 0.999f, 1e-8f, 1, 0.01f));
        Assert.Equal("secondMoment", aliased.ParamName);
        error = Assert.Throws<ArgumentException>(() => ParameterUpdates.AdamW<float>(p, new float[8], new float[7], new float[8], 0.1f, 0.9f, 0.999f, 1e-8f, 1, 0.01f));
        Assert.Equal("firstMoment", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterUpdates.AdamW<float>(p, new float[8], new float[8], new float[8], 0.1f, 0.9f, 0.999f, 1e-8f, 0, 0.01f));
    }
}
