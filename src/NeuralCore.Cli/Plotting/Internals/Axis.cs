namespace NeuralCore.Cli.Plotting.Internals;

/// <summary>An axis' value range, ticks and labels, and the value → pixel mapping along it.</summary>
internal sealed class Axis
{
    public Axis(double min, double max, double[] ticks, string[] labels, bool log)
    {
        Min = min;
        Max = max;
        Ticks = ticks;
        Labels = labels;
        Log = log;
    }

    public double Min { get; }

    public double Max { get; }

    public double[] Ticks { get; }

    public string[] Labels { get; }

    public bool Log { get; }

    /// <summary>The fraction of the way from <see cref="Min"/> to <see cref="Max"/>; NaN for values a log axis cannot show.</summary>
    public double Fraction(double value)
    {
        if (Log)
        {
            return value > 0 ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min)) : double.NaN;
        }

        return (value - Min) / (Max - Min);
    }

    public static Axis Linear(double min, double max, double[] ticks)
    {
        var step = ticks.Length > 1 ? ticks[1] - ticks[0] : Math.Max(Math.Abs(max - min), 1e-300);
        return new Axis(min, max, ticks, [.. ticks.Select(t => NiceTicks.Label(t, step))], log: false);
    }
}
