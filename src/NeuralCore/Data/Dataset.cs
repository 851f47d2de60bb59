using System.Numerics;

namespace NeuralCore;

/// <summary>A data set in the network's layout: features X [m, n] and targets Y [m, k], one row per sample. Dispose it.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Dataset<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Dataset(Matrix<T> features, Matrix<T> targets)
    {
        Features = features;
        Targets = targets;
    }

    /// <summary>X, shape [m, n].</summary>
    public Matrix<T> Features { get; }

    /// <summary>Y, shape [m, k].</summary>
    public Matrix<T> Targets { get; }

    /// <summary>The number of samples m.</summary>
    public int Count => Features.Rows;

    /// <summary>Returns the memory of both matrices.</summary>
    public void Dispose()
    {
        Features.Dispose();
        Targets.Dispose();
    }
}
