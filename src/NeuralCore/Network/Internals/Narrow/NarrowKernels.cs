using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// Fused kernels for narrow layers in the feature-major layout, SIMD lanes along the batch (performance-research.md §4):
/// activations are [features, batch] with the batch contiguous, so a 2→4 layer is 8 broadcast-FMAs per 16 samples
/// instead of a 4-wide GEMM row per sample. One call per layer and pass: the bias, the activation and its derivative
/// are fused, and nothing is validated here (the trainer and predictor validate once at their public edge).
/// </summary>
/// <remarks>
/// Weights are read from the network's W_int[in, out] (scalars broadcast), so both engines share one parameter layout.
/// Every width does <c>a·b + c</c> as one fused multiply-add (half the arithmetic of multiply-then-add; the epoch is
/// arithmetic-bound once the calls are fused), in the reference's order, so all non-reference paths agree bit for bit
/// on the linear part of the forward and backward-data passes and differ from the plain-arithmetic reference by at
/// most one rounding per term. The dW/db sums run across SIMD lanes, so their order depends on the width (see
/// <see cref="WeightGradient{T}"/>'s tiles).
/// </remarks>
internal static partial class NarrowKernels
{
    /// <summary><c>Z[o, j] = b[o] + Σ_i W_int[i, o]·X[i, j]</c>, <c>A = f(Z)</c>; Z stored only when <paramref name="z"/> is not empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, Activation activation, MatrixSpan<T> z, MatrixSpan<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(input.Columns == a.Columns && weights.Rows == input.Rows && weights.Columns == a.Rows && bias.Length == a.Rows);
        if (path == KernelPath.Reference)
        {
            NarrowKernelsReference.Forward(input, weights, bias, activation, z, a);
            return;
        }

        var visitor = new ForwardVisitor<T>(input, weights, bias, z, a, path);
        ActivationDispatch.Dispatch<T, ForwardVisitor<T>>(activation, ref visitor);
    }

    /// <summary>
    /// <c>δ_prev[i, j] = f′(Z_prev[i, j]) · Σ_o W_int[i, o]·δ[o, j]</c>, f′ from A_prev (or from Z_prev, for the
    /// activations that need it; empty otherwise); with <see cref="Activation.Linear"/> and empty views it is the plain
    /// product (the gradient with respect to the input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardData<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, Activation previous, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(delta.Columns == previousDelta.Columns && weights.Rows == previousDelta.Rows && weights.Columns == delta.Rows);
        if (path == KernelPath.Reference)
        {
            NarrowKernelsReference.BackwardData(delta, weights, previous, previousZ, previousActivation, previousDelta);
            return;
        }

        var visitor = new BackwardDataVisitor<T>(delta, weights, previousZ, previousActivation, previousDelta, path);
        ActivationDispatch.Dispatch<T, BackwardDataVisitor<T>>(previous, ref visitor);
    }

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

    // The width ladder, once per kernel: each rung takes the columns it can fill (a rung with no whole vector left is
    // not called: single-sample inference goes straight to the scalar rung), the scalar rung the rest. The dispatchers
    // are AggressiveOptimization too: they run once per layer per step, and at Tier 0 in a fresh process.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<T, TOperator>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, T parameter, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivationOperator<T>
    {
        var j = 0;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated && a.Columns - j >= Vector512<T>.Count)
        {
            j = ForwardColumns<T, Vector512<T>, Simd512<T>, TOperator>(input, weights, bias, z, a, parameter, j);
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated && a.Columns - j >= Vector256<T>.Count)
        {
            j = ForwardColumns<T, Vector256<T>, Simd256<T>, TOperator>(input, weights, bias, z, a, parameter, j);
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated && a.Columns - j >= Vector128<T>.Count)
        {
            j = ForwardColumns<T, Vector128<T>, Simd128<T>, TOperator>(input, weights, bias, z, a, parameter, j);
        }

        if (j < a.Columns)
        {
            ForwardColumns<T, T, SimdScalar<T>, TOperator>(input, weights, bias, z, a, parameter, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardData<T, TOperator>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivationOperator<T>
    {
        var j = 0;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated && previousDelta.Columns - j >= Vector512<T>.Count)
        {
            j = BackwardColumns<T, Vector512<T>, Simd512<T>, TOperator>(delta, weights, previousZ, previousActivation, parameter, previousDelta, j);
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated && previousDelta.Columns - j >= Vector256<T>.Count)
        {
            j = BackwardColumns<T, Vector256<T>, Simd256<T>, TOperator>(delta, weights, previousZ, previousActivation, parameter, previousDelta, j);
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated && previousDelta.Columns - j >= Vector128<T>.Count)
        {
            j = BackwardColumns<T, Vector128<T>, Simd128<T>, TOperator>(delta, weights, previousZ, previousActivation, parameter, previousDelta, j);
        }

        if (j < previousDelta.Columns)
        {
            BackwardColumns<T, T, SimdScalar<T>, TOperator>(delta, weights, previousZ, previousActivation, parameter, previousDelta, j);
        }
    }

    // Register tiles: forward and backward-data take 4 (then 2, then 1) rows × 2 (then 1) column vectors per pass, so
    // a pass carries up to 8 independent FMA chains (the FMA latency is 4 cycles at 2 per cycle: fewer chains are
    // latency-bound; measured 1.2–1.5 µs for a 6×6×900 layer with 4 chains, most of it waiting), each input (resp. δ)
    // vector is loaded once for 4 rows and each weight once for 2 vectors. Every element still sums its terms in the
    // reference's order (bias first, then i = 0, 1, …), so the tiling changes no result.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ForwardColumns<T, TVector, TSimd, TOperator>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, T parameter, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
    {
        var start = j;
        var end = start + ((a.Columns - start) / TSimd.Count * TSimd.Count);
        var storeZ = !z.IsEmpty;
        var full = a.Rows - (a.Rows % 4);
        if (full > 0)
        {
            for (j = start; j <= end - (2 * TSimd.Count); j += 2 * TSimd.Count)
            {
                ForwardRows<T, TVector, TSimd, TOperator, Int2>(input, weights, bias, z, a, parameter, full, (nuint)j, storeZ);
            }

            for (; j < end; j += TSimd.Count)
            {
                ForwardRows<T, TVector, TSimd, TOperator, Int1>(input, weights, bias, z, a, parameter, full, (nuint)j, storeZ);
            }
        }

        // The last 1–3 rows (a one-output layer, every narrow net's last, has nothing else) take four column vectors
        // per tile instead of two, so a 2-row tile still carries 8 independent chains and a 1-row tile 4 (four output
        // sigmoids overlap): 6-wide layers ran their 2-row remainder at half the FMA rate.
        if (a.Rows - full >= 2)
        {
            ForwardWideRows<T, TVector, TSimd, TOperator, Int2>(input, weights, bias, z, a, parameter, full, start, end, storeZ);
            full += 2;
        }

        if (a.Rows - full >= 1)
        {
            ForwardWideRows<T, TVector, TSimd, TOperator, Int1>(input, weights, bias, z, a, parameter, full, start, end, storeZ);
        }

        return end;
    }

    /// <summary>Rows [o, o + TRows) over column vectors [start, end): four vectors per tile, then two, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardWideRows<T, TVector, TSimd, TOperator, TRows>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, T parameter, int o, int start, int end, bool storeZ)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TRows : IConstant
    {
        var j = start;
        for (; j <= end - (4 * TSimd.Count); j += 4 * TSimd.Count)
        {
            ForwardWideTile<T, TVector, TSimd, TOperator, TRows>(input, weights, bias, z, a, parameter, o, (nuint)j, storeZ);
        }

        for (; j <= end - (2 * TSimd.Count); j += 2 * TSimd.Count)
        {
            ForwardTile<T, TVector, TSimd, TOperator, TRows, Int2>(input, weights, bias, z, a, parameter, o, (nuint)j, storeZ);
        }

        for (; j < end; j += TSimd.Count)
        {
            ForwardTile<T, TVector, TSimd, TOperator, TRows, Int1>(input, weights, bias, z, a, parameter, o, (nuint)j, storeZ);
        }
    }

    /// <summary>Rows [o, o + TRows) (TRows ≤ 2) × column vectors [j, j + 4·Count) of <c>A = f(b + Wᵀ·X)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardWideTile<T, TVector, TSimd, TOperator, TRows>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, T parameter, int o, nuint j, bool storeZ)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TRows : IConstant
    {
        Debug.Assert(TRows.Value <= 2);
        var count = (nuint)TSimd.Count;
        ref var b = ref Unsafe.Add(ref MemoryMarshal.GetReference(bias), o);
        TVector s00 = TSimd.Broadcast(b), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        if (TRows.Value > 1)
        {
            s10 = s11 = s12 = s13 = TSimd.Broadcast(Unsafe.Add(ref b, 1));
        }

        ref var x = ref input.DangerousGetReferenceAt(0, 0);
        ref var w = ref weights.DangerousGetReferenceAt(0, o);
        var xStride = (nuint)input.Stride;
        var wStride = (nuint)weights.Stride;
        nuint xi = 0, wi = 0;
        for (var i = 0; i < input.Rows; i++, xi += xStride, wi += wStride)
        {
            var x0 = TSimd.Load(ref x, xi + j);
            var x1 = TSimd.Load(ref x, xi + j + count);
            var x2 = TSimd.Load(ref x, xi + j + (2 * count));
            var x3 = TSimd.Load(ref x, xi + j + (3 * count));
            var w0 = TSimd.Broadcast(Unsafe.Add(ref w, wi));
            s00 = TSimd.FusedMultiplyAdd(w0, x0, s00);
            s01 = TSimd.FusedMultiplyAdd(w0, x1, s01);
            s02 = TSimd.FusedMultiplyAdd(w0, x2, s02);
            s03 = TSimd.FusedMultiplyAdd(w0, x3, s03);
            if (TRows.Value > 1)
            {
                var w1 = TSimd.Broadcast(Unsafe.Add(ref w, wi + 1));
                s10 = TSimd.FusedMultiplyAdd(w1, x0, s10);
                s11 = TSimd.FusedMultiplyAdd(w1, x1, s11);
                s12 = TSimd.FusedMultiplyAdd(w1, x2, s12);
                s13 = TSimd.FusedMultiplyAdd(w1, x3, s13);
            }
        }

        StoreForward<T, TVector, TSimd, TOperator, Int2>(s00, s01, z, a, parameter, o, j, storeZ);
        StoreForward<T, TVector, TSimd, TOperator, Int2>(s02, s03, z, a, parameter, o, j + (2 * count), storeZ);
        if (TRows.Value > 1)
        {
            StoreForward<T, TVector, TSimd, TOperator, Int2>(s10, s11, z, a, parameter, o + 1, j, storeZ);
            StoreForward<T, TVector, TSimd, TOperator, Int2>(s12, s13, z, a, parameter, o + 1, j + (2 * count), storeZ);
        }
    }

    /// <summary>The 4-row tiles of rows [0, full) × column vectors [j, j + TColumns·Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows<T, TVector, TSimd, TOperator, TColumns>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, T parameter, int full, nuint j, bool storeZ)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TColumns : IConstant
    {
        for (var o = 0; o < full; o += 4)
        {
            ForwardTile<T, TVector, TSimd, TOperator, Int4, TColumns>(input, weights, bias, z, a, parameter, o, j, storeZ);
        }
    }

    /// <summary>Rows [o, o + TRows) × column vectors [j, j + TColumns·Count) of <c>A = f(b + Wᵀ·X)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile<T, TVector, TSimd, TOperator, TRows, TColumns>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, T parameter, int o, nuint j, bool storeZ)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TRows : IConstant
        where TColumns : IConstant
    {
        var j1 = j + (nuint)TSimd.Count;
        ref var b = ref Unsafe.Add(ref MemoryMarshal.GetReference(bias), o);
        TVector s00 = TSimd.Broadcast(b), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        if (TRows.Value > 1)
        {
            s10 = s11 = TSimd.Broadcast(Unsafe.Add(ref b, 1));
        }

        if (TRows.Value > 2)
        {
            s20 = s21 = TSimd.Broadcast(Unsafe.Add(ref b, 2));
            s30 = s31 = TSimd.Broadcast(Unsafe.Add(ref b, 3));
        }

        ref var x = ref input.DangerousGetReferenceAt(0, 0);
        ref var w = ref weights.DangerousGetReferenceAt(0, o);
        var xStride = (nuint)input.Stride;
        var wStride = (nuint)weights.Stride;
        nuint xi = 0, wi = 0;
        for (var i = 0; i < input.Rows; i++, xi += xStride, wi += wStride)
        {
            var x0 = TSimd.Load(ref x, xi + j);
            var x1 = TColumns.Value > 1 ? TSimd.Load(ref x, xi + j1) : x0;
            var w0 = TSimd.Broadcast(Unsafe.Add(ref w, wi));
            s00 = TSimd.FusedMultiplyAdd(w0, x0, s00);
            if (TColumns.Value > 1)
            {
                s01 = TSimd.FusedMultiplyAdd(w0, x1, s01);
            }

            if (TRows.Value > 1)
            {
                var w1 = TSimd.Broadcast(Unsafe.Add(ref w, wi + 1));
                s10 = TSimd.FusedMultiplyAdd(w1, x0, s10);
                if (TColumns.Value > 1)
                {
                    s11 = TSimd.FusedMultiplyAdd(w1, x1, s11);
                }
            }

            if (TRows.Value > 2)
            {
                var w2 = TSimd.Broadcast(Unsafe.Add(ref w, wi + 2));
                var w3 = TSimd.Broadcast(Unsafe.Add(ref w, wi + 3));
                s20 = TSimd.FusedMultiplyAdd(w2, x0, s20);
                s30 = TSimd.FusedMultiplyAdd(w3, x0, s30);
                if (TColumns.Value > 1)
                {
                    s21 = TSimd.FusedMultiplyAdd(w2, x1, s21);
                    s31 = TSimd.FusedMultiplyAdd(w3, x1, s31);
                }
            }
        }

        StoreForward<T, TVector, TSimd, TOperator, TColumns>(s00, s01, z, a, parameter, o, j, storeZ);
        if (TRows.Value > 1)
        {
            StoreForward<T, TVector, TSimd, TOperator, TColumns>(s10, s11, z, a, parameter, o + 1, j, storeZ);
        }

        if (TRows.Value > 2)
        {
            StoreForward<T, TVector, TSimd, TOperator, TColumns>(s20, s21, z, a, parameter, o + 2, j, storeZ);
            StoreForward<T, TVector, TSimd, TOperator, TColumns>(s30, s31, z, a, parameter, o + 3, j, storeZ);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreForward<T, TVector, TSimd, TOperator, TColumns>(TVector sum0, TVector sum1, MatrixSpan<T> z, MatrixSpan<T> a, T parameter, int row, nuint j, bool storeZ)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TColumns : IConstant
    {
        if (storeZ)
        {
            ref var zRow = ref z.DangerousGetReferenceAt(row, 0);
            TSimd.Store(sum0, ref zRow, j);
            if (TColumns.Value > 1)
            {
                TSimd.Store(sum1, ref zRow, j + (nuint)TSimd.Count);
            }
        }

        ref var aRow = ref a.DangerousGetReferenceAt(row, 0);
        TSimd.Store(TSimd.Activate<TOperator>(sum0, TSimd.Broadcast(parameter)), ref aRow, j);
        if (TColumns.Value > 1)
        {
            TSimd.Store(TSimd.Activate<TOperator>(sum1, TSimd.Broadcast(parameter)), ref aRow, j + (nuint)TSimd.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BackwardColumns<T, TVector, TSimd, TOperator>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
    {
        var start = j;
        var end = start + ((previousDelta.Columns - start) / TSimd.Count * TSimd.Count);
        var rows = previousDelta.Rows;
        var full = rows - (rows % 4);
        if (full > 0)
        {
            for (j = start; j <= end - (2 * TSimd.Count); j += 2 * TSimd.Count)
            {
                BackwardRows<T, TVector, TSimd, TOperator, Int2>(delta, weights, previousZ, previousActivation, parameter, previousDelta, full, (nuint)j);
            }

            for (; j < end; j += TSimd.Count)
            {
                BackwardRows<T, TVector, TSimd, TOperator, Int1>(delta, weights, previousZ, previousActivation, parameter, previousDelta, full, (nuint)j);
            }
        }

        // The last 1–3 rows four column vectors at a time (as in the forward pass).
        if (rows - full >= 2)
        {
            BackwardWideRows<T, TVector, TSimd, TOperator, Int2>(delta, weights, previousZ, previousActivation, parameter, previousDelta, full, start, end);
            full += 2;
        }

        if (rows - full >= 1)
        {
            BackwardWideRows<T, TVector, TSimd, TOperator, Int1>(delta, weights, previousZ, previousActivation, parameter, previousDelta, full, start, end);
        }

        return end;
    }

    /// <summary>The 4-row tiles of rows [0, full) × column vectors [j, j + TColumns·Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRows<T, TVector, TSimd, TOperator, TColumns>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta, int full, nuint j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TColumns : IConstant
    {
        for (var i = 0; i < full; i += 4)
        {
            BackwardTile<T, TVector, TSimd, TOperator, Int4, TColumns>(delta, weights, previousZ, previousActivation, parameter, previousDelta, i, j);
        }
    }

    /// <summary>Rows [i, i + TRows) over column vectors [start, end): four vectors per tile, then two, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardWideRows<T, TVector, TSimd, TOperator, TRows>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta, int i, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TRows : IConstant
    {
        var j = start;
        for (; j <= end - (4 * TSimd.Count); j += 4 * TSimd.Count)
        {
            BackwardWideTile<T, TVector, TSimd, TOperator, TRows>(delta, weights, previousZ, previousActivation, parameter, previousDelta, i, (nuint)j);
        }

        for (; j <= end - (2 * TSimd.Count); j += 2 * TSimd.Count)
        {
            BackwardTile<T, TVector, TSimd, TOperator, TRows, Int2>(delta, weights, previousZ, previousActivation, parameter, previousDelta, i, (nuint)j);
        }

        for (; j < end; j += TSimd.Count)
        {
            BackwardTile<T, TVector, TSimd, TOperator, TRows, Int1>(delta, weights, previousZ, previousActivation, parameter, previousDelta, i, (nuint)j);
        }
    }

    /// <summary>Rows [i, i + TRows) (TRows ≤ 2) × column vectors [j, j + 4·Count) of <c>δ_prev = f′ ⊙ (W·δ)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardWideTile<T, TVector, TSimd, TOperator, TRows>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta, int i, nuint j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TRows : IConstant
    {
        Debug.Assert(TRows.Value <= 2);
        var count = (nuint)TSimd.Count;
        TVector s00 = TSimd.Zero, s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        ref var d = ref delta.DangerousGetReferenceAt(0, 0);
        ref var w = ref weights.DangerousGetReferenceAt(i, 0);
        var dStride = (nuint)delta.Stride;
        var wStride = (nuint)weights.Stride;
        nuint di = 0;
        for (nuint o = 0; o < (nuint)delta.Rows; o++, di += dStride)
        {
            var d0 = TSimd.Load(ref d, di + j);
            var d1 = TSimd.Load(ref d, di + j + count);
            var d2 = TSimd.Load(ref d, di + j + (2 * count));
            var d3 = TSimd.Load(ref d, di + j + (3 * count));
            var w0 = TSimd.Broadcast(Unsafe.Add(ref w, o));
            s00 = TSimd.FusedMultiplyAdd(w0, d0, s00);
            s01 = TSimd.FusedMultiplyAdd(w0, d1, s01);
            s02 = TSimd.FusedMultiplyAdd(w0, d2, s02);
            s03 = TSimd.FusedMultiplyAdd(w0, d3, s03);
            if (TRows.Value > 1)
            {
                var w1 = TSimd.Broadcast(Unsafe.Add(ref w, wStride + o));
                s10 = TSimd.FusedMultiplyAdd(w1, d0, s10);
                s11 = TSimd.FusedMultiplyAdd(w1, d1, s11);
                s12 = TSimd.FusedMultiplyAdd(w1, d2, s12);
                s13 = TSimd.FusedMultiplyAdd(w1, d3, s13);
            }
        }

        StoreBackward<T, TVector, TSimd, TOperator, Int2>(s00, s01, previousZ, previousActivation, parameter, previousDelta, i, j);
        StoreBackward<T, TVector, TSimd, TOperator, Int2>(s02, s03, previousZ, previousActivation, parameter, previousDelta, i, j + (2 * count));
        if (TRows.Value > 1)
        {
            StoreBackward<T, TVector, TSimd, TOperator, Int2>(s10, s11, previousZ, previousActivation, parameter, previousDelta, i + 1, j);
            StoreBackward<T, TVector, TSimd, TOperator, Int2>(s12, s13, previousZ, previousActivation, parameter, previousDelta, i + 1, j + (2 * count));
        }
    }

    /// <summary>Rows [i, i + TRows) × column vectors [j, j + TColumns·Count) of <c>δ_prev = f′ ⊙ (W·δ)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardTile<T, TVector, TSimd, TOperator, TRows, TColumns>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta, int i, nuint j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TRows : IConstant
        where TColumns : IConstant
    {
        var j1 = j + (nuint)TSimd.Count;
        TVector s00 = TSimd.Zero, s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        ref var d = ref delta.DangerousGetReferenceAt(0, 0);
        ref var w = ref weights.DangerousGetReferenceAt(i, 0);
        var dStride = (nuint)delta.Stride;
        var wStride = (nuint)weights.Stride;
        nuint di = 0;
        for (nuint o = 0; o < (nuint)delta.Rows; o++, di += dStride)
        {
            var d0 = TSimd.Load(ref d, di + j);
            var d1 = TColumns.Value > 1 ? TSimd.Load(ref d, di + j1) : d0;
            var w0 = TSimd.Broadcast(Unsafe.Add(ref w, o));
            s00 = TSimd.FusedMultiplyAdd(w0, d0, s00);
            if (TColumns.Value > 1)
            {
                s01 = TSimd.FusedMultiplyAdd(w0, d1, s01);
            }

            if (TRows.Value > 1)
            {
                var w1 = TSimd.Broadcast(Unsafe.Add(ref w, wStride + o));
                s10 = TSimd.FusedMultiplyAdd(w1, d0, s10);
                if (TColumns.Value > 1)
                {
                    s11 = TSimd.FusedMultiplyAdd(w1, d1, s11);
                }
            }

            if (TRows.Value > 2)
            {
                var w2 = TSimd.Broadcast(Unsafe.Add(ref w, (2 * wStride) + o));
                var w3 = TSimd.Broadcast(Unsafe.Add(ref w, (3 * wStride) + o));
                s20 = TSimd.FusedMultiplyAdd(w2, d0, s20);
                s30 = TSimd.FusedMultiplyAdd(w3, d0, s30);
                if (TColumns.Value > 1)
                {
                    s21 = TSimd.FusedMultiplyAdd(w2, d1, s21);
                    s31 = TSimd.FusedMultiplyAdd(w3, d1, s31);
                }
            }
        }

        StoreBackward<T, TVector, TSimd, TOperator, TColumns>(s00, s01, previousZ, previousActivation, parameter, previousDelta, i, j);
        if (TRows.Value > 1)
        {
            StoreBackward<T, TVector, TSimd, TOperator, TColumns>(s10, s11, previousZ, previousActivation, parameter, previousDelta, i + 1, j);
        }

        if (TRows.Value > 2)
        {
            StoreBackward<T, TVector, TSimd, TOperator, TColumns>(s20, s21, previousZ, previousActivation, parameter, previousDelta, i + 2, j);
            StoreBackward<T, TVector, TSimd, TOperator, TColumns>(s30, s31, previousZ, previousActivation, parameter, previousDelta, i + 3, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreBackward<T, TVector, TSimd, TOperator, TColumns>(TVector sum0, TVector sum1, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta, int row, nuint j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
        where TColumns : IConstant
    {
        var j1 = j + (nuint)TSimd.Count;
        ref var destination = ref previousDelta.DangerousGetReferenceAt(row, 0);

        // A linear previous layer (or the network input) has f′ = 1: its activation is never read (it may be empty).
        if (typeof(TOperator) == typeof(LinearOperator<T>))
        {
            TSimd.Store(sum0, ref destination, j);
            if (TColumns.Value > 1)
            {
                TSimd.Store(sum1, ref destination, j1);
            }

            return;
        }

        // Z is read only by operators whose f′ needs it (their layers store Z); the others read A alone.
        ref var activation = ref previousActivation.DangerousGetReferenceAt(row, 0);
        ref var preActivation = ref TOperator.NeedsZ ? ref previousZ.DangerousGetReferenceAt(row, 0) : ref activation;
        var p = TSimd.Broadcast(parameter);
        var a0 = TSimd.Load(ref activation, j);
        TSimd.Store(TSimd.Derivative<TOperator>(TOperator.NeedsZ ? TSimd.Load(ref preActivation, j) : a0, a0, sum0, p), ref destination, j);
        if (TColumns.Value > 1)
        {
            var a1 = TSimd.Load(ref activation, j1);
            TSimd.Store(TSimd.Derivative<TOperator>(TOperator.NeedsZ ? TSimd.Load(ref preActivation, j1) : a1, a1, sum1, p), ref destination, j1);
        }
    }

    // Everything below the width ladder is AggressiveOptimization as well: a tile the JIT declines to inline (the
    // 4×4 dW tile is too big for its budget) would otherwise start as Tier-0 code, ~10× slower, and a 10 000-epoch
    // Fit of ~50 ms ends before tiering promotes it (measured: 0.60 s instead of ~0.06 s).
    // dW and db in register tiles of 4 (then 2, 1) outputs × 4 (then 2, 1) inputs: per column vector, 8 loads feed
    // 16 independent FMA chains (the untiled loop reloaded δ for every input and A for every output), and the bias
    // sums ride along in the first input tile, so δ is read once for both. Each weight sums its lanes in column order;
    // the partial last vector is one more step through the same body over zero-padded rows (masked loads where the
    // width has them, a copy into a zeroed register otherwise), and a 4-output tile reduces four registers at once
    // (Sum4: halves folded, then horizontal adds) while 1- and 2-output tiles use Sum. So a weight's last bits depend
    // on the width and on which tile it falls in (deterministically), unlike the forward and backward-data sums. Measured on moons: dW 6×6
    // 0.45–0.52 → 0.40–0.41 µs, the Fit epoch's fixed cost 0.72 → 0.63 µs (runs of the same afternoon ranged
    // 0.63–0.68 µs afterwards).
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
    /// The columns past the last whole vector (900 = 56·16 + 4 for the seed's batch) take one more trip through the
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

    /// <summary>The forward pass of one layer, for the operator the dispatch picks.</summary>
    private readonly ref struct ForwardVisitor<T>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, KernelPath path) : IActivationVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _input = input;
        private readonly ReadOnlyMatrixSpan<T> _weights = weights;
        private readonly ReadOnlySpan<T> _bias = bias;
        private readonly MatrixSpan<T> _z = z;
        private readonly MatrixSpan<T> _a = a;

        public void Visit<TOperator>(T parameter)
            where TOperator : struct, IActivationOperator<T> => Forward<T, TOperator>(_input, _weights, _bias, _z, _a, parameter, path);

        public void VisitSoftmax() => ThrowNotElementwise();
    }

    /// <summary>The backward-data pass of one layer, for the previous layer's operator.</summary>
    private readonly ref struct BackwardDataVisitor<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta, KernelPath path) : IActivationVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _delta = delta;
        private readonly ReadOnlyMatrixSpan<T> _weights = weights;
        private readonly ReadOnlyMatrixSpan<T> _previousZ = previousZ;
        private readonly ReadOnlyMatrixSpan<T> _previousActivation = previousActivation;
        private readonly MatrixSpan<T> _previousDelta = previousDelta;

        public void Visit<TOperator>(T parameter)
            where TOperator : struct, IActivationOperator<T> => BackwardData<T, TOperator>(_delta, _weights, _previousZ, _previousActivation, parameter, _previousDelta, path);

        public void VisitSoftmax() => ThrowNotElementwise();
    }

    [DoesNotReturn]
    private static void ThrowNotElementwise() =>
        throw new ArgumentOutOfRangeException("activation", "The narrow engine runs element-wise activations only (NarrowEngine.IsEligible excludes softmax).");
}
