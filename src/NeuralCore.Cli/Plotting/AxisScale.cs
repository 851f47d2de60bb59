namespace NeuralCore.Cli.Plotting;

/// <summary>How values map to positions along an axis.</summary>
internal enum AxisScale
{
    /// <summary>Linear, with 1-2-5 ticks.</summary>
    Linear,

    /// <summary>Base-10 logarithmic (e.g. a loss falling over decades); values ≤ 0 are not drawn.</summary>
    Log,
}
