namespace NeuralCore;

/// <summary>The outcome of a <see cref="GradientCheck"/>: the largest relative error per layer.</summary>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(LayerGradientError[] layers, double step, double floor)
    {
        Layers = layers;
        Step = step;
        Floor = floor;
    }

    /// <summary>One entry per layer, input first.</summary>
    public IReadOnlyList<LayerGradientError> Layers { get; }

    /// <summary>The largest relative error over every checked parameter.</summary>
    public double MaxRelativeError => Layers.Max(l => l.MaxRelativeError);

    /// <summary>The finite-difference step that was used.</summary>
    public double Step { get; }

    /// <summary>The relative-error floor that was used.</summary>
    public double Floor { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(Environment.NewLine, Layers.Select(l => FormattableString.Invariant(
            $"layer {l.Layer}: max relative error {l.MaxRelativeError:E2} (weights {l.MaxWeightError:E2} over {l.WeightsChecked}, biases {l.MaxBiasError:E2} over {l.BiasesChecked})")));
}
