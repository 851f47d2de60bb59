using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>Copies a K-block × panel slice of op(B) into a contiguous, zero-padded buffer the micro-kernel streams.</summary>
/// <remarks>
/// <code>
///   packed[k·panelWidth + j] = op(B)(k0 + k, j0 + j)   for j &lt; columns
///   packed[k·panelWidth + j] = 0                       for columns ≤ j &lt; panelWidth
/// </code>
/// Zero padding lets the kernel run a full-width tile on an N tail without reading outside B.
/// </remarks>
internal static class Packing
{
    /// <summary>
    /// How far ahead a full-panel pack asks for the rows of B it will copy. Rows a page apart came from memory one
    /// miss at a time; 16, 32 and 64 rows ahead measured alike end to end (benchmarks/results/AMD-EPYC-Zen5-gemm.md,
    /// "Figures moved from code comments"). The driver also prefetches the next panel's
    /// rows during the current panel's tiles (<see cref="GemmDriver{T, TVector, TSimd}.Run"/>); this covers the first
    /// panel of each K block and rows that prefetch could not reach in time.
    /// </summary>
    public const int PrefetchDistance = 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T, TVector, TSimd>(ref GemmProblem<T> problem, int k0, int kBlock, int j0, int columns, int panelWidth, scoped Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
    {
        Debug.Assert(panelWidth % TSimd.Count == 0, "A panel is one or two whole vectors (GemmDriver.PanelWidth).");
        if (problem.BTransposed)
        {
            PackTransposed<T, TVector, TSimd>(ref problem, k0, kBlock, j0, columns, panelWidth, destination);
            return;
        }

        // Rows of op(B) are rows of B: register copies for a full panel (faster than span copies: see the gemm results
        // file), span copies for an N tail. A full panel is packed only when B's rows
        // are at least a page apart (GemmDriver.PackBStrideBytes), where no hardware prefetcher follows them, so each
        // row is asked for PrefetchDistance rows ahead (see there).
        var stride = problem.BStride;
        ref var packed = ref MemoryMarshal.GetReference(destination);
        if (columns == panelWidth)
        {
            var width = TSimd.Count;
            var rowBytes = (nint)panelWidth * Unsafe.SizeOf<T>();
            for (var k = 0; k < kBlock; k++)
            {
                ref var source = ref Unsafe.Add(ref problem.B, ((k0 + k) * stride) + j0);
                ref var target = ref Unsafe.Add(ref packed, k * panelWidth);
                if (k + PrefetchDistance < kBlock)
                {
                    // Only rows inside B: a managed ref past the end of an array must not exist even briefly.
                    Prefetch.ToL1(ref Unsafe.Add(ref source, PrefetchDistance * stride), rowBytes);
                }

                for (var j = 0; j < panelWidth; j += width)
                {
                    TSimd.Store(TSimd.Load(ref source, (nuint)j), ref target, (nuint)j);
                }
            }

            return;
        }

        for (var k = 0; k < kBlock; k++)
        {
            ref var source = ref Unsafe.Add(ref problem.B, ((k0 + k) * stride) + j0);
            var row = destination.Slice(k * panelWidth, panelWidth);
            MemoryMarshal.CreateReadOnlySpan(ref source, columns).CopyTo(row);
            row[columns..].Clear();
        }
    }

    /// <summary>Asks for rows [<paramref name="from"/>, <paramref name="to"/>) of a panel of B in place (its first <paramref name="columns"/> elements from <paramref name="first"/>, rows <paramref name="stride"/> apart) in L2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PrefetchPanel<T>(ref T first, nint stride, int from, int to, int columns)
    {
        var rowBytes = (nint)columns * Unsafe.SizeOf<T>();
        for (var k = from; k < to; k++)
        {
            Prefetch.ToL2(ref Unsafe.Add(ref first, k * stride), rowBytes);
        }
    }

    /// <summary>
    /// B is stored [N, K], so each panel column is a contiguous row of B. Square blocks of W × W (W = lanes per
    /// register) are loaded as W rows of B, transposed in registers and stored as W rows of the panel; the
    /// remaining k (fewer than W) are copied one element at a time.
    /// </summary>
    /// <remarks>
    /// <code>
    ///   B rows j0+h … j0+h+W−1, k … k+W−1      ─ transpose ─►   panel rows k … k+W−1, columns h … h+W−1
    /// </code>
    /// Panel columns past <paramref name="columns"/> (an N tail) are zero registers, never loads, so nothing
    /// outside B is read. The scalar element-at-a-time gather this replaces wrote each element to its own
    /// cache line and cost a third of the time of a 128 × 784 → 256 X·Wᵀ product.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed<T, TVector, TSimd>(ref GemmProblem<T> problem, int k0, int kBlock, int j0, int columns, int panelWidth, scoped Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
    {
        var stride = problem.BStride;
        var width = TSimd.Count;
        ref var packed = ref MemoryMarshal.GetReference(destination);
        for (var h = 0; h < panelWidth; h += width)
        {
            var valid = Math.Clamp(columns - h, 0, width);
            // A register of columns past the N tail (valid = 0) reads nothing; its rows of B need not exist, so its ref
            // stays on B's first row rather than pointing past the end of B.
            ref var rows = ref Unsafe.Add(ref problem.B, ((valid > 0 ? j0 + h : 0) * stride) + k0);
            var k = 0;
            for (; k + width <= kBlock; k += width)
            {
                RegisterTranspose.Block<T, TVector, TSimd>(ref Unsafe.Add(ref rows, k), stride, valid, ref Unsafe.Add(ref packed, (k * panelWidth) + h), panelWidth);
            }

            for (; k < kBlock; k++)
            {
                ref var target = ref Unsafe.Add(ref packed, (k * panelWidth) + h);
                for (var j = 0; j < width; j++)
                {
                    Unsafe.Add(ref target, j) = j < valid ? Unsafe.Add(ref rows, (j * stride) + k) : T.Zero;
                }
            }
        }
    }
}
