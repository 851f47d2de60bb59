using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;
using NeuralCore.Network.Internals;
using NeuralCore.Network.Internals.Quantized;

namespace NeuralCore;

/// <summary>
/// A prediction workspace of a <see cref="QuantizedNetwork"/> for one thread: its activation buffers and input codes,
/// sized for <see cref="Capacity"/> rows, so predictions allocate nothing. The network is only read, so any number of
/// predictors may run on it at once; one predictor must not be used by two threads at the same time.
/// </summary>
public sealed class QuantizedPredictor : IDisposable
{
    private readonly QuantizedNetwork _network;
    private readonly QuantizedWorkspace _workspace;
    private readonly KernelPath _path;

    internal QuantizedPredictor(QuantizedNetwork network, int capacity, ComputeOptions options)
    {
        _network = network;
        Capacity = capacity;
        _path = options.ResolvePath();
        _workspace = new QuantizedWorkspace(network.Architecture, capacity, network.Mode == QuantizationMode.Int8);
    }

    /// <summary>The rows processed per pass; larger batches run in chunks of this size.</summary>
    public int Capacity { get; }

    /// <summary>Predicts one sample.</summary>
    /// <param name="input">Length: the network's InputSize.</param>
    /// <param name="output">Length: the network's OutputSize.</param>
    /// <exception cref="ArgumentException">A length is wrong, or the spans overlap.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        PredictionArguments.RequireSample(input, output, _network.InputSize, _network.OutputSize);

        _network.ThrowIfDisposed();
        Run(new ReadOnlyMatrixSpan<float>(input, 1, input.Length), new MatrixSpan<float>(output, 1, output.Length));
    }

    /// <summary>Predicts a batch, one sample per row, in chunks of <see cref="Capacity"/> rows.</summary>
    /// <param name="inputs">Shape: [m, InputSize].</param>
    /// <param name="outputs">Shape: [m, OutputSize]; must not overlap <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException">A shape is wrong, or the views overlap.</exception>
    public void Predict(ReadOnlyMatrixSpan<float> inputs, MatrixSpan<float> outputs)
    {
        PredictionArguments.RequireBatch(inputs, outputs, _network.InputSize, _network.OutputSize);
        _network.ThrowIfDisposed();
        for (var start = 0; start < inputs.Rows; start += Capacity)
        {
            var count = Math.Min(Capacity, inputs.Rows - start);
            Run(inputs.SliceRows(start, count), outputs.SliceRows(start, count));
        }
    }

    /// <summary>Nothing to return (the buffers are managed); kept so predictors are used like <see cref="Predictor{T}"/>.</summary>
    public void Dispose()
    {
    }

    private void Run(ReadOnlyMatrixSpan<float> x, MatrixSpan<float> output)
    {
        var layers = _network.Layers;
        var last = layers.Length - 1;
        var input = x;
        for (var l = 0; l <= last; l++)
        {
            var layer = layers[l];
            var destination = l == last ? output : _workspace.Hidden(l, x.Rows, layer.Spec.OutputDim);
            layer.Multiply(input, destination, _workspace, _path);
            if (_path == KernelPath.Reference)
            {
                ActivationsReference.Forward(layer.Spec.Activation, destination, destination);
            }
            else
            {
                ActivationKernels.Forward(layer.Spec.Activation, destination, destination, _path);
            }

            input = destination;
        }
    }
}
