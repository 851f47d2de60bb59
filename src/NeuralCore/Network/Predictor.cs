using System.Numerics;
using NeuralCore.Network.Internals.Engines;
using NeuralCore.Network.Internals;

namespace NeuralCore;

/// <summary>
/// A prediction workspace for one thread: two activation buffers of <see cref="Capacity"/> rows × the widest hidden
/// layer. The network's parameters are only read, so any number of predictors may run on one network at once with
/// no lock; a single predictor must not be used by two threads at the same time.
/// </summary>
/// <remarks>
/// Inputs are not scanned for NaN/±∞ (this is the hot path; training validates its data): a non-finite input gives
/// non-finite outputs for that row only. Shapes and overlaps are checked once per call.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Predictor<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NeuralNetwork<T> _network;
    private readonly IInferenceEngine<T> _engine;

    internal Predictor(NeuralNetwork<T> network, int capacity, ComputeOptions options)
    {
        _network = network;
        Capacity = capacity;
        _engine = NetworkEngines.CreateInference(network.Engine, network, capacity, options.ResolvePath(), options.MaxThreads);
    }

    /// <summary>The rows processed per pass; larger batches run in chunks of this size.</summary>
    public int Capacity { get; }

    /// <summary>Predicts one sample.</summary>
    /// <param name="input">Length: the network's InputSize.</param>
    /// <param name="output">Length: the network's OutputSize.</param>
    /// <exception cref="ArgumentException">A length is wrong, or the spans overlap.</exception>
    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        PredictionArguments.RequireSample(input, output, _network.InputSize, _network.OutputSize);

        _network.ThrowIfDisposed();
        _engine.Predict(input, output);
    }

    /// <summary>Predicts a batch, one sample per row, in chunks of <see cref="Capacity"/> rows.</summary>
    /// <param name="inputs">Shape: [m, InputSize].</param>
    /// <param name="outputs">Shape: [m, OutputSize]; must not overlap <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException">A shape is wrong, or the views overlap.</exception>
    public void Predict(ReadOnlyMatrixSpan<T> inputs, MatrixSpan<T> outputs)
    {
        PredictionArguments.RequireBatch(inputs, outputs, _network.InputSize, _network.OutputSize);
        _network.ThrowIfDisposed();
        for (var start = 0; start < inputs.Rows; start += Capacity)
        {
            var count = Math.Min(Capacity, inputs.Rows - start);
            _engine.Predict(inputs.SliceRows(start, count), outputs.SliceRows(start, count));
        }
    }

    /// <summary>Returns the workspace memory.</summary>
    public void Dispose() => _engine.Dispose();
}
