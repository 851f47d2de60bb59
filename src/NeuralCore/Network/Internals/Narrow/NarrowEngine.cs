using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// Which networks run on the narrow (feature-major) kernels, and the small layout helpers they share.
/// </summary>
/// <remarks>
/// Eligible: every layer at most <see cref="MaxWidth"/> wide, element-wise activations only (softmax runs along a
/// sample, i.e. down a feature-major column), and one output, so the output row [1, m] is also the row-major
/// column [m, 1] the public fused losses take. That covers the tutorial networks (2-4-6-6-4-1, 2-10-1, 1-1), whose
/// budget is per-call overhead, not FLOPs (docs/design.md, the narrow engine). Wider layers are GEMM territory.
/// </remarks>
internal static class NarrowEngine
{
    /// <summary>Above this width the GEMM kernels win (benchmarks/results/AMD-EPYC-Zen5-network.md, "Figures moved from code comments").</summary>
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
    /// <remarks>
    /// The two-moons data (a contiguous [m, 2]) de-interleaves 2·Count elements per step with two
    /// in-register permutes; everything else is a scalar copy with the addressing hoisted (the per-element
    /// <c>DangerousGetReferenceAt</c> loop cost ~1.3 µs for the 900×2 moons batch, a quarter of the forward pass).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToFeatureMajor<T>(ReadOnlyMatrixSpan<T> rows, MatrixSpan<T> featureMajor, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = rows.Rows;
        var n = rows.Columns;
        if (m == 0 || n == 0)
        {
            return;
        }

        ref var source = ref rows.DangerousGetReferenceAt(0, 0);
        ref var destination = ref featureMajor.DangerousGetReferenceAt(0, 0);
        var stride = (nint)rows.Stride;
        var featureStride = (nint)featureMajor.Stride;
        var r = 0;
        if (n == 2 && stride == 2 && path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            r = DeinterleavePairs(ref source, ref destination, ref Unsafe.Add(ref destination, featureStride), m);
        }

        for (; r < m; r++)
        {
            ref var row = ref Unsafe.Add(ref source, r * stride);
            for (nint c = 0; c < n; c++)
            {
                Unsafe.Add(ref destination, (c * featureStride) + r) = Unsafe.Add(ref row, c);
            }
        }
    }

    /// <summary>[m, 2] interleaved pairs → two rows; returns how many samples it did (whole vectors only).</summary>
    /// <remarks>Optimised from the first call: at Tier 0 the shuffle's index vector is not a constant and the permute becomes a software loop.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DeinterleavePairs<T>(ref T source, ref T first, ref T second, int m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // One permute per loaded vector puts its even elements in the lower half and its odd ones in the upper half;
        // the halves of two vectors then make Count samples of each feature.
        var count = Vector512<T>.Count;
        var r = 0;
        if (typeof(T) == typeof(float))
        {
            var evenOdd = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
            for (; r <= m - count; r += count)
            {
                var v0 = Vector512.Shuffle(Vector512.LoadUnsafe(ref source, (nuint)(2 * r)).AsSingle(), evenOdd);
                var v1 = Vector512.Shuffle(Vector512.LoadUnsafe(ref source, (nuint)((2 * r) + count)).AsSingle(), evenOdd);
                Vector512.Create(v0.GetLower(), v1.GetLower()).As<float, T>().StoreUnsafe(ref first, (nuint)r);
                Vector512.Create(v0.GetUpper(), v1.GetUpper()).As<float, T>().StoreUnsafe(ref second, (nuint)r);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            var evenOdd = Vector512.Create(0L, 2, 4, 6, 1, 3, 5, 7);
            for (; r <= m - count; r += count)
            {
                var v0 = Vector512.Shuffle(Vector512.LoadUnsafe(ref source, (nuint)(2 * r)).AsDouble(), evenOdd);
                var v1 = Vector512.Shuffle(Vector512.LoadUnsafe(ref source, (nuint)((2 * r) + count)).AsDouble(), evenOdd);
                Vector512.Create(v0.GetLower(), v1.GetLower()).As<double, T>().StoreUnsafe(ref first, (nuint)r);
                Vector512.Create(v0.GetUpper(), v1.GetUpper()).As<double, T>().StoreUnsafe(ref second, (nuint)r);
            }
        }

        return r;
    }

    /// <summary>
    /// A row-major column [m, 1] seen as the feature-major row [1, m] over the same memory when its elements are
    /// adjacent (stride 1), so the last layer writes the caller's output directly; otherwise empty.
    /// </summary>
    public static MatrixSpan<T> AsRow<T>(MatrixSpan<T> column)
        where T : unmanaged =>
        column.Columns == 1 && column.IsContiguous && column.Rows > 0
            ? new MatrixSpan<T>(ref column.DangerousGetReferenceAt(0, 0), 1, column.Rows, column.Rows)
            : default;

    /// <summary>The first feature-major row of <paramref name="buffer"/> seen as a row-major column [m, 1].</summary>
    public static MatrixSpan<T> Column<T>(Matrix<T> buffer, int rows)
        where T : unmanaged => View(buffer, rows, 1, 1);

    /// <summary>A feature-major [features, m] view over <paramref name="buffer"/> with batch stride <paramref name="stride"/>.</summary>
    /// <remarks>
    /// Unchecked (the trainer sized the buffers for its capacity): a training step builds a few dozen views, and the
    /// validating constructor is a call each (~0.1 µs per moons epoch).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MatrixSpan<T> View<T>(Matrix<T> buffer, int features, int columns, int stride)
        where T : unmanaged
    {
        var storage = buffer.DangerousGetStorage();
        Debug.Assert(features == 0 || columns == 0 || ((features - 1) * stride) + columns <= storage.Length);
        return new(ref MemoryMarshal.GetReference(storage), features, columns, stride);
    }

    /// <summary>The columns [<paramref name="start"/>, <paramref name="start"/> + <paramref name="columns"/>) of <paramref name="view"/>, unchecked (see <see cref="View"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlyMatrixSpan<T> SliceColumnsUnchecked<T>(ReadOnlyMatrixSpan<T> view, int start, int columns)
        where T : unmanaged
    {
        Debug.Assert(start >= 0 && start + columns <= view.Columns && view.Rows > 0);
        return new(ref view.DangerousGetReferenceAt(0, start), view.Rows, columns, view.Stride);
    }

    /// <summary>
    /// <paramref name="view"/> with <paramref name="columns"/> columns over the same rows and stride, unchecked: a
    /// training step narrows a dozen views between the padded batch and the real samples (see <see cref="View"/>).
    /// Widening is the caller's promise that every row has the room (the trainer's <c>Padded</c> checks it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlyMatrixSpan<T> WithColumns<T>(ReadOnlyMatrixSpan<T> view, int columns)
        where T : unmanaged
    {
        Debug.Assert(columns >= 0 && (columns <= view.Columns || columns <= view.Stride));
        return columns == view.Columns || view.Rows == 0 ? view : new(ref view.DangerousGetReferenceAt(0, 0), view.Rows, columns, view.Stride);
    }

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
