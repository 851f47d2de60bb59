using System.Numerics;

namespace NeuralCore.Network.Internals.Engines;

/// <summary>
/// One engine's forward and backward passes for a <see cref="Trainer{T}"/>: its batch buffers, the loss and every
/// gradient of a batch into the trainer's gradient vector, and the loss alone. The trainer validates its public
/// arguments, owns the epoch loop, the row order and the optimizer update; the engine never re-checks.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface ITrainingEngine<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The largest batch the buffers hold (0 before the first <see cref="EnsureCapacity"/>).</summary>
    int Capacity { get; }

    /// <summary>Grows the batch buffers to <paramref name="rows"/> rows (never shrinks them).</summary>
    void EnsureCapacity(int rows);

    /// <summary>
    /// Makes <paramref name="x"/> the data set <see cref="FitBatch"/> reads until the next call (the narrow engine
    /// transposes it once here, instead of once per batch).
    /// </summary>
    void PrepareFit(ReadOnlyMatrixSpan<T> x);

    /// <summary>
    /// The loss, the correct count and every gradient of the batch of rows <paramref name="start"/> … +
    /// <paramref name="count"/> of the data <see cref="PrepareFit"/> was given (<paramref name="x"/> is that data,
    /// row-major), taken through <paramref name="order"/> (the shuffled row order) unless it is empty.
    /// </summary>
    T FitBatch(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, ReadOnlySpan<int> order, int start, int count, out int correct);

    /// <summary>
    /// The loss and every gradient of one row-major batch within the capacity, and ∂L/∂X into
    /// <paramref name="inputGradient"/> unless it is empty; the correct count only when <paramref name="countCorrect"/>.
    /// </summary>
    T ForwardBackward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> inputGradient, bool countCorrect, out int correct);

    /// <summary>The loss (and the correct count when <paramref name="countCorrect"/>) of one row-major batch within the capacity; no gradients.</summary>
    T ForwardOnly(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, bool countCorrect, out int correct);

    /// <summary>Whether hidden layer <paramref name="layer"/> keeps its Z (tests: only the layers whose f′ reads Z do).</summary>
    bool StoresHiddenZ(int layer);

    /// <summary>Whether a step has been split across two threads (tests: the split is otherwise invisible).</summary>
    bool HasSplitSteps { get; }
}
