namespace NeuralCore.IO;

/// <summary>Which columns of a table are targets (Y); the others, in file order, are features (X).</summary>
/// <remarks><see langword="default"/> is <see cref="None"/>: every column is a feature (e.g. an autoencoder's input).</remarks>
public readonly record struct TargetColumns
{
    private TargetColumns(int lastCount, IReadOnlyList<string>? names)
    {
        LastCount = lastCount;
        Names = names;
    }

    /// <summary>No target columns.</summary>
    public static TargetColumns None => default;

    /// <summary>How many trailing columns are targets (0 when <see cref="Names"/> is used).</summary>
    public int LastCount { get; }

    /// <summary>The target column names in the order the targets should have; <see langword="null"/> when selecting by count.</summary>
    public IReadOnlyList<string>? Names { get; }

    /// <summary>The last <paramref name="count"/> columns are targets.</summary>
    /// <param name="count">The number of target columns (≥ 0).</param>
    /// <returns>The selection.</returns>
    public static TargetColumns Last(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new TargetColumns(count, null);
    }

    /// <summary>The columns with these header names are targets, in this order (the file needs a header).</summary>
    /// <param name="names">One or more distinct column names.</param>
    /// <returns>The selection.</returns>
    public static TargetColumns Named(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length == 0 || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            throw new ArgumentException($"Target names must be one or more distinct names; got [{string.Join(", ", names)}].", nameof(names));
        }

        return new TargetColumns(0, [.. names]);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        Names is { } names ? $"Named({string.Join(", ", names)})" : $"Last({LastCount})";
}
