namespace NeuralCore.IO;

/// <summary>Whether a CSV file starts with a row of column names.</summary>
public enum CsvHeader
{
    /// <summary>The first row is a header when any of its fields is not a number.</summary>
    Detect,

    /// <summary>The first row is always a header.</summary>
    Present,

    /// <summary>There is no header; every row is data.</summary>
    Absent,
}
