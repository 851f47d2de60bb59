namespace NeuralCore.Cli.Plotting;

/// <summary>Where a panel's legend goes: a corner of the plot area, or (automatically) beside it.</summary>
internal enum LegendPosition
{
    /// <summary>
    /// A corner that covers no data points (ties prefer top right); when every corner would cover some, beside the
    /// plot area on the right, which narrows the area by the legend's width.
    /// </summary>
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
