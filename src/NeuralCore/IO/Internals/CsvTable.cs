using System.Text;

namespace NeuralCore.IO.Internals;

/// <summary>
/// A rectangular grid of CSV fields, each remembering its 1-based line and column in the file so errors can point
/// at it even after the grid is transposed. Fields are slices of the line strings (no string per field).
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(List<CsvCell[]> rows) => Rows = rows;

    public List<CsvCell[]> Rows { get; }

    public int ColumnCount => Rows.Count == 0 ? 0 : Rows[0].Length;

    /// <summary>Reads every non-blank, non-comment line; all rows must have as many fields as the first.</summary>
    public static CsvTable Parse(TextReader reader, char delimiter, string source)
    {
        var rows = new List<CsvCell[]>();
        var cells = new List<CsvCell>();
        var lineNumber = 0;
        var firstLine = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var trimmed = line.AsSpan().Trim();
            if (trimmed.IsEmpty || trimmed[0] == '#')
            {
                continue;
            }

            cells.Clear();
            SplitLine(line, lineNumber, delimiter, source, cells);
            if (rows.Count == 0)
            {
                firstLine = lineNumber;
            }
            else if (cells.Count != rows[0].Length)
            {
                throw new CsvFormatException(source, lineNumber, 0, null, $"the row has {cells.Count} fields; expected {rows[0].Length} like line {firstLine}.");
            }

            rows.Add([.. cells]);
        }

        return new CsvTable(rows);
    }

    /// <summary>Swaps rows and columns (cells keep their file positions).</summary>
    public CsvTable Transpose()
    {
        var result = new List<CsvCell[]>(ColumnCount);
        for (var c = 0; c < ColumnCount; c++)
        {
            var row = new CsvCell[Rows.Count];
            for (var r = 0; r < Rows.Count; r++)
            {
                row[r] = Rows[r][c];
            }

            result.Add(row);
        }

        return new CsvTable(result);
    }

    private static void SplitLine(string line, int lineNumber, char delimiter, string source, List<CsvCell> cells)
    {
        var i = 0;
        while (true)
        {
            var column = cells.Count + 1;
            while (i < line.Length && line[i] != delimiter && char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                // RFC 4180 quoting: "" inside quotes is one quote. Fields do not span lines (this is numeric data).
                var text = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new CsvFormatException(source, lineNumber, column, null, "the quoted field is not closed on this line.");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            text.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    text.Append(line[i++]);
                }

                while (i < line.Length && line[i] != delimiter && char.IsWhiteSpace(line[i]))
                {
                    i++;
                }

                if (i < line.Length && line[i] != delimiter)
                {
                    throw new CsvFormatException(source, lineNumber, column, null, $"unexpected '{line[i]}' after the closing quote.");
                }

                var value = text.ToString();
                cells.Add(new CsvCell(value, 0, value.Length, lineNumber, column));
            }
            else
            {
                var start = i;
                while (i < line.Length && line[i] != delimiter)
                {
                    i++;
                }

                var end = i;
                while (end > start && char.IsWhiteSpace(line[end - 1]))
                {
                    end--;
                }

                cells.Add(new CsvCell(line, start, end - start, lineNumber, column));
            }

            if (i >= line.Length)
            {
                return;
            }

            i++; // the delimiter
        }
    }
}
