namespace NeuralCore.Cli.Plotting;

/// <summary>One set of axes in a <see cref="Figure"/>: title, axis labels, series and legend.</summary>
/// <remarks>
/// Axis ranges come from the data, widened to whole 1-2-5 steps, unless set explicitly; a panel with a
/// <see cref="HeatmapSeries"/> uses the grid's extent exactly, a panel with bars spans its categories.
/// </remarks>
internal sealed class Panel
{
    /// <summary>The title above the plot area.</summary>
    public string? Title { get; init; }

    /// <summary>The label under the x axis.</summary>
    public string? XLabel { get; init; }

    /// <summary>The label beside the y axis.</summary>
    public string? YLabel { get; init; }

    /// <summary>The series, drawn in order (later on top).</summary>
    public List<Series> Series { get; } = [];

    /// <summary>A fixed lower x bound, or <see langword="null"/> for the data's.</summary>
    public double? XMin { get; init; }

    /// <summary>A fixed upper x bound, or <see langword="null"/> for the data's.</summary>
    public double? XMax { get; init; }

    /// <summary>A fixed lower y bound, or <see langword="null"/> for the data's.</summary>
    public double? YMin { get; init; }

    /// <summary>A fixed upper y bound, or <see langword="null"/> for the data's.</summary>
    public double? YMax { get; init; }

    /// <summary>Linear (default) or logarithmic y axis.</summary>
    public AxisScale YScale { get; init; }

    /// <summary>Where the legend goes; <see cref="LegendPosition.Auto"/> picks the emptiest corner.</summary>
    public LegendPosition Legend { get; init; }

    /// <summary>Names for bar categories 0, 1, …, shown as x tick labels; <see langword="null"/> shows the indices.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
}
