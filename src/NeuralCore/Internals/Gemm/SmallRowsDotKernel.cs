using System.Numerics;
using System.Runtime.CompilerServices;

using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// The few-rows kernel for a transposed op(B) (B stored [N, K], the <c>X·Wᵀ</c> of a W[out, in] layer):
/// <c>TRows × TOutputs</c> dot products along k, where both op(A) rows and B rows are contiguous.
/// </summary>
/// <remarks>
/// <code>
///   A row r:  [a ........................ K]       loaded once per k step, reused by every output
///   B row j:  [b ........................ K]  ► acc(r, j) += a_r · b_j   (vectors along k)
///   C(r, j) = Σ lanes acc(r, j)  (+ the scalar k tail when the width has no masked moves)
/// </code>
/// Up to 4 × 4 accumulators, each an independent chain; the horizontal sums and the store phase run once per
/// output. Each output is one chain over k in vector steps whatever group, tail or thread computes it, so
/// results do not depend on the partition. op(A) must be contiguous along k (the driver checks).
/// </remarks>
internal static class SmallRowsDotKernel
{
    /// <summary>Computes C(r, j) for r &lt; TRows and j in [<paramref name="column"/>, <paramref name="column"/> + TOutputs), with the store phase.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Run<T, TVector, TSimd, TRows, TOutputs>(ref GemmProblem<T> problem, int column)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TRows : struct, IConstant
        where TOutputs : struct, IConstant
    {
        nint width = TSimd.Count;
        var k = (nint)problem.K;
        var aRow = problem.ARowStride;
        var bRow = problem.BStride;
        // Rows past TRows / TOutputs alias row 0 (never read), so no reference points outside the views.
        ref var a0 = ref problem.A;
        ref var a1 = ref TRows.Value > 1 ? ref Unsafe.Add(ref a0, aRow) : ref a0;
        ref var a2 = ref TRows.Value > 2 ? ref Unsafe.Add(ref a0, 2 * aRow) : ref a0;
        ref var a3 = ref TRows.Value > 3 ? ref Unsafe.Add(ref a0, 3 * aRow) : ref a0;
        ref var b0 = ref Unsafe.Add(ref problem.B, column * bRow);
        ref var b1 = ref TOutputs.Value > 1 ? ref Unsafe.Add(ref b0, bRow) : ref b0;
        ref var b2 = ref TOutputs.Value > 2 ? ref Unsafe.Add(ref b0, 2 * bRow) : ref b0;
        ref var b3 = ref TOutputs.Value > 3 ? ref Unsafe.Add(ref b0, 3 * bRow) : ref b0;
        TVector c00 = TSimd.Zero, c01 = TSimd.Zero, c02 = TSimd.Zero, c03 = TSimd.Zero;
        TVector c10 = TSimd.Zero, c11 = TSimd.Zero, c12 = TSimd.Zero, c13 = TSimd.Zero;
        TVector c20 = TSimd.Zero, c21 = TSimd.Zero, c22 = TSimd.Zero, c23 = TSimd.Zero;
        TVector c30 = TSimd.Zero, c31 = TSimd.Zero, c32 = TSimd.Zero, c33 = TSimd.Zero;

        nint p = 0;
        for (; p <= k - width; p += width)
        {
            var x0 = TSimd.Load(ref Unsafe.Add(ref a0, p));
            var x1 = TRows.Value > 1 ? TSimd.Load(ref Unsafe.Add(ref a1, p)) : default;
            var x2 = TRows.Value > 2 ? TSimd.Load(ref Unsafe.Add(ref a2, p)) : default;
            var x3 = TRows.Value > 3 ? TSimd.Load(ref Unsafe.Add(ref a3, p)) : default;
            SmallRowsKernel.Column<T, TVector, TSimd, TRows>(TSimd.Load(ref Unsafe.Add(ref b0, p)), x0, x1, x2, x3, ref c00, ref c10, ref c20, ref c30);
            if (TOutputs.Value > 1)
            {
                SmallRowsKernel.Column<T, TVector, TSimd, TRows>(TSimd.Load(ref Unsafe.Add(ref b1, p)), x0, x1, x2, x3, ref c01, ref c11, ref c21, ref c31);
            }

            if (TOutputs.Value > 2)
            {
                SmallRowsKernel.Column<T, TVector, TSimd, TRows>(TSimd.Load(ref Unsafe.Add(ref b2, p)), x0, x1, x2, x3, ref c02, ref c12, ref c22, ref c32);
            }

            if (TOutputs.Value > 3)
            {
                SmallRowsKernel.Column<T, TVector, TSimd, TRows>(TSimd.Load(ref Unsafe.Add(ref b3, p)), x0, x1, x2, x3, ref c03, ref c13, ref c23, ref c33);
            }
        }

        var tail = (int)(k - p);
        var maskedTail = tail > 0 && TSimd.HasMaskedMemory;
        if (maskedTail)
        {
            // Masked lanes load as zero in both operands, so they add nothing; nothing past K is touched.
            var x0 = TSimd.LoadPartial(ref Unsafe.Add(ref a0, p), tail);
            var x1 = TRows.Value > 1 ? TSimd.LoadPartial(ref Unsafe.Add(ref a1, p), tail) : default;
            var x2 = TRows.Value > 2 ? TSimd.LoadPartial(ref Unsafe.Add(ref a2, p), tail) : default;
            var x3 = TRows.Value > 3 ? TSimd.LoadPartial(ref Unsafe.Add(ref a3, p), tail) : default;
            SmallRowsKernel.Column<T, TVector, TSimd, TRows>(TSimd.LoadPartial(ref Unsafe.Add(ref b0, p), tail), x0, x1, x2, x3, ref c00, ref c10, ref c20, ref c30);
            if (TOutputs.Value > 1)
            {
                SmallRowsKernel.Column<T, TVector, TSimd, TRows>(TSimd.LoadPartial(ref Unsafe.Add(ref b1, p), tail), x0, x1, x2, x3, ref c01, ref c11, ref c21, ref c31);
            }

            if (TOutputs.Value > 2)
            {
                SmallRowsKernel.Column<T, TVector, TSimd, TRows>(TSimd.LoadPartial(ref Unsafe.Add(ref b2, p), tail), x0, x1, x2, x3, ref c02, ref c12, ref c22, ref c32);
            }

            if (TOutputs.Value > 3)
            {
                SmallRowsKernel.Column<T, TVector, TSimd, TRows>(TSimd.LoadPartial(ref Unsafe.Add(ref b3, p), tail), x0, x1, x2, x3, ref c03, ref c13, ref c23, ref c33);
            }
        }

        // Horizontal sums, a row's four outputs at once (Sum4), into a 4 × 4 scratch tile (row r, output j at [4r + j]);
        // the vector accumulators are dead after this, so the scalar tail and the store phase below run with no vector
        // state live.
        Span<T> sums = stackalloc T[16];
        TSimd.Sum4(c00, c01, c02, c03, ref sums[0]);
        if (TRows.Value > 1)
        {
            TSimd.Sum4(c10, c11, c12, c13, ref sums[4]);
        }

        if (TRows.Value > 2)
        {
            TSimd.Sum4(c20, c21, c22, c23, ref sums[8]);
        }

        if (TRows.Value > 3)
        {
            TSimd.Sum4(c30, c31, c32, c33, ref sums[12]);
        }

        for (var r = 0; r < TRows.Value; r++)
        {
            ref var aR = ref Unsafe.Add(ref a0, r * aRow);
            for (var j = 0; j < TOutputs.Value; j++)
            {
                var sum = sums[(4 * r) + j];
                if (tail > 0 && !maskedTail)
                {
                    // No masked moves (x86 without AVX, Arm64, the scalar path): the last K mod Count terms one by one, after the lane sum.
                    ref var bJ = ref Unsafe.Add(ref b0, j * bRow);
                    for (var q = p; q < k; q++)
                    {
                        sum = (Unsafe.Add(ref aR, q) * Unsafe.Add(ref bJ, q)) + sum;
                    }
                }

                SmallRows<T, TVector, TSimd>.StoreScalar(ref problem, r, column + j, sum);
            }
        }
    }
}
