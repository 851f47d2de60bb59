using System.Globalization;

namespace NeuralCore.Cli.Plotting.Internals;

/// <summary>
/// Axis ranges and tick positions on "nice" steps (1, 2 or 5 × 10ᵏ), and their labels, so tick labels read as
/// round numbers.
/// </summary>
internal static class NiceTicks
{
    /// <summary>Picks a 1-2-5 step giving about <paramref name="targetCount"/> intervals over [min, max].</summary>
    public static double Step(double min, double max, int targetCount)
    {
        var rough = (max - min) / Math.Max(1, targetCount);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var residual = rough / magnitude;
        var factor = residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10;
        return factor * magnitude;
    }

    /// <summary>Widens [min, max] outwards to whole steps and lists the ticks; a flat range is opened up first.</summary>
    public static (double Min, double Max, double[] Ticks) Extend(double min, double max, int targetCount = 5)
    {
        (min, max) = OpenUp(min, max);
        var step = Step(min, max, targetCount);
        var first = Math.Floor((min / step) + 1e-9);
        var last = Math.Ceiling((max / step) - 1e-9);
        var ticks = new double[(int)(last - first) + 1];
        for (var i = 0; i < ticks.Length; i++)
        {
            ticks[i] = (first + i) * step;
        }

        return (ticks[0], ticks[^1], ticks);
    }

    /// <summary>Ticks on whole steps inside a fixed range [min, max] (used when the range must stay exact).</summary>
    public static double[] Inside(double min, double max, int targetCount = 5)
    {
        (min, max) = OpenUp(min, max);
        return Within(min, max, Step(min, max, targetCount));
    }

    /// <summary>Decade ticks for a log axis over [min, max] (both &gt; 0), with 2 and 5 added when few decades show.</summary>
    public static (double Min, double Max, double[] Ticks) ExtendLog(double min, double max)
    {
        if (!(min > 0) || !(max > 0))
        {
            (min, max) = (1, 10);
        }

        var low = Math.Floor(Math.Log10(min) + 1e-9);
        var high = Math.Ceiling(Math.Log10(max) - 1e-9);
        if (high <= low)
        {
            high = low + 1;
        }

        var ticks = new List<double>();
        var dense = high - low <= 2;
        for (var k = low; k <= high; k++)
        {
            var decade = Math.Pow(10, k);
            ticks.Add(decade);
            if (dense && k < high)
            {
                ticks.Add(2 * decade);
                ticks.Add(5 * decade);
            }
        }

        return (Math.Pow(10, low), Math.Pow(10, high), [.. ticks]);
    }

    /// <summary>Formats tick values with just enough decimals for <paramref name="step"/>; exponent form for extreme magnitudes.</summary>
    public static string Label(double value, double step)
    {
        if (Math.Abs(value) < step * 1e-9)
        {
            return "0";
        }

        var magnitude = Math.Abs(value);
        if (magnitude >= 1e6 || magnitude < 1e-4)
        {
            return Exponent(value);
        }

        var decimals = Math.Clamp((int)-Math.Floor(Math.Log10(step) + 1e-9), 0, 10);
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>Formats a log-axis tick: plain for 0.001…100000, else <c>1e-5</c>.</summary>
    public static string LogLabel(double value) =>
        value is >= 1e-3 and < 1e6 ? value.ToString("0.###", CultureInfo.InvariantCulture) : Exponent(value);

    private static string Exponent(double value)
    {
        var exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)) + 1e-9);
        var mantissa = value / Math.Pow(10, exponent);
        return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(mantissa, 2):0.##}e{exponent}");
    }

    private static (double Min, double Max) OpenUp(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            return (0, 1);
        }

        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            var half = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 0.5;
            return (min - half, max + half);
        }

        return (min, max);
    }

    private static double[] Within(double min, double max, double step)
    {
        var first = Math.Ceiling((min / step) - 1e-9);
        var last = Math.Floor((max / step) + 1e-9);
        var ticks = new double[(int)(last - first) + 1];
        for (var i = 0; i < ticks.Length; i++)
        {
            // Multiply rather than accumulate, so 0.1-steps do not drift to 0.30000000000000004.
            ticks[i] = (first + i) * step;
        }

        return ticks;
    }
}
