using System.Globalization;
using System.Numerics;

namespace NeuralCore;

/// <summary>
/// A data set in the network's layout: features X [m, n] and targets Y [m, k], one row per sample, with column
/// names. Generated (<see cref="Datasets"/>) or loaded (<c>NeuralCore.IO.DataLoader</c>). Dispose it to return both
/// matrices to the pool.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Dataset<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Dataset(Matrix<T> features, Matrix<T> targets, IReadOnlyList<string>? featureNames = null, IReadOnlyList<string>? targetNames = null, string source = "generated")
    {
        Features = features;
        Targets = targets;
        FeatureNames = featureNames ?? DefaultNames("x", features.Columns);
        TargetNames = targetNames ?? DefaultNames("y", targets.Columns);
        Source = source;
    }

    /// <summary>X, shape [m, n].</summary>
    public Matrix<T> Features { get; }

    /// <summary>Y, shape [m, k]; zero columns when no target columns were selected.</summary>
    public Matrix<T> Targets { get; }

    /// <summary>The feature names: a file header's, or <c>x1, x2, …</c>.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The target names: a file header's, or <c>y1, y2, …</c>.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>Where the data came from (file names, or "generated"), for messages.</summary>
    public string Source { get; }

    /// <summary>The number of samples m.</summary>
    public int Count => Features.Rows;

    /// <summary>Returns the memory of both matrices.</summary>
    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dataset<{typeof(T).Name}>({Source}: {Count} samples, {Features.Columns} features, {Targets.Columns} targets)";

    internal static string[] DefaultNames(string prefix, int count)
    {
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = prefix + (i + 1).ToString(CultureInfo.InvariantCulture);
        }

        return names;
    }
}
