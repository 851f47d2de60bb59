namespace NeuralCore.Cli.Plotting;

/// <summary>Unconnected points; draw one series per class to colour points by class.</summary>
internal sealed class ScatterSeries : Series
{
    /// <summary>Creates points at (x, y).</summary>
    /// <param name="x">The x values.</param>
    /// <param name="y">The y values, as many as <paramref name="x"/>.</param>
    public ScatterSeries(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckSameLength(x, y);
        X = x;
        Y = y;
    }

    /// <summary>The x values.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The y values.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>The marker symbol.</summary>
    public MarkerShape Marker { get; init; } = MarkerShape.Circle;

    /// <summary>The marker radius in pixels.</summary>
    public double Size { get; init; } = 3.5;

    /// <summary>Whether markers are drawn as outlines (e.g. test points beside filled training points).</summary>
    public bool Hollow { get; init; }

    /// <summary>
    /// Splits points into one series per class label, coloured by <see cref="Palette"/> in class order
    /// (class k gets <see cref="Palette.Color(int)"/> k).
    /// </summary>
    /// <param name="x">The x values.</param>
    /// <param name="y">The y values.</param>
    /// <param name="classes">The class index (0, 1, …) of each point.</param>
    /// <param name="classNames">The legend text per class; <c>{0}</c> is replaced by the class index.</param>
    /// <param name="marker">The marker symbol.</param>
    /// <param name="hollow">Whether the markers are outlines.</param>
    /// <returns>One series per class that occurs, in class order.</returns>
    public static IReadOnlyList<ScatterSeries> ByClass(
        IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<int> classes, string classNames = "class {0}", MarkerShape marker = MarkerShape.Circle, bool hollow = false)
    {
        CheckSameLength(x, y);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count != x.Count)
        {
            throw new ArgumentException($"classes must have one entry per point ({x.Count}); got {classes.Count}.", nameof(classes));
        }

        var result = new List<ScatterSeries>();
        foreach (var k in classes.Distinct().Order())
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (var i = 0; i < x.Count; i++)
            {
                if (classes[i] == k)
                {
                    xs.Add(x[i]);
                    ys.Add(y[i]);
                }
            }

            result.Add(new ScatterSeries(xs, ys)
            {
                Label = classNames.Replace("{0}", k.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
                Color = Palette.Color(k),
                Marker = marker,
                Hollow = hollow,
            });
        }

        return result;
    }
}
