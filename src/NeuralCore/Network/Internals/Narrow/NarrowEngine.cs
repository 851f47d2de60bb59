using System.Numerics;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// Which networks run on the narrow (feature-major) kernels, and the small layout helpers they share.
/// </summary>
/// <remarks>
/// Eligible: every layer at most <see cref="MaxWidth"/> wide, element-wise activations only (softmax runs along a
/// sample, i.e. down a feature-major column), and one output, so the output row [1, m] is also the row-major
/// column [m, 1] the public fused losses take. That covers the seed networks (2-4-6-6-4-1, 2-10-1, 1-1), whose
/// budget is per-call overhead, not FLOPs (performance-research.md §4). Wider layers are GEMM territory.
/// </remarks>
internal static class NarrowEngine
{
    /// <summary>Above this width the GEMM kernels win (the single-accumulator feature-major loop measured 38 vs 213 GFLOPS at 64³).</summary>
    public const int MaxWidth = 32;

    public static bool IsEligible(NetworkArchitecture architecture)
    {
        if (architecture.OutputSize != 1)
        {
            return false;
        }

        foreach (var layer in architecture.Layers)
        {
            if (layer.InputDim > MaxWidth || layer.OutputDim > MaxWidth || layer.Activation == Activation.Softmax)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The batch stride of feature-major buffers: the capacity rounded up to 16, so every feature row is 64-byte aligned.</summary>
    public static int Stride(int capacity) => (capacity + RowStride.Alignment - 1) / RowStride.Alignment * RowStride.Alignment;

    /// <summary>Row-major [m, n] → feature-major [n, m].</summary>
    public static void ToFeatureMajor<T>(ReadOnlyMatrixSpan<T> rows, MatrixSpan<T> featureMajor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows.Rows; r++)
        {
            for (var c = 0; c < rows.Columns; c++)
            {
                featureMajor.DangerousGetReferenceAt(c, r) = rows.DangerousGetReferenceAt(r, c);
            }
        }
    }

    /// <summary>Feature-major [n, m] → row-major [m, n].</summary>
    public static void ToRowMajor<T>(ReadOnlyMatrixSpan<T> featureMajor, MatrixSpan<T> rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows.Rows; r++)
        {
            for (var c = 0; c < rows.Columns; c++)
            {
                rows.DangerousGetReferenceAt(r, c) = featureMajor.DangerousGetReferenceAt(c, r);
            }
        }
    }

    /// <summary>The first feature-major row of <paramref name="buffer"/> seen as a row-major column [m, 1].</summary>
    public static MatrixSpan<T> Column<T>(Matrix<T> buffer, int rows)
        where T : unmanaged => new(buffer.DangerousGetStorage(), rows, 1, 1);

    /// <summary>A feature-major [features, m] view over <paramref name="buffer"/> with batch stride <paramref name="stride"/>.</summary>
    public static MatrixSpan<T> View<T>(Matrix<T> buffer, int features, int columns, int stride)
        where T : unmanaged => new(buffer.DangerousGetStorage(), features, columns, stride);

    /// <summary>Runs the network forward on a feature-major input into a feature-major output row (inference).</summary>
    public static void Forward<T>(NeuralNetwork<T> network, ReadOnlyMatrixSpan<T> input, Matrix<T> buffer0, Matrix<T> buffer1, MatrixSpan<T> output, int stride, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var architecture = network.Architecture;
        var last = architecture.LayerCount - 1;
        var columns = input.Columns;
        var current = input;
        for (var l = 0; l <= last; l++)
        {
            var layer = architecture[l];
            var destination = l == last ? output : View((l & 1) == 0 ? buffer0 : buffer1, layer.OutputDim, columns, stride);
            NarrowKernels.Forward(current, network.WeightsInternal(l), network.BiasInternal(l), layer.Activation, default, destination, path);
            current = destination;
        }
    }
}
