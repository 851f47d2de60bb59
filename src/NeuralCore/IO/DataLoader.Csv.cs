using System.Globalization;
using System.Numerics;
using NeuralCore.IO.Internals;

namespace NeuralCore.IO;

public static partial class DataLoader
{
    /// <summary>Reads a CSV file into features and targets.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file path.</param>
    /// <param name="options">Header, delimiter, layout and target columns; <see langword="default"/> reads every column as a feature.</param>
    /// <returns>The data set; dispose it.</returns>
    /// <exception cref="CsvFormatException">A field is not a number (the message gives line and column), rows are ragged, or a target column does not exist.</exception>
    public static Dataset<T> ReadCsv<T>(string path, CsvReadOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return ReadCsv<T>(reader, path, options);
    }

    /// <summary>Reads CSV text into features and targets.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in error messages.</param>
    /// <param name="options">Header, delimiter, layout and target columns.</param>
    /// <returns>The data set; dispose it.</returns>
    /// <exception cref="CsvFormatException">A field is not a number, rows are ragged, or a target column does not exist.</exception>
    public static Dataset<T> ReadCsv<T>(TextReader reader, string sourceName, CsvReadOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        var delimiter = options.Delimiter == '\0' ? ',' : options.Delimiter;
        var table = CsvTable.Parse(reader, delimiter, sourceName);
        if (options.Layout == DataLayout.FeaturesInRows)
        {
            table = table.Transpose();
        }

        if (table.Rows.Count == 0)
        {
            throw new CsvFormatException(sourceName, 0, 0, null, "the file holds no data.");
        }

        var hasHeader = options.Header switch
        {
            CsvHeader.Present => true,
            CsvHeader.Absent => false,
            _ => table.Rows[0].Any(cell => !T.TryParse(cell.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
        };

        var columnCount = table.ColumnCount;
        var names = hasHeader ? table.Rows[0].Select(cell => cell.ToString()).ToArray() : null;
        var targetIndices = SelectTargets(options.Targets, names, columnCount, sourceName, options.Layout);
        var featureIndices = Enumerable.Range(0, columnCount).Where(c => !targetIndices.Contains(c)).ToArray();

        var firstDataRow = hasHeader ? 1 : 0;
        var sampleCount = table.Rows.Count - firstDataRow;
        var features = new Matrix<T>(sampleCount, featureIndices.Length);
        var targets = new Matrix<T>(sampleCount, targetIndices.Length);
        try
        {
            Fill(table, firstDataRow, featureIndices, names, features.Span, sourceName);
            Fill(table, firstDataRow, targetIndices, names, targets.Span, sourceName);
        }
        catch
        {
            features.Dispose();
            targets.Dispose();
            throw;
        }

        var featureNames = names is null ? Dataset<T>.DefaultNames("x", featureIndices.Length) : [.. featureIndices.Select(i => names[i])];
        var targetNames = names is null ? Dataset<T>.DefaultNames("y", targetIndices.Length) : [.. targetIndices.Select(i => names[i])];
        return new Dataset<T>(features, targets, featureNames, targetNames, sourceName);
    }

    private static int[] SelectTargets(TargetColumns targets, string[]? names, int columnCount, string source, DataLayout layout)
    {
        if (targets.Names is { } wanted)
        {
            if (names is null)
            {
                var where = layout == DataLayout.FeaturesInRows ? "a first column of names" : "a header row";
                throw new CsvFormatException(source, 0, 0, null, $"target columns are chosen by name ({string.Join(", ", wanted)}), which needs {where}; the file has none.");
            }

            var indices = new int[wanted.Count];
            for (var i = 0; i < wanted.Count; i++)
            {
                indices[i] = Array.IndexOf(names, wanted[i]);
                if (indices[i] < 0)
                {
                    throw new CsvFormatException(source, 0, 0, null, $"target column '{wanted[i]}' not found; the columns are: {string.Join(", ", names)}.");
                }
            }

            return indices;
        }

        if (targets.LastCount > columnCount)
        {
            throw new CsvFormatException(source, 0, 0, null, $"{targets.LastCount} target columns were requested, but the file has only {columnCount} columns.");
        }

        return [.. Enumerable.Range(columnCount - targets.LastCount, targets.LastCount)];
    }

    private static void Fill<T>(CsvTable table, int firstRow, int[] columns, string[]? names, MatrixSpan<T> destination, string source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var r = 0; r < destination.Rows; r++)
        {
            var row = table.Rows[firstRow + r];
            var values = destination.GetRowSpan(r);
            for (var j = 0; j < columns.Length; j++)
            {
                var cell = row[columns[j]];
                if (!T.TryParse(cell.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out values[j]))
                {
                    var problem = cell.Length == 0 ? "the field is empty; expected a number." : $"'{cell}' is not a number.";
                    throw new CsvFormatException(source, cell.Line, cell.Column, names?[columns[j]], problem);
                }
            }
        }
    }
}
