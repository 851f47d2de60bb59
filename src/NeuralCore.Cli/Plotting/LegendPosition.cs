namespace NeuralCore.Cli.Plotting;

/// <summary>Where a panel's legend goes, inside the plot area.</summary>
internal enum LegendPosition
{
    /// <summary>The corner that covers the fewest data points (ties prefer top right).</summary>
    Auto,

    /// <summary>Top right corner.</summary>
    TopRight,

    /// <summary>Top left corner.</summary>
    TopLeft,

    /// <summary>Bottom right corner.</summary>
    BottomRight,

    /// <summary>Bottom left corner.</summary>
    BottomLeft,

    /// <summary>No legend.</summary>
    None,
}
