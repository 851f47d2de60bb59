namespace NeuralCore.Cli.Plotting;

/// <summary>The symbol drawn at each point of a scatter series (or on a line's vertices).</summary>
internal enum MarkerShape
{
    /// <summary>No marker.</summary>
    None,

    /// <summary>A circle.</summary>
    Circle,

    /// <summary>A square.</summary>
    Square,

    /// <summary>An upward triangle.</summary>
    Triangle,

    /// <summary>A diamond.</summary>
    Diamond,

    /// <summary>An × cross (always hollow).</summary>
    Cross,
}
