using System.Numerics;
using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Network.Internals.Engines;

/// <summary>The narrow engine's inference: feature-major buffers [features, capacity] with the batch along the (aligned) rows.</summary>
internal sealed class NarrowInferenceEngine<T> : IInferenceEngine<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NeuralNetwork<T> _network;
    private readonly Matrix<T> _buffer0;
    private readonly Matrix<T> _buffer1;
    private readonly Matrix<T> _input;
    private readonly Matrix<T> _output;
    private readonly KernelPath _path;
    private readonly int _stride;

    public NarrowInferenceEngine(NeuralNetwork<T> network, int capacity, KernelPath path)
    {
        _network = network;
        _path = path;
        _stride = NarrowEngine.Stride(capacity);
        var hidden = DenseInferenceEngine<T>.HiddenWidth(network.Architecture);
        _buffer0 = new Matrix<T>(hidden, _stride);
        _buffer1 = new Matrix<T>(hidden, _stride);
        _input = new Matrix<T>(network.InputSize, _stride);
        _output = new Matrix<T>(1, _stride);
    }

    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        var column = NarrowEngine.View(_input, input.Length, 1, _stride);
        for (var i = 0; i < input.Length; i++)
        {
            column.DangerousGetReferenceAt(i, 0) = input[i];
        }

        NarrowEngine.Forward(_network, column, _buffer0, _buffer1, new MatrixSpan<T>(output, 1, 1), _stride, _path);
    }

    public void Predict(ReadOnlyMatrixSpan<T> inputs, MatrixSpan<T> outputs)
    {
        var count = inputs.Rows;
        var featureMajor = NarrowEngine.View(_input, inputs.Columns, count, _stride);
        NarrowEngine.ToFeatureMajor(inputs, featureMajor, _path);

        // One output: a contiguous output column is the feature-major row itself, so no transpose back.
        var direct = NarrowEngine.AsRow(outputs);
        var row = direct.Rows != 0 ? direct : NarrowEngine.View(_output, 1, count, _stride);
        NarrowEngine.Forward(_network, featureMajor, _buffer0, _buffer1, row, _stride, _path);
        if (direct.Rows == 0)
        {
            row.TransposeTo(outputs);
        }
    }

    public void Dispose()
    {
        _buffer0.Dispose();
        _buffer1.Dispose();
        _input.Dispose();
        _output.Dispose();
    }
}
