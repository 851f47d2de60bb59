using System.Numerics;

namespace NeuralCore.Network.Internals.Engines;

/// <summary>
/// One engine's forward pass for a <see cref="Predictor{T}"/>: its workspace for up to a capacity of rows, and the
/// pass itself. The predictor validates and chunks; the engine never re-checks.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IInferenceEngine<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>One sample: <paramref name="input"/> [InputSize] into <paramref name="output"/> [OutputSize].</summary>
    void Predict(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>A chunk of at most the capacity's rows: [m, InputSize] into [m, OutputSize].</summary>
    void Predict(ReadOnlyMatrixSpan<T> inputs, MatrixSpan<T> outputs);
}
