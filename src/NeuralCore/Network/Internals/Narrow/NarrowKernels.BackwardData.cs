using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

// The backward-data pass (BP2): δ_prev = f′ ⊙ (W_int·δ), in the forward pass's register tiles (see NarrowKernels.Forward.cs).
internal static partial class NarrowKernels
{
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
}
