using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(ref GemmProblem<T> problem, int k0, int kBlock, int j0, int columns, int panelWidth, scoped Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var stride = problem.BStride;
        ref var packed = ref MemoryMarshal.GetReference(destination);
        if (!problem.BTransposed)
        {
            // Rows of op(B) are rows of B: straight (vectorised) row copies.
            for (var k = 0; k < kBlock; k++)
            {
                ref var source = ref Unsafe.Add(ref problem.B, ((k0 + k) * stride) + j0);
                var row = destination.Slice(k * panelWidth, panelWidth);
                MemoryMarshal.CreateReadOnlySpan(ref source, columns).CopyTo(row);
                row[columns..].Clear();
            }

            return;
        }

        // B is stored [N, K]: read each of its rows (one column of op(B)) contiguously, write with the panel stride.
        for (var j = 0; j < columns; j++)
        {
            ref var source = ref Unsafe.Add(ref problem.B, ((j0 + j) * stride) + k0);
            ref var column = ref Unsafe.Add(ref packed, j);
            for (var k = 0; k < kBlock; k++)
            {
                Unsafe.Add(ref column, k * panelWidth) = Unsafe.Add(ref source, k);
            }
        }

        for (var k = 0; k < kBlock; k++)
        {
            for (var j = columns; j < panelWidth; j++)
            {
                Unsafe.Add(ref packed, (k * panelWidth) + j) = T.Zero;
            }
        }
    }
}
