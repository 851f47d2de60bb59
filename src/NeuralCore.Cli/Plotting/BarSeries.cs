namespace NeuralCore.Cli.Plotting;

/// <summary>
/// Vertical bars at x = 0, 1, …, n-1 from zero to each value; several bar series in one panel stand side by side
/// (e.g. an autoencoder's input and its reconstruction, feature by feature).
/// </summary>
internal sealed class BarSeries : Series
{
    /// <summary>Creates bars for <paramref name="values"/>.</summary>
    /// <param name="values">One value per category.</param>
    public BarSeries(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
    }

    /// <summary>The bar heights.</summary>
    public IReadOnlyList<double> Values { get; }
}
