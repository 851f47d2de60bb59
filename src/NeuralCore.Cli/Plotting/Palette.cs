using System.Globalization;

namespace NeuralCore.Cli.Plotting;

/// <summary>Series colours (Tableau 10: distinct, print-friendly) and colour blending for filled grids.</summary>
internal static class Palette
{
    private static readonly string[] s_colors =
    [
        "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC",
    ];

    /// <summary>The number of distinct colours before they repeat.</summary>
    public static int Count => s_colors.Length;

    /// <summary>The <paramref name="index"/>-th series colour, cycling.</summary>
    /// <param name="index">The series index (≥ 0).</param>
    /// <returns>A <c>#RRGGBB</c> colour.</returns>
    public static string Color(int index) => s_colors[((index % s_colors.Length) + s_colors.Length) % s_colors.Length];

    /// <summary>Mixes two <c>#RRGGBB</c> colours: <paramref name="t"/> = 0 gives <paramref name="from"/>, 1 gives <paramref name="to"/>.</summary>
    /// <param name="from">The first colour.</param>
    /// <param name="to">The second colour.</param>
    /// <param name="t">The weight of <paramref name="to"/>, clamped to [0, 1].</param>
    /// <returns>The mixed colour.</returns>
    public static string Blend(string from, string to, double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        var (r1, g1, b1) = Parse(from);
        var (r2, g2, b2) = Parse(to);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"#{Mix(r1, r2, t):X2}{Mix(g1, g2, t):X2}{Mix(b1, b2, t):X2}");
    }

    /// <summary>
    /// A diverging fill for a probability-like value: white at <paramref name="middle"/>, shading towards
    /// <paramref name="low"/> below it and <paramref name="high"/> above, never fully saturated so points drawn on
    /// top stay visible.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="min">The value that gets the strongest <paramref name="low"/> shade.</param>
    /// <param name="max">The value that gets the strongest <paramref name="high"/> shade.</param>
    /// <param name="low">The colour for low values.</param>
    /// <param name="high">The colour for high values.</param>
    /// <param name="middle">The neutral (white) value, e.g. the 0.5 decision threshold.</param>
    /// <returns>The fill colour.</returns>
    public static string Diverging(double value, double min, double max, string low, string high, double middle)
    {
        // Light enough that points in the class colours stay readable on top of their own class' region.
        const double Strength = 0.42;
        return value >= middle
            ? Blend("#FFFFFF", high, Strength * (value - middle) / Math.Max(1e-300, max - middle))
            : Blend("#FFFFFF", low, Strength * (middle - value) / Math.Max(1e-300, middle - min));
    }

    private static int Mix(int a, int b, double t) => (int)Math.Round(a + ((b - a) * t));

    private static (int R, int G, int B) Parse(string color)
    {
        if (color.Length != 7 || color[0] != '#' || !int.TryParse(color.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var rgb))
        {
            throw new ArgumentException($"Colours must be '#RRGGBB'; got '{color}'.", nameof(color));
        }

        return ((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
    }
}
