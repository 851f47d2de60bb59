namespace NeuralCore.Cli.Plotting;

/// <summary>
/// A filled grid over a rectangle, coloured by value (e.g. a classifier's predicted probability over the input
/// plane), with an optional contour line at one level (the 0.5 decision boundary).
/// </summary>
/// <remarks>
/// <c>Values[r, c]</c> is the value at x = <see cref="XMin"/> + c·Δx, y = <see cref="YMin"/> + r·Δy (row 0 at the
/// bottom), where Δx = (XMax − XMin)/(columns − 1); each value fills the cell centred on its point.
/// </remarks>
internal sealed class HeatmapSeries : Series
{
    /// <summary>Creates a grid over [xMin, xMax] × [yMin, yMax].</summary>
    /// <param name="values">The values; at least 2×2. Shape: [y steps, x steps].</param>
    /// <param name="xMin">The x of the first column.</param>
    /// <param name="xMax">The x of the last column.</param>
    /// <param name="yMin">The y of the first row.</param>
    /// <param name="yMax">The y of the last row.</param>
    public HeatmapSeries(double[,] values, double xMin, double xMax, double yMin, double yMax)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.GetLength(0) < 2 || values.GetLength(1) < 2)
        {
            throw new ArgumentException($"A heat map needs at least 2×2 values; got {values.GetLength(0)}×{values.GetLength(1)}.", nameof(values));
        }

        if (!(xMax > xMin) || !(yMax > yMin))
        {
            throw new ArgumentException($"The extent must be non-empty; got x [{xMin}, {xMax}], y [{yMin}, {yMax}].", nameof(values));
        }

        Values = values;
        XMin = xMin;
        XMax = xMax;
        YMin = yMin;
        YMax = yMax;
    }

    /// <summary>The grid values. Shape: [y steps, x steps].</summary>
    public double[,] Values { get; }

    /// <summary>The x of the first column.</summary>
    public double XMin { get; }

    /// <summary>The x of the last column.</summary>
    public double XMax { get; }

    /// <summary>The y of the first row.</summary>
    public double YMin { get; }

    /// <summary>The y of the last row.</summary>
    public double YMax { get; }

    /// <summary>The value shown in the strongest <see cref="LowColor"/> shade.</summary>
    public double ValueMin { get; init; }

    /// <summary>The value shown in the strongest <see cref="HighColor"/> shade.</summary>
    public double ValueMax { get; init; } = 1;

    /// <summary>The neutral value, drawn white; also where the contour goes.</summary>
    public double Middle { get; init; } = 0.5;

    /// <summary>The colour below <see cref="Middle"/> (default: class 0's colour).</summary>
    public string LowColor { get; init; } = Palette.Color(0);

    /// <summary>The colour above <see cref="Middle"/> (default: class 1's colour).</summary>
    public string HighColor { get; init; } = Palette.Color(1);

    /// <summary>Whether a contour line is drawn at <see cref="Middle"/>.</summary>
    public bool Contour { get; init; } = true;

    /// <summary>The legend text of the contour line, e.g. <c>p = 0.5</c>; <see langword="null"/> keeps it out of the legend.</summary>
    public string? ContourLabel { get; init; }
}
