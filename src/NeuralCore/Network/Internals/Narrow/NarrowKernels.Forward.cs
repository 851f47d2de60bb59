using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

// The forward pass: Z = b + W_intᵀ·X and A = f(Z), per layer.
// Two copies of the tiles (here and in BackwardData) on purpose: one tile family with an epilogue type was 5–15% slower on the 4-row tiles and no faster end to end (benchmarks/results/narrow-one-tile.md).
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

    // Register tiles: forward and backward-data take 4 (then 2, then 1) rows × 2 (then 1) column vectors per pass, so
    // a pass carries up to 8 independent FMA chains (the FMA latency is 4 cycles at 2 per cycle: fewer chains are
    // latency-bound: benchmarks/results/AMD-EPYC-Zen5-network.md), each input (resp. δ)
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
}
