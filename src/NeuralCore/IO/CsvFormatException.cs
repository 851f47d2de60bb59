namespace NeuralCore.IO;

/// <summary>A CSV data file that cannot be read: a bad number, a ragged row, an unknown target column.</summary>
/// <remarks>
/// The message starts with the file and, where it applies, the 1-based line and column, e.g.
/// <c>data.csv: line 5, column 3 ('x2'): 'abc' is not a number.</c> It derives from <see cref="IOException"/>, like
/// <see cref="NpyFormatException"/>.
/// </remarks>
public sealed class CsvFormatException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CsvFormatException()
        : this("The CSV file is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public CsvFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CsvFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a position in <paramref name="fileName"/>.</summary>
    /// <param name="fileName">The file name.</param>
    /// <param name="line">The 1-based line, or 0 when the problem is not on one line.</param>
    /// <param name="column">The 1-based column, or 0 when the problem is not in one column.</param>
    /// <param name="columnName">The column's header name, if known.</param>
    /// <param name="problem">What was found and what was expected.</param>
    public CsvFormatException(string fileName, int line, int column, string? columnName, string problem)
        : base(Describe(fileName, line, column, columnName, problem))
    {
        FileName = fileName;
        Line = line;
        Column = column;
    }

    /// <summary>The file the problem was found in.</summary>
    public string? FileName { get; }

    /// <summary>The 1-based line, or 0.</summary>
    public int Line { get; }

    /// <summary>The 1-based column (field index), or 0.</summary>
    public int Column { get; }

    private static string Describe(string fileName, int line, int column, string? columnName, string problem)
    {
        if (line <= 0)
        {
            return $"{fileName}: {problem}";
        }

        if (column <= 0)
        {
            return $"{fileName}: line {line}: {problem}";
        }

        var name = columnName is null ? string.Empty : $" ('{columnName}')";
        return $"{fileName}: line {line}, column {column}{name}: {problem}";
    }
}
