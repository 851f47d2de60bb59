using System.Numerics;

namespace NeuralCore.Network.Internals.Engines;

/// <summary>The dense engine's inference: one fused GEMM per layer, hidden activations ping-ponging between two buffers.</summary>
internal sealed class DenseInferenceEngine<T> : IInferenceEngine<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NeuralNetwork<T> _network;
    private readonly Matrix<T> _buffer0;
    private readonly Matrix<T> _buffer1;
    private readonly KernelPath _path;
    private readonly int _maxThreads;

    public DenseInferenceEngine(NeuralNetwork<T> network, int capacity, KernelPath path, int maxThreads)
    {
        _network = network;
        _path = path;
        _maxThreads = maxThreads;
        var hidden = HiddenWidth(network.Architecture);
        _buffer0 = new Matrix<T>(capacity, hidden, RowStride.For(hidden));
        _buffer1 = new Matrix<T>(capacity, hidden, RowStride.For(hidden));
    }

    /// <summary>The widest hidden layer (1 for a one-layer network).</summary>
    public static int HiddenWidth(NetworkArchitecture architecture)
    {
        var hidden = 1;
        for (var l = 0; l < architecture.LayerCount - 1; l++)
        {
            hidden = Math.Max(hidden, architecture[l].OutputDim);
        }

        return hidden;
    }

    public void Predict(ReadOnlySpan<T> input, Span<T> output) =>
        DenseForward.Run(
            _network,
            new ReadOnlyMatrixSpan<T>(input, 1, input.Length),
            _buffer0.DangerousGetStorage(),
            _buffer1.DangerousGetStorage(),
            new MatrixSpan<T>(output, 1, output.Length),
            _path,
            _maxThreads);

    public void Predict(ReadOnlyMatrixSpan<T> inputs, MatrixSpan<T> outputs) =>
        DenseForward.Run(_network, inputs, _buffer0.DangerousGetStorage(), _buffer1.DangerousGetStorage(), outputs, _path, _maxThreads);

    public void Dispose()
    {
        _buffer0.Dispose();
        _buffer1.Dispose();
    }
}
