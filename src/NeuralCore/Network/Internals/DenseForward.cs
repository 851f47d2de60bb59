using System.Numerics;

namespace NeuralCore.Network.Internals;

/// <summary>The inference forward pass: one fused <c>Z = A_prev·W_int + b, A = f(Z)</c> GEMM per layer, Z not stored.</summary>
internal static class DenseForward
{
    /// <summary>
    /// Runs the network on <paramref name="x"/> ([m, in]) into <paramref name="output"/> ([m, out]); hidden activations
    /// ping-pong between <paramref name="buffer0"/> and <paramref name="buffer1"/> (each ≥ m·stride(maxHiddenWidth)), on
    /// <paramref name="path"/> (the predictor's resolved path) with up to <paramref name="maxThreads"/> threads per product.
    /// </summary>
    public static void Run<T>(NeuralNetwork<T> network, ReadOnlyMatrixSpan<T> x, Span<T> buffer0, Span<T> buffer1, MatrixSpan<T> output, KernelPath path, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var architecture = network.Architecture;
        var last = architecture.LayerCount - 1;
        var rows = x.Rows;
        var input = x;
        for (var l = 0; l <= last; l++)
        {
            var layer = architecture[l];
            var destination = l == last
                ? output
                : RowStride.View((l & 1) == 0 ? buffer0 : buffer1, rows, layer.OutputDim);
            // The predictor validated the sample at its edge; weights, bias and buffers are sized by the network.
            Gemm.MultiplyBiasActivateCore(input, MatrixOp.None, network.WeightsInternal(l), MatrixOp.None, network.BiasInternal(l), BiasAlong.Columns, layer.Activation, default, destination, storeZ: false, path, maxThreads);
            input = destination;
        }
    }
}
