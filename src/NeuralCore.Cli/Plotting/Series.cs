namespace NeuralCore.Cli.Plotting;

/// <summary>Something drawn in a <see cref="Panel"/>: a line, points, bars or a filled grid.</summary>
internal abstract class Series
{
    /// <summary>The legend text; <see langword="null"/> keeps the series out of the legend.</summary>
    public string? Label { get; init; }

    /// <summary>A <c>#RRGGBB</c> colour; <see langword="null"/> takes the next <see cref="Palette"/> colour.</summary>
    public string? Color { get; init; }

    /// <summary>Checks that x and y have the same length.</summary>
    protected static void CheckSameLength(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"x and y must have the same length; got {x.Count} and {y.Count}.", nameof(y));
        }
    }
}
