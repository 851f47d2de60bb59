using System.Numerics;

namespace NeuralCore.IO;

/// <summary>
/// A loaded data set: <see cref="Features"/> (X) and <see cref="Targets"/> (Y), one sample per row, with column names.
/// Dispose it to return both matrices to the pool.
/// </summary>
/// <typeparam name="T">The element type (<see cref="float"/> or <see cref="double"/>).</typeparam>
public sealed class DataSet<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal DataSet(Matrix<T> features, Matrix<T> targets, IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames, string source)
    {
        Features = features;
        Targets = targets;
        FeatureNames = featureNames;
        TargetNames = targetNames;
        Source = source;
    }

    /// <summary>The inputs, X. Shape: [samples, features].</summary>
    public Matrix<T> Features { get; }

    /// <summary>The targets, Y; zero columns when no target columns were selected. Shape: [samples, targets].</summary>
    public Matrix<T> Targets { get; }

    /// <summary>The feature names: the header's, or <c>x1, x2, …</c> when the file has none.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The target names: the header's, or <c>y1, y2, …</c> when the file has none.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>The file(s) the data came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The number of samples (rows).</summary>
    public int SampleCount => Features.Rows;

    /// <summary>Returns both matrices to the pool.</summary>
    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"DataSet<{typeof(T).Name}>({Source}: {SampleCount} samples, {Features.Columns} features, {Targets.Columns} targets)";
}
