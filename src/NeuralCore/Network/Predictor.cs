using System.Numerics;
using NeuralCore.Internals;
using NeuralCore.Network.Internals.Narrow;
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
    private readonly int _maxThreads;
    private readonly Matrix<T> _buffer0;
    private readonly Matrix<T> _buffer1;
    private readonly Matrix<T>? _narrowInput;
    private readonly Matrix<T>? _narrowOutput;
    private readonly KernelPath _path;
    private readonly int _narrowStride;

    internal Predictor(NeuralNetwork<T> network, int capacity, ComputeOptions options)
    {
        _network = network;
        _maxThreads = options.MaxThreads;
        Capacity = capacity;
        var hidden = 1;
        for (var l = 0; l < network.LayerCount - 1; l++)
        {
            hidden = Math.Max(hidden, network.Architecture[l].OutputDim);
        }

        _path = options.ResolvePath();
        if (network.IsNarrow)
        {
            // Feature-major buffers: [features, capacity] with the batch along the (aligned) rows.
            _narrowStride = NarrowEngine.Stride(capacity);
            _buffer0 = new Matrix<T>(hidden, _narrowStride);
            _buffer1 = new Matrix<T>(hidden, _narrowStride);
            _narrowInput = new Matrix<T>(network.InputSize, _narrowStride);
            _narrowOutput = new Matrix<T>(1, _narrowStride);
        }
        else
        {
            _buffer0 = new Matrix<T>(capacity, hidden, RowStride.For(hidden));
            _buffer1 = new Matrix<T>(capacity, hidden, RowStride.For(hidden));
        }
    }

    /// <summary>The rows processed per pass; larger batches run in chunks of this size.</summary>
    public int Capacity { get; }

    /// <summary>Predicts one sample.</summary>
    /// <param name="input">Length: the network's InputSize.</param>
    /// <param name="output">Length: the network's OutputSize.</param>
    /// <exception cref="ArgumentException">A length is wrong, or the spans overlap.</exception>
    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        if (input.Length != _network.InputSize)
        {
            throw new ArgumentException($"input must have InputSize = {_network.InputSize} elements; got {input.Length}.", nameof(input));
        }

        if (output.Length != _network.OutputSize)
        {
            throw new ArgumentException($"output must have OutputSize = {_network.OutputSize} elements; got {output.Length}.", nameof(output));
        }

        if (input.Overlaps(output))
        {
            throw new ArgumentException("output must not overlap input.", nameof(output));
        }

        _network.ThrowIfDisposed();
        if (_network.IsNarrow)
        {
            var column = NarrowEngine.View(_narrowInput!, input.Length, 1, _narrowStride);
            for (var i = 0; i < input.Length; i++)
            {
                column.DangerousGetReferenceAt(i, 0) = input[i];
            }

            NarrowEngine.Forward(_network, column, _buffer0, _buffer1, new MatrixSpan<T>(output, 1, 1), _narrowStride, _path);
            return;
        }

        DenseForward.Run(
            _network,
            new ReadOnlyMatrixSpan<T>(input, 1, input.Length),
            _buffer0.DangerousGetStorage(),
            _buffer1.DangerousGetStorage(),
            new MatrixSpan<T>(output, 1, output.Length),
            _path,
            _maxThreads);
    }

    /// <summary>Predicts a batch, one sample per row, in chunks of <see cref="Capacity"/> rows.</summary>
    /// <param name="inputs">Shape: [m, InputSize].</param>
    /// <param name="outputs">Shape: [m, OutputSize]; must not overlap <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException">A shape is wrong, or the views overlap.</exception>
    public void Predict(ReadOnlyMatrixSpan<T> inputs, MatrixSpan<T> outputs)
    {
        DataValidation.RequireColumns(inputs.Columns, _network.InputSize, nameof(inputs), "the network's InputSize");
        DataValidation.RequireColumns(outputs.Columns, _network.OutputSize, nameof(outputs), "the network's OutputSize");
        DataValidation.RequireSameRows(inputs.Rows, outputs.Rows, nameof(inputs), nameof(outputs));
        ArgumentValidation.Disjoint(inputs, outputs, nameof(inputs), nameof(outputs));
        _network.ThrowIfDisposed();
        var buffer0 = _buffer0.DangerousGetStorage();
        var buffer1 = _buffer1.DangerousGetStorage();
        for (var start = 0; start < inputs.Rows; start += Capacity)
        {
            var count = Math.Min(Capacity, inputs.Rows - start);
            if (_network.IsNarrow)
            {
                var featureMajor = NarrowEngine.View(_narrowInput!, inputs.Columns, count, _narrowStride);
                NarrowEngine.ToFeatureMajor(inputs.SliceRows(start, count), featureMajor, _path);

                // One output: a contiguous output column is the feature-major row itself, so no transpose back.
                var chunk = outputs.SliceRows(start, count);
                var direct = NarrowEngine.AsRow(chunk);
                var row = direct.Rows != 0 ? direct : NarrowEngine.View(_narrowOutput!, 1, count, _narrowStride);
                NarrowEngine.Forward(_network, featureMajor, _buffer0, _buffer1, row, _narrowStride, _path);
                if (direct.Rows == 0)
                {
                    row.TransposeTo(chunk);
                }

                continue;
            }

            DenseForward.Run(_network, inputs.SliceRows(start, count), buffer0, buffer1, outputs.SliceRows(start, count), _path, _maxThreads);
        }
    }

    /// <summary>Returns the workspace memory.</summary>
    public void Dispose()
    {
        _buffer0.Dispose();
        _buffer1.Dispose();
        _narrowInput?.Dispose();
        _narrowOutput?.Dispose();
    }
}
