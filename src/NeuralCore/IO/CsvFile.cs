using System.Globalization;
using System.Numerics;
using System.Text;

namespace NeuralCore.IO;

/// <summary>Writes matrices as CSV (invariant culture, shortest round-trip numbers, atomic replace).</summary>
public static class CsvFile
{
    /// <summary>Writes <paramref name="values"/> to <paramref name="path"/> atomically, one matrix row per line.</summary>
    /// <typeparam name="T">A number type, e.g. <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file path; an existing file is replaced only once the new one is complete.</param>
    /// <param name="values">The data. Shape: [rows, columns].</param>
    /// <param name="header">Column names for a first line, or <see langword="null"/> for none; must have one name per column.</param>
    /// <exception cref="ArgumentException">The header does not have one name per column.</exception>
    public static void Write<T>(string path, ReadOnlyMatrixSpan<T> values, IReadOnlyList<string>? header = null)
        where T : unmanaged, INumberBase<T>
    {
        var text = Format(values, header);
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>Formats <paramref name="values"/> as CSV text (lines end with <c>\n</c>).</summary>
    /// <typeparam name="T">A number type, e.g. <see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="values">The data. Shape: [rows, columns].</param>
    /// <param name="header">Column names for a first line, or <see langword="null"/> for none.</param>
    /// <returns>The CSV text.</returns>
    /// <exception cref="ArgumentException">The header does not have one name per column.</exception>
    public static string Format<T>(ReadOnlyMatrixSpan<T> values, IReadOnlyList<string>? header = null)
        where T : unmanaged, INumberBase<T>
    {
        if (header is not null && header.Count != values.Columns)
        {
            throw new ArgumentException($"header must have {values.Columns} names, one per column; got {header.Count}.", nameof(header));
        }

        var builder = new StringBuilder();
        if (header is not null)
        {
            for (var c = 0; c < header.Count; c++)
            {
                builder.Append(c == 0 ? string.Empty : ",").Append(Quote(header[c]));
            }

            builder.Append('\n');
        }

        for (var r = 0; r < values.Rows; r++)
        {
            var row = values.GetRowSpan(r);
            for (var c = 0; c < row.Length; c++)
            {
                // .NET's default float/double formatting is the shortest string that parses back to the same bits.
                builder.Append(c == 0 ? string.Empty : ",").Append(row[c].ToString(null, CultureInfo.InvariantCulture));
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    private static string Quote(string name) =>
        name.AsSpan().IndexOfAny(",\"\n\r") >= 0 || name != name.Trim()
            ? "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : name;
}
