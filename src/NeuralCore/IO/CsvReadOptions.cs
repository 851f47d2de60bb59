namespace NeuralCore.IO;

/// <summary>How <see cref="DataLoader.ReadCsv{T}(string, CsvReadOptions)"/> reads a CSV file.</summary>
/// <remarks>
/// <see langword="default"/>: comma-separated, header detected, samples in rows, no target columns. Numbers use the
/// invariant culture (<c>.</c> decimal point; <c>NaN</c>, <c>Infinity</c> and exponents accepted). Blank lines and
/// lines starting with <c>#</c> are skipped; fields may be double-quoted.
/// </remarks>
public readonly record struct CsvReadOptions
{
    /// <summary>Which columns are targets (Y); the default is none.</summary>
    public TargetColumns Targets { get; init; }

    /// <summary>Whether the first row (or, with <see cref="DataLayout.FeaturesInRows"/>, the first column) holds names.</summary>
    public CsvHeader Header { get; init; }

    /// <summary>The field separator; <c>'\0'</c> (the default) means a comma.</summary>
    public char Delimiter { get; init; }

    /// <summary>Samples in rows (default) or in columns.</summary>
    public DataLayout Layout { get; init; }
}
