namespace NeuralCore.Cli.Plotting;

/// <summary>A polyline through (x, y) points; a non-finite y (or y ≤ 0 on a log axis) breaks the line.</summary>
internal sealed class LineSeries : Series
{
    /// <summary>Creates a line through the given points.</summary>
    /// <param name="x">The x values.</param>
    /// <param name="y">The y values, as many as <paramref name="x"/>.</param>
    public LineSeries(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckSameLength(x, y);
        X = x;
        Y = y;
    }

    /// <summary>The x values.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The y values.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>The stroke width in pixels.</summary>
    public double Width { get; init; } = 2;

    /// <summary>Whether the line is dashed (e.g. a reference curve or a "before training" prediction).</summary>
    public bool Dashed { get; init; }

    /// <summary>A marker drawn on every vertex; <see cref="MarkerShape.None"/> by default.</summary>
    public MarkerShape Marker { get; init; }
}
