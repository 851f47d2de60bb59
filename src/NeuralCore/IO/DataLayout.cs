namespace NeuralCore.IO;

/// <summary>How samples are laid out in a data file.</summary>
public enum DataLayout
{
    /// <summary>One sample per row, one feature per column (the NumPy/pandas convention; <see cref="Dataset{T}"/>'s own layout).</summary>
    SamplesInRows,

    /// <summary>
    /// One feature per row, one sample per column (features × samples), as in the tutorials that compute
    /// <c>W·X</c>; the data is transposed on load. In a CSV file the names, if any, are then in the first column.
    /// </summary>
    FeaturesInRows,
}
