using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

// The register tiles the two linear passes share: out[r, j] = epilogue(Initial(r) + Σ_k W(r, k)·S[k, j]), where the
// forward pass reads W(r, k) = W_int[k, r] over S = X and the backward-data pass W(r, k) = W_int[r, k] over S = δ.
// One family with the pass as a struct type argument (the JIT compiles one body per pass, as it did for the two copies).
internal static partial class NarrowKernels
{
    /// <summary>What a linear pass does around the shared tiles: where each output row's sum starts, and how it is stored.</summary>
    private interface INarrowEpilogue<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Whether the weight row step is always 1 (the forward pass), so the JIT addresses a tile's rows as constant offsets from one register.</summary>
        static abstract bool UnitRowStep { get; }

        /// <summary>The start of output row <paramref name="row"/>'s sums (the bias, or zero), broadcast.</summary>
        TVector Initial<TVector, TSimd>(nint row)
            where TVector : struct
            where TSimd : ISimd<T, TVector>;

        /// <summary>Stores output row <paramref name="row"/>'s sums for column vectors at <paramref name="j"/> (and the next, for two columns).</summary>
        void Store<TVector, TSimd, TColumns>(TVector sum0, TVector sum1, nint row, nuint j)
            where TVector : struct
            where TSimd : ISimd<T, TVector>
            where TColumns : IConstant;
    }

    /// <summary>
    /// The width ladder of a linear pass over <paramref name="rows"/> × <paramref name="columns"/> outputs; W(r, k) is
    /// <c>Unsafe.Add(ref weights, r·rowStep + k·kStep)</c>, for k over the rows of <paramref name="source"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Linear<T, TEpilogue>(ReadOnlyMatrixSpan<T> source, ref T weights, nuint rowStep, nuint kStep, int rows, int columns, ref TEpilogue epilogue, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TEpilogue : struct, INarrowEpilogue<T>, allows ref struct
    {
        var j = 0;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated && columns - j >= Vector512<T>.Count)
        {
            j = LinearColumns<T, Vector512<T>, Simd512<T>, TEpilogue>(source, ref weights, rowStep, kStep, rows, columns, ref epilogue, j);
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated && columns - j >= Vector256<T>.Count)
        {
            j = LinearColumns<T, Vector256<T>, Simd256<T>, TEpilogue>(source, ref weights, rowStep, kStep, rows, columns, ref epilogue, j);
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated && columns - j >= Vector128<T>.Count)
        {
            j = LinearColumns<T, Vector128<T>, Simd128<T>, TEpilogue>(source, ref weights, rowStep, kStep, rows, columns, ref epilogue, j);
        }

        if (j < columns)
        {
            LinearColumns<T, T, SimdScalar<T>, TEpilogue>(source, ref weights, rowStep, kStep, rows, columns, ref epilogue, j);
        }
    }

    // Register tiles: 4 (then 2, then 1) rows × 2 (then 1) column vectors per pass, so a pass carries up to 8
    // independent FMA chains (the FMA latency is 4 cycles at 2 per cycle: fewer chains are latency-bound:
    // benchmarks/results/AMD-EPYC-Zen5-network.md), each source vector is loaded once for 4 rows and each weight once
    // for 2 vectors. Every element still sums its terms in the reference's order (the start, then k = 0, 1, …), so the
    // tiling changes no result.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int LinearColumns<T, TVector, TSimd, TEpilogue>(ReadOnlyMatrixSpan<T> source, ref T weights, nuint rowStep, nuint kStep, int rows, int columns, ref TEpilogue epilogue, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TEpilogue : struct, INarrowEpilogue<T>, allows ref struct
    {
        // A local copy lets the JIT keep the epilogue's refs and strides in registers (the caller's is address-taken).
        // A unit row step as a constant: four row pointers in registers instead of one made the forward tiles ~10% slower.
        var e = epilogue;
        rowStep = TEpilogue.UnitRowStep ? 1 : rowStep;
        var start = j;
        var end = start + ((columns - start) / TSimd.Count * TSimd.Count);
        var full = rows - (rows % 4);
        if (full > 0)
        {
            for (j = start; j <= end - (2 * TSimd.Count); j += 2 * TSimd.Count)
            {
                LinearRows<T, TVector, TSimd, TEpilogue, Int2>(source, ref weights, rowStep, kStep, ref e, full, (nuint)j);
            }

            for (; j < end; j += TSimd.Count)
            {
                LinearRows<T, TVector, TSimd, TEpilogue, Int1>(source, ref weights, rowStep, kStep, ref e, full, (nuint)j);
            }
        }

        // The last 1–3 rows (a one-output layer, every narrow net's last, has nothing else) take four column vectors
        // per tile instead of two, so a 2-row tile still carries 8 independent chains and a 1-row tile 4 (four output
        // sigmoids overlap): 6-wide layers ran their 2-row remainder at half the FMA rate.
        if (rows - full >= 2)
        {
            LinearWideRows<T, TVector, TSimd, TEpilogue, Int2>(source, ref weights, rowStep, kStep, ref e, full, start, end);
            full += 2;
        }

        if (rows - full >= 1)
        {
            LinearWideRows<T, TVector, TSimd, TEpilogue, Int1>(source, ref weights, rowStep, kStep, ref e, full, start, end);
        }

        return end;
    }

    /// <summary>The 4-row tiles of rows [0, full) × column vectors [j, j + TColumns·Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LinearRows<T, TVector, TSimd, TEpilogue, TColumns>(ReadOnlyMatrixSpan<T> source, ref T weights, nuint rowStep, nuint kStep, ref TEpilogue epilogue, int full, nuint j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TEpilogue : struct, INarrowEpilogue<T>, allows ref struct
        where TColumns : IConstant
    {
        for (var row = 0; row < full; row += 4)
        {
            LinearTile<T, TVector, TSimd, TEpilogue, Int4, TColumns>(source, ref weights, rowStep, kStep, ref epilogue, row, j);
        }
    }

    /// <summary>Rows [row, row + TRows) over column vectors [start, end): four vectors per tile, then two, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LinearWideRows<T, TVector, TSimd, TEpilogue, TRows>(ReadOnlyMatrixSpan<T> source, ref T weights, nuint rowStep, nuint kStep, ref TEpilogue epilogue, int row, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TEpilogue : struct, INarrowEpilogue<T>, allows ref struct
        where TRows : IConstant
    {
        var j = start;
        for (; j <= end - (4 * TSimd.Count); j += 4 * TSimd.Count)
        {
            LinearWideTile<T, TVector, TSimd, TEpilogue, TRows>(source, ref weights, rowStep, kStep, ref epilogue, row, (nuint)j);
        }

        for (; j <= end - (2 * TSimd.Count); j += 2 * TSimd.Count)
        {
            LinearTile<T, TVector, TSimd, TEpilogue, TRows, Int2>(source, ref weights, rowStep, kStep, ref epilogue, row, (nuint)j);
        }

        for (; j < end; j += TSimd.Count)
        {
            LinearTile<T, TVector, TSimd, TEpilogue, TRows, Int1>(source, ref weights, rowStep, kStep, ref epilogue, row, (nuint)j);
        }
    }

    /// <summary>Rows [row, row + TRows) (TRows ≤ 2) × column vectors [j, j + 4·Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LinearWideTile<T, TVector, TSimd, TEpilogue, TRows>(ReadOnlyMatrixSpan<T> source, ref T weights, nuint rowStep, nuint kStep, ref TEpilogue epilogue, int row, nuint j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TEpilogue : struct, INarrowEpilogue<T>, allows ref struct
        where TRows : IConstant
    {
        // Row indices as nint, so the rows past the first are constant offsets (an int sum would be widened per row).
        var r = (nint)row;
        Debug.Assert(TRows.Value <= 2);
        var count = (nuint)TSimd.Count;
        TVector s00 = epilogue.Initial<TVector, TSimd>(r), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        if (TRows.Value > 1)
        {
            s10 = s11 = s12 = s13 = epilogue.Initial<TVector, TSimd>(r + 1);
        }

        ref var x = ref source.DangerousGetReferenceAt(0, 0);
        ref var w0 = ref Unsafe.Add(ref weights, (nuint)row * rowStep);
        ref var w1 = ref TRows.Value > 1 ? ref Unsafe.Add(ref w0, rowStep) : ref w0;
        var xStride = (nuint)source.Stride;
        nuint xi = 0, wi = 0;
        for (var k = 0; k < source.Rows; k++, xi += xStride, wi += kStep)
        {
            var x0 = TSimd.Load(ref x, xi + j);
            var x1 = TSimd.Load(ref x, xi + j + count);
            var x2 = TSimd.Load(ref x, xi + j + (2 * count));
            var x3 = TSimd.Load(ref x, xi + j + (3 * count));
            var v0 = TSimd.Broadcast(Unsafe.Add(ref w0, wi));
            s00 = TSimd.FusedMultiplyAdd(v0, x0, s00);
            s01 = TSimd.FusedMultiplyAdd(v0, x1, s01);
            s02 = TSimd.FusedMultiplyAdd(v0, x2, s02);
            s03 = TSimd.FusedMultiplyAdd(v0, x3, s03);
            if (TRows.Value > 1)
            {
                var v1 = TSimd.Broadcast(Unsafe.Add(ref w1, wi));
                s10 = TSimd.FusedMultiplyAdd(v1, x0, s10);
                s11 = TSimd.FusedMultiplyAdd(v1, x1, s11);
                s12 = TSimd.FusedMultiplyAdd(v1, x2, s12);
                s13 = TSimd.FusedMultiplyAdd(v1, x3, s13);
            }
        }

        epilogue.Store<TVector, TSimd, Int2>(s00, s01, r, j);
        epilogue.Store<TVector, TSimd, Int2>(s02, s03, r, j + (2 * count));
        if (TRows.Value > 1)
        {
            epilogue.Store<TVector, TSimd, Int2>(s10, s11, r + 1, j);
            epilogue.Store<TVector, TSimd, Int2>(s12, s13, r + 1, j + (2 * count));
        }
    }

    /// <summary>Rows [row, row + TRows) × column vectors [j, j + TColumns·Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void LinearTile<T, TVector, TSimd, TEpilogue, TRows, TColumns>(ReadOnlyMatrixSpan<T> source, ref T weights, nuint rowStep, nuint kStep, ref TEpilogue epilogue, int row, nuint j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TEpilogue : struct, INarrowEpilogue<T>, allows ref struct
        where TRows : IConstant
        where TColumns : IConstant
    {
        // Row indices as nint, so the rows past the first are constant offsets (an int sum would be widened per row).
        var r = (nint)row;
        var j1 = j + (nuint)TSimd.Count;
        TVector s00 = epilogue.Initial<TVector, TSimd>(r), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        if (TRows.Value > 1)
        {
            s10 = s11 = epilogue.Initial<TVector, TSimd>(r + 1);
        }

        if (TRows.Value > 2)
        {
            s20 = s21 = epilogue.Initial<TVector, TSimd>(r + 2);
            s30 = s31 = epilogue.Initial<TVector, TSimd>(r + 3);
        }

        // Row r's weight at step k is at w_r + k·kStep; the refs past row 0 are formed only for rows the tile has.
        ref var x = ref source.DangerousGetReferenceAt(0, 0);
        ref var w0 = ref Unsafe.Add(ref weights, (nuint)row * rowStep);
        ref var w1 = ref TRows.Value > 1 ? ref Unsafe.Add(ref w0, rowStep) : ref w0;
        ref var w2 = ref TRows.Value > 2 ? ref Unsafe.Add(ref w0, 2 * rowStep) : ref w0;
        ref var w3 = ref TRows.Value > 2 ? ref Unsafe.Add(ref w0, 3 * rowStep) : ref w0;
        var xStride = (nuint)source.Stride;
        nuint xi = 0, wi = 0;
        for (var k = 0; k < source.Rows; k++, xi += xStride, wi += kStep)
        {
            var x0 = TSimd.Load(ref x, xi + j);
            var x1 = TColumns.Value > 1 ? TSimd.Load(ref x, xi + j1) : x0;
            var v0 = TSimd.Broadcast(Unsafe.Add(ref w0, wi));
            s00 = TSimd.FusedMultiplyAdd(v0, x0, s00);
            if (TColumns.Value > 1)
            {
                s01 = TSimd.FusedMultiplyAdd(v0, x1, s01);
            }

            if (TRows.Value > 1)
            {
                var v1 = TSimd.Broadcast(Unsafe.Add(ref w1, wi));
                s10 = TSimd.FusedMultiplyAdd(v1, x0, s10);
                if (TColumns.Value > 1)
                {
                    s11 = TSimd.FusedMultiplyAdd(v1, x1, s11);
                }
            }

            if (TRows.Value > 2)
            {
                var v2 = TSimd.Broadcast(Unsafe.Add(ref w2, wi));
                var v3 = TSimd.Broadcast(Unsafe.Add(ref w3, wi));
                s20 = TSimd.FusedMultiplyAdd(v2, x0, s20);
                s30 = TSimd.FusedMultiplyAdd(v3, x0, s30);
                if (TColumns.Value > 1)
                {
                    s21 = TSimd.FusedMultiplyAdd(v2, x1, s21);
                    s31 = TSimd.FusedMultiplyAdd(v3, x1, s31);
                }
            }
        }

        epilogue.Store<TVector, TSimd, TColumns>(s00, s01, r, j);
        if (TRows.Value > 1)
        {
            epilogue.Store<TVector, TSimd, TColumns>(s10, s11, r + 1, j);
        }

        if (TRows.Value > 2)
        {
            epilogue.Store<TVector, TSimd, TColumns>(s20, s21, r + 2, j);
            epilogue.Store<TVector, TSimd, TColumns>(s30, s31, r + 3, j);
        }
    }
}
