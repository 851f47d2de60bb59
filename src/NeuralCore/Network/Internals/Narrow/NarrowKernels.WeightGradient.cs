using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

// The weight- and bias-gradient pass (BP3, BP4).
internal static partial class NarrowKernels
{
    /// <summary><c>dW_int[i, o] = Σ_j δ[o, j]·A_prev[i, j]</c> and <c>db[o] = Σ_j δ[o, j]</c> (the 1/m is inside δ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> weightGradient, Span<T> biasGradient, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(delta.Columns == previousActivation.Columns && weightGradient.Rows == previousActivation.Rows && weightGradient.Columns == delta.Rows);
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            WeightGradient<T, Vector512<T>, Simd512<T>>(delta, previousActivation, weightGradient, biasGradient);
        }
        else if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            WeightGradient<T, Vector256<T>, Simd256<T>>(delta, previousActivation, weightGradient, biasGradient);
        }
        else if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            WeightGradient<T, Vector128<T>, Simd128<T>>(delta, previousActivation, weightGradient, biasGradient);
        }
        else if (path == KernelPath.Reference)
        {
            NarrowKernelsReference.WeightGradient(delta, previousActivation, weightGradient, biasGradient);
        }
        else
        {
            WeightGradient<T, T, SimdScalar<T>>(delta, previousActivation, weightGradient, biasGradient);
        }
    }

    // Everything below the width ladder is AggressiveOptimization as well: a tile the JIT declines to inline (the
    // 4×4 dW tile is too big for its budget) would otherwise start as Tier-0 code, ~10× slower, and a 10 000-epoch
    // Fit of ~50 ms ends before tiering promotes it (figures in the network results file).
    // dW and db in register tiles of 4 (then 2, 1) outputs × 4 (then 2, 1) inputs: per column vector, 8 loads feed
    // 16 independent FMA chains (the untiled loop reloaded δ for every input and A for every output), and the bias
    // sums ride along in the first input tile, so δ is read once for both. Each weight sums its lanes in column order;
    // the partial last vector is one more step through the same body over zero-padded rows (masked loads where the
    // width has them, a copy into a zeroed register otherwise), and a 4-output tile reduces four registers at once
    // (Sum4: halves folded, then horizontal adds) while 1- and 2-output tiles use Sum. So a weight's last bits depend
    // on the width and on which tile it falls in (deterministically), unlike the forward and backward-data sums. The
    // tiling's measured gain is in benchmarks/results/AMD-EPYC-Zen5-network.md ("Figures moved from code comments").
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradient<T, TVector, TSimd>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> weightGradient, Span<T> biasGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        var outputs = delta.Rows;
        var o = 0;
        for (; o <= outputs - 4; o += 4)
        {
            WeightGradientRows<T, TVector, TSimd, Int4>(delta, previousActivation, weightGradient, biasGradient, o);
        }

        if (o <= outputs - 2)
        {
            WeightGradientRows<T, TVector, TSimd, Int2>(delta, previousActivation, weightGradient, biasGradient, o);
            o += 2;
        }

        if (o < outputs)
        {
            WeightGradientRows<T, TVector, TSimd, Int1>(delta, previousActivation, weightGradient, biasGradient, o);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientRows<T, TVector, TSimd, TOutputs>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> weightGradient, Span<T> biasGradient, int o)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOutputs : IConstant
    {
        var inputs = previousActivation.Rows;
        var i = 0;
        for (; i <= inputs - 4; i += 4)
        {
            WeightGradientTile<T, TVector, TSimd, TOutputs, Int4>(delta, previousActivation, weightGradient, biasGradient, o, i);
        }

        if (i <= inputs - 2)
        {
            WeightGradientTile<T, TVector, TSimd, TOutputs, Int2>(delta, previousActivation, weightGradient, biasGradient, o, i);
            i += 2;
        }

        if (i < inputs)
        {
            WeightGradientTile<T, TVector, TSimd, TOutputs, Int1>(delta, previousActivation, weightGradient, biasGradient, o, i);
        }
    }

    /// <summary>dW_int[i.., o..] for a TInputs × TOutputs tile; the tile at i = 0 also writes db[o..].</summary>
    /// <remarks>
    /// The columns past the last whole vector (900 = 56·16 + 4 for the moons batch) take one more trip through the
    /// same loop body, reading zero-padded copies of the tile's rows (<see cref="WeightGradientTailRows{TVector}"/>):
    /// absent lanes add exact zeros, so no column is summed in scalar code and the body exists once (a second inlined
    /// copy overflowed the JIT's inlining budget, and the copy it then called ran at Tier 0: 11 µs moons epochs).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile<T, TVector, TSimd, TOutputs, TInputs>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> weightGradient, Span<T> biasGradient, int o, int i)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOutputs : IConstant
        where TInputs : IConstant
    {
        var columns = delta.Columns;
        var tail = columns % TSimd.Count;
        var end = (nuint)(columns - tail);
        var withBias = i == 0;
        Unsafe.SkipInit(out WeightGradientTailRows<TVector> tailRows);
        scoped ref var d = ref delta.DangerousGetReferenceAt(o, 0);
        scoped ref var a = ref previousActivation.DangerousGetReferenceAt(i, 0);
        var dStride = (nuint)delta.Stride;
        var aStride = (nuint)previousActivation.Stride;

        // s{output}{input}; b{output} the bias sums.
        TVector s00 = TSimd.Zero, s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        TVector s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        TVector b0 = s00, b1 = s00, b2 = s00, b3 = s00;
        nuint j = 0;
        while (true)
        {
            for (; j < end; j += (nuint)TSimd.Count)
            {
                var d0 = TSimd.Load(ref d, j);
                var d1 = TOutputs.Value > 1 ? TSimd.Load(ref d, dStride + j) : d0;
                var d2 = TOutputs.Value > 2 ? TSimd.Load(ref d, (2 * dStride) + j) : d0;
                var d3 = TOutputs.Value > 2 ? TSimd.Load(ref d, (3 * dStride) + j) : d0;
                if (withBias)
                {
                    b0 = TSimd.Add(b0, d0);
                    if (TOutputs.Value > 1)
                    {
                        b1 = TSimd.Add(b1, d1);
                    }

                    if (TOutputs.Value > 2)
                    {
                        b2 = TSimd.Add(b2, d2);
                        b3 = TSimd.Add(b3, d3);
                    }
                }

                var a0 = TSimd.Load(ref a, j);
                s00 = TSimd.FusedMultiplyAdd(d0, a0, s00);
                if (TOutputs.Value > 1)
                {
                    s10 = TSimd.FusedMultiplyAdd(d1, a0, s10);
                }

                if (TOutputs.Value > 2)
                {
                    s20 = TSimd.FusedMultiplyAdd(d2, a0, s20);
                    s30 = TSimd.FusedMultiplyAdd(d3, a0, s30);
                }

                if (TInputs.Value > 1)
                {
                    var a1 = TSimd.Load(ref a, aStride + j);
                    s01 = TSimd.FusedMultiplyAdd(d0, a1, s01);
                    if (TOutputs.Value > 1)
                    {
                        s11 = TSimd.FusedMultiplyAdd(d1, a1, s11);
                    }

                    if (TOutputs.Value > 2)
                    {
                        s21 = TSimd.FusedMultiplyAdd(d2, a1, s21);
                        s31 = TSimd.FusedMultiplyAdd(d3, a1, s31);
                    }
                }

                if (TInputs.Value > 2)
                {
                    var a2 = TSimd.Load(ref a, (2 * aStride) + j);
                    var a3 = TSimd.Load(ref a, (3 * aStride) + j);
                    s02 = TSimd.FusedMultiplyAdd(d0, a2, s02);
                    s03 = TSimd.FusedMultiplyAdd(d0, a3, s03);
                    if (TOutputs.Value > 1)
                    {
                        s12 = TSimd.FusedMultiplyAdd(d1, a2, s12);
                        s13 = TSimd.FusedMultiplyAdd(d1, a3, s13);
                    }

                    if (TOutputs.Value > 2)
                    {
                        s22 = TSimd.FusedMultiplyAdd(d2, a2, s22);
                        s23 = TSimd.FusedMultiplyAdd(d2, a3, s23);
                        s32 = TSimd.FusedMultiplyAdd(d3, a2, s32);
                        s33 = TSimd.FusedMultiplyAdd(d3, a3, s33);
                    }
                }
            }

            if (tail == 0)
            {
                break;
            }

            // The tail: copy it into zero-padded rows and run the body once more over them.
            for (var r = 0; r < TOutputs.Value; r++)
            {
                tailRows[r] = LoadTail<T, TVector, TSimd>(ref Unsafe.Add(ref d, ((nuint)r * dStride) + end), tail);
            }

            for (var r = 0; r < TInputs.Value; r++)
            {
                tailRows[TOutputs.Value + r] = LoadTail<T, TVector, TSimd>(ref Unsafe.Add(ref a, ((nuint)r * aStride) + end), tail);
            }

            d = ref Unsafe.As<TVector, T>(ref tailRows[0]);
            a = ref Unsafe.As<TVector, T>(ref tailRows[TOutputs.Value]);
            dStride = aStride = (nuint)TSimd.Count;
            j = 0;
            end = (nuint)TSimd.Count;
            tail = 0;
        }

        if (TOutputs.Value > 2)
        {
            // Four outputs: their sums four at a time straight into the adjacent dW_int[i, o..o+3] and db[o..o+3].
            TSimd.Sum4(s00, s10, s20, s30, ref weightGradient.DangerousGetReferenceAt(i, o));
            if (TInputs.Value > 1)
            {
                TSimd.Sum4(s01, s11, s21, s31, ref weightGradient.DangerousGetReferenceAt(i + 1, o));
            }

            if (TInputs.Value > 2)
            {
                TSimd.Sum4(s02, s12, s22, s32, ref weightGradient.DangerousGetReferenceAt(i + 2, o));
                TSimd.Sum4(s03, s13, s23, s33, ref weightGradient.DangerousGetReferenceAt(i + 3, o));
            }

            if (withBias)
            {
                TSimd.Sum4(b0, b1, b2, b3, ref biasGradient[o]);
            }

            return;
        }

        StoreWeightGradientRow<T, TVector, TSimd, TInputs>(s00, s01, s02, s03, weightGradient, o, i);
        if (withBias)
        {
            biasGradient[o] = TSimd.Sum(b0);
        }

        if (TOutputs.Value > 1)
        {
            StoreWeightGradientRow<T, TVector, TSimd, TInputs>(s10, s11, s12, s13, weightGradient, o + 1, i);
            if (withBias)
            {
                biasGradient[o + 1] = TSimd.Sum(b1);
            }
        }
    }

    /// <summary>One output's TInputs lane sums into dW_int[i.., o].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWeightGradientRow<T, TVector, TSimd, TInputs>(TVector s0, TVector s1, TVector s2, TVector s3, MatrixSpan<T> weightGradient, int o, int i)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TInputs : IConstant
    {
        weightGradient.DangerousGetReferenceAt(i, o) = TSimd.Sum(s0);
        if (TInputs.Value > 1)
        {
            weightGradient.DangerousGetReferenceAt(i + 1, o) = TSimd.Sum(s1);
        }

        if (TInputs.Value > 2)
        {
            weightGradient.DangerousGetReferenceAt(i + 2, o) = TSimd.Sum(s2);
            weightGradient.DangerousGetReferenceAt(i + 3, o) = TSimd.Sum(s3);
        }
    }

    /// <summary>The first <paramref name="count"/> (&lt; Count) elements at <paramref name="source"/> in a register, the other lanes zero; nothing past them is read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LoadTail<T, TVector, TSimd>(ref T source, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        if (TSimd.HasMaskedMemory)
        {
            return TSimd.LoadPartial(ref source, count);
        }

        var lanes = TSimd.Zero;
        ref var lane = ref Unsafe.As<TVector, T>(ref lanes);
        for (var e = 0; e < count; e++)
        {
            Unsafe.Add(ref lane, e) = Unsafe.Add(ref source, e);
        }

        return lanes;
    }
}
