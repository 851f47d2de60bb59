using System.Globalization;
using System.Numerics;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// X and Y for train and evaluate: from two files (<c>--x</c>, <c>--y</c>), or from one file whose label column
/// <c>--label-column NAME|INDEX|last</c> names; and the seeded, stratified <c>--val-split</c>.
/// </summary>
internal static class DataFiles
{
    /// <summary><c>--label-column</c>: which column of the X file holds the targets.</summary>
    public static System.CommandLine.Option<string?> LabelColumn() =>
        new("--label-column")
        {
            Description = "Take Y from this column of the --x file (and --val-x) instead of --y: a CSV header name, a 0-based index, or 'last'. The other columns are X.",
        };

    /// <summary>The targets come from exactly one place: <paramref name="yOption"/> or <c>--label-column</c> (a usage error otherwise, before any file is read).</summary>
    public static void RequireOneTargetSource(string xOption, string yOption, string? yPath, string? labelColumn)
    {
        if (yPath is null && labelColumn is null)
        {
            throw new CliException($"{yOption} is missing: give the targets as {yOption} FILE, or name their column of {xOption} with --label-column NAME|INDEX|last.", CliApplication.BadArguments);
        }

        if (yPath is not null && labelColumn is not null)
        {
            throw new CliException($"{yOption} and --label-column both give the targets; use one of them.", CliApplication.BadArguments);
        }
    }

    /// <summary>Reads X and Y: from <paramref name="yPath"/>, or split off <paramref name="xPath"/> by <paramref name="labelColumn"/>.</summary>
    public static (Matrix<T> X, Matrix<T> Y) Read<T>(string xOption, string xPath, string yOption, string? yPath, string? labelColumn, bool columnMajor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireOneTargetSource(xOption, yOption, yPath, labelColumn);
        if (labelColumn is null)
        {
            var x = CliOptions.ReadMatrix<T>(xOption, xPath, columnMajor);
            try
            {
                return (x, CliOptions.ReadMatrix<T>(yOption, yPath!, columnMajor));
            }
            catch
            {
                x.Dispose();
                throw;
            }
        }

        var isName = !string.Equals(labelColumn, "last", StringComparison.OrdinalIgnoreCase) && !int.TryParse(labelColumn, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        if (isName && Path.GetExtension(xPath).Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            // By name: the loader finds the header and says which names exist when this one does not.
            CliOptions.RequireFile(xOption, xPath);
            var data = DataLoader.ReadCsv<T>(xPath, new CsvReadOptions { Targets = TargetColumns.Named(labelColumn), Layout = columnMajor ? DataLayout.FeaturesInRows : DataLayout.SamplesInRows });
            return (data.Features, data.Targets);
        }

        if (isName)
        {
            throw new CliException($"--label-column {labelColumn}: {xOption} {xPath} has no column names (only a CSV header has them); give the column's 0-based index or 'last'.", CliApplication.BadArguments);
        }

        using var all = CliOptions.ReadMatrix<T>(xOption, xPath, columnMajor);
        var index = string.Equals(labelColumn, "last", StringComparison.OrdinalIgnoreCase) ? all.Columns - 1 : int.Parse(labelColumn, CultureInfo.InvariantCulture);
        if (index < 0 || index >= all.Columns || all.Columns < 2)
        {
            throw new CliException(
                $"--label-column {labelColumn}: {xOption} {xPath} has {all.Columns} column{(all.Columns == 1 ? string.Empty : "s")}; expected an index from 0 to {all.Columns - 1} and at least one other column for X.",
                CliApplication.BadArguments);
        }

        var features = new Matrix<T>(all.Rows, all.Columns - 1);
        var targets = new Matrix<T>(all.Rows, 1);
        for (var r = 0; r < all.Rows; r++)
        {
            var row = all.ReadOnlySpan.GetRowSpan(r);
            var destination = features.Span.GetRowSpan(r);
            row[..index].CopyTo(destination);
            row[(index + 1)..].CopyTo(destination[index..]);
            targets[r, 0] = row[index];
        }

        return (features, targets);
    }

    /// <summary>
    /// Moves a seeded random <paramref name="fraction"/> of the rows to a validation set. With <paramref name="classOf"/>
    /// the split is stratified: each class gives the same fraction (rounded, at least one row of every class that has
    /// two), so a rare class is on both sides.
    /// </summary>
    public static (Matrix<T> TrainX, Matrix<T> TrainY, Matrix<T> ValX, Matrix<T> ValY) Split<T>(
        ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, double fraction, ulong seed, Func<int, int>? classOf)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32)) ^ 0x7A1_5EED));
        var groups = classOf is null
            ? [[.. Enumerable.Range(0, x.Rows)]]
            : Enumerable.Range(0, x.Rows).GroupBy(classOf).OrderBy(g => g.Key).Select(g => g.ToArray()).ToList();
        var validation = new List<int>();
        foreach (var group in groups)
        {
            random.Shuffle(group);
            var take = (int)Math.Round(fraction * group.Length, MidpointRounding.AwayFromZero);
            if (classOf is not null && group.Length >= 2)
            {
                take = Math.Clamp(take, 1, group.Length - 1);
            }

            validation.AddRange(group.Take(take));
        }

        if (validation.Count == 0 || validation.Count == x.Rows)
        {
            throw new CliException(
                string.Create(CultureInfo.InvariantCulture, $"--val-split {fraction}: {x.Rows} samples give {validation.Count} validation rows; both sides need at least one."),
                CliApplication.BadArguments);
        }

        var inValidation = new bool[x.Rows];
        foreach (var r in validation)
        {
            inValidation[r] = true;
        }

        // Each side keeps the file's order (the trainer shuffles its batches itself).
        var trainRows = Enumerable.Range(0, x.Rows).Where(r => !inValidation[r]).ToArray();
        var valRows = Enumerable.Range(0, x.Rows).Where(r => inValidation[r]).ToArray();
        return (Gather(x, trainRows), Gather(y, trainRows), Gather(x, valRows), Gather(y, valRows));
    }

    private static Matrix<T> Gather<T>(ReadOnlyMatrixSpan<T> source, int[] rows)
        where T : unmanaged
    {
        var result = new Matrix<T>(rows.Length, source.Columns);
        for (var i = 0; i < rows.Length; i++)
        {
            source.GetRowSpan(rows[i]).CopyTo(result.Span.GetRowSpan(i));
        }

        return result;
    }
}
