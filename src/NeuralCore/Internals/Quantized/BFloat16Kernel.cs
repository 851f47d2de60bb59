using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralCore.Internals.Gemm;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Quantized;

/// <summary>
/// The vector paths of <see cref="BFloat16Gemm.Multiply"/>: strips of y of <c>TRows × (TVectors·Count)</c> outputs,
/// each summed over the whole of K in registers, with one widened bf16 vector of W per column vector per k, reused
/// by every row of the strip.
/// </summary>
/// <remarks>
/// <code>
///            W row k: TVectors bf16 vectors (half a register's bytes each), widened in registers
///            [w0 ...][w1 ...] … [w15 ...]
///   x(r,k) ► [y(r,0)][y(r,1)] … [y(r,15)]     r &lt; TRows ≤ 4 (one row: up to 16 vectors; more rows: up to 4)
/// </code>
/// Every output is one fma chain from 0 over k = 0 … K−1 (<see cref="ISimd{T, TVector}.FusedMultiplyAdd"/>, the
/// <see cref="HardwareFma"/> rule) and then <c>+ bias</c>, whatever strip, width or tail computes it: the lanes run
/// along n, never along k. So a strip may overlap the one before it (the columns past the last whole vector are
/// computed as the last <c>Count</c> columns of the row) and store the same bits twice, which is how the tail is
/// handled without masks and without touching anything past column N of y.
/// <para>
/// One-row products on 512 bits first take the columns in blocks of 32 with one 512-bit load of W per block
/// (<c>PairedRow</c>: the even columns widened by a shift, the odd ones by a mask, interleaved back at the store);
/// the strips above take the columns left after the last whole block.
/// </para>
/// <para>
/// Taller products visit the column strips in the outer loop and the row groups in the inner one, so the groups
/// after the first find the strip's weights in L1 or L2. There is no software prefetch and no K-chunking as in the
/// fp32 few-rows kernel (<see cref="SmallRowsKernel.ChunkBytes"/>): a strip's rows are read in address order, which
/// the hardware prefetcher follows, and the bf16 weights of 784-256-128-10 (470 KB) fit a 1 MB L2 whole, the
/// eviction that chunking works around. Neither choice is measured yet.
/// </para>
/// </remarks>
[SkipLocalsInit]
internal static class BFloat16Kernel
{
    /// <summary>The rows of one register tile.</summary>
    public const int TileRows = 4;

    /// <summary>y = x · W + bias on the width <typeparamref name="TSimd"/>; y has at least <c>TSimd.Count</c> columns.</summary>
    /// <param name="x">[M, K].</param>
    /// <param name="w">[K, N] bf16.</param>
    /// <param name="bias">Length N.</param>
    /// <param name="y">[M, N], N ≥ <c>TSimd.Count</c>.</param>
    /// <param name="rowVectors">The widest strip of a one-row product, in vectors (1, 2, 4, 8 or 16): as many accumulators as the registers hold beside a broadcast and a widened vector.</param>
    /// <param name="tileVectors">The widest strip of a taller product, in vectors (1, 2 or 4): <see cref="TileRows"/> times it accumulators.</param>
    public static void Run<TVector, TSimd, TWiden>(ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<ushort> w, ReadOnlySpan<float> bias, MatrixSpan<float> y, int rowVectors, int tileVectors)
        where TVector : struct
        where TSimd : struct, ISimd<float, TVector>
        where TWiden : struct, IBFloat16Widen<TVector>
    {
        var count = TSimd.Count;
        var m = y.Rows;
        var n = y.Columns;
        Debug.Assert(n >= count, "The caller narrows the width until a row holds one whole vector.");
        var whole = n / count;
        var widest = m == 1 ? rowVectors : tileVectors;
        var v = 0;
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported && m == 1)
        {
            v = PairedRow(x, w, bias, y) / count;
        }

        while (v < whole)
        {
            // The widest power of two that fits: at most 5 strip shapes per width are compiled.
            var vectors = widest;
            while (vectors > whole - v)
            {
                vectors /= 2;
            }

            RowGroups<TVector, TSimd, TWiden>(x, w, bias, y, v * count, vectors);
            v += vectors;
        }

        if (n % count != 0)
        {
            // The last Count columns again: the overlapping ones get the bits they already have.
            RowGroups<TVector, TSimd, TWiden>(x, w, bias, y, n - count, 1);
        }
    }

    /// <summary>
    /// One row on 512 bits, 32 columns per load: each 32-bit lane of W's row holds the bf16 of columns 2l and 2l+1,
    /// so a 16-bit left shift widens the even columns and a mask of the high half the odd ones, in place of a
    /// zero-extension per 16 columns. The even and odd sums are interleaved back once, at the store. Each output is
    /// still one fma chain over k in order, then + bias: the reference's bits.
    /// </summary>
    /// <returns>The columns computed: N rounded down to 32.</returns>
    private static int PairedRow(ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<ushort> w, ReadOnlySpan<float> bias, MatrixSpan<float> y)
    {
        var n = y.Columns;
        var k = x.Columns;
        var whole = n / 32;
        ref var biasColumn = ref MemoryMarshal.GetReference(bias);

        // With K = 0, x's row may be empty: point at y's row instead, never read (the k loop does not run).
        ref var xRow = ref k == 0 ? ref y.DangerousGetReferenceAt(0, 0) : ref x.DangerousGetReferenceAt(0, 0);
        for (var pair = 0; pair < whole;)
        {
            var pairs = 8;
            while (pairs > whole - pair)
            {
                pairs /= 2;
            }

            ref var wColumn = ref w.DangerousGetReferenceAt(0, 32 * pair);
            ref var b = ref Unsafe.Add(ref biasColumn, 32 * pair);
            ref var yColumn = ref y.DangerousGetReferenceAt(0, 32 * pair);
            switch (pairs)
            {
                case 8: PairStrip<Int8>(ref xRow, ref wColumn, w.Stride, k, ref b, ref yColumn); break;
                case 4: PairStrip<Int4>(ref xRow, ref wColumn, w.Stride, k, ref b, ref yColumn); break;
                case 2: PairStrip<Int2>(ref xRow, ref wColumn, w.Stride, k, ref b, ref yColumn); break;
                default: PairStrip<Int1>(ref xRow, ref wColumn, w.Stride, k, ref b, ref yColumn); break;
            }

            pair += pairs;
        }

        return 32 * whole;
    }

    /// <summary><c>y[j] = (Σ_k x[k] · W[k, j]) + bias[j]</c> for the 32·TPairs columns from <paramref name="w"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PairStrip<TPairs>(ref float x, ref ushort w, nint wStride, int k, ref float bias, ref float y)
        where TPairs : struct, IConstant
    {
        Vector512<float> e0 = default, e1 = default, e2 = default, e3 = default, e4 = default, e5 = default, e6 = default, e7 = default;
        Vector512<float> o0 = default, o1 = default, o2 = default, o3 = default, o4 = default, o5 = default, o6 = default, o7 = default;
        nint row = 0;
        for (nint p = 0; p < k; p++, row += wStride)
        {
            var xp = Vector512.Create(Unsafe.Add(ref x, p));
            Pair(xp, Words(ref w, row), ref e0, ref o0);
            if (TPairs.Value > 1)
            {
                Pair(xp, Words(ref w, row + 32), ref e1, ref o1);
            }

            if (TPairs.Value > 2)
            {
                Pair(xp, Words(ref w, row + 64), ref e2, ref o2);
                Pair(xp, Words(ref w, row + 96), ref e3, ref o3);
            }

            if (TPairs.Value > 4)
            {
                Pair(xp, Words(ref w, row + 128), ref e4, ref o4);
                Pair(xp, Words(ref w, row + 160), ref e5, ref o5);
                Pair(xp, Words(ref w, row + 192), ref e6, ref o6);
                Pair(xp, Words(ref w, row + 224), ref e7, ref o7);
            }
        }

        StorePair(e0, o0, ref bias, ref y, 0);
        if (TPairs.Value > 1)
        {
            StorePair(e1, o1, ref bias, ref y, 32);
        }

        if (TPairs.Value > 2)
        {
            StorePair(e2, o2, ref bias, ref y, 64);
            StorePair(e3, o3, ref bias, ref y, 96);
        }

        if (TPairs.Value > 4)
        {
            StorePair(e4, o4, ref bias, ref y, 128);
            StorePair(e5, o5, ref bias, ref y, 160);
            StorePair(e6, o6, ref bias, ref y, 192);
            StorePair(e7, o7, ref bias, ref y, 224);
        }
    }

    /// <summary>The 32 bf16 from <c>w + offset</c> as 16 lanes of two (offsets in bf16 elements, so any stride works).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Words(ref ushort w, nint offset) => Vector512.LoadUnsafe(ref Unsafe.As<ushort, uint>(ref Unsafe.Add(ref w, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair(Vector512<float> x, Vector512<uint> bits, ref Vector512<float> even, ref Vector512<float> odd)
    {
        even = Simd512<float>.FusedMultiplyAdd(x, Vector512.ShiftLeft(bits, 16).AsSingle(), even);
        odd = Simd512<float>.FusedMultiplyAdd(x, (bits & Vector512.Create(0xFFFF0000u)).AsSingle(), odd);
    }

    /// <summary>y[offset + 2l] = even_l + bias, y[offset + 2l + 1] = odd_l + bias, for l &lt; 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(Vector512<float> even, Vector512<float> odd, ref float bias, ref float y, nuint offset)
    {
        var low = Avx512F.PermuteVar16x32x2(even, Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), odd);
        var high = Avx512F.PermuteVar16x32x2(even, Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), odd);
        (low + Vector512.LoadUnsafe(ref bias, offset)).StoreUnsafe(ref y, offset);
        (high + Vector512.LoadUnsafe(ref bias, offset + 16)).StoreUnsafe(ref y, offset + 16);
    }

    /// <summary>The strip at <paramref name="column"/>, <paramref name="vectors"/> wide, for every row: groups of <see cref="TileRows"/> and the rest.</summary>
    private static void RowGroups<TVector, TSimd, TWiden>(ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<ushort> w, ReadOnlySpan<float> bias, MatrixSpan<float> y, int column, int vectors)
        where TVector : struct
        where TSimd : struct, ISimd<float, TVector>
        where TWiden : struct, IBFloat16Widen<TVector>
    {
        var k = x.Columns;
        ref var wColumn = ref w.DangerousGetReferenceAt(0, column);
        ref var biasColumn = ref Unsafe.Add(ref MemoryMarshal.GetReference(bias), column);
        for (var i = 0; i < y.Rows; i += TileRows)
        {
            var rows = Math.Min(TileRows, y.Rows - i);

            // With K = 0, x's row may be empty: point at y's row instead, never read (the k loop does not run).
            ref var xRow = ref k == 0 ? ref y.DangerousGetReferenceAt(i, 0) : ref x.DangerousGetReferenceAt(i, 0);
            ref var yRow = ref y.DangerousGetReferenceAt(i, column);
            Dispatch<TVector, TSimd, TWiden>(rows, vectors, ref xRow, x.Stride, ref wColumn, w.Stride, k, ref biasColumn, ref yRow, y.Stride);
        }
    }

    /// <summary>The compiled strip for <paramref name="rows"/> × <paramref name="vectors"/>.</summary>
    private static void Dispatch<TVector, TSimd, TWiden>(int rows, int vectors, ref float x, nint xStride, ref ushort w, nint wStride, int k, ref float bias, ref float y, nint yStride)
        where TVector : struct
        where TSimd : struct, ISimd<float, TVector>
        where TWiden : struct, IBFloat16Widen<TVector>
    {
        switch ((rows, vectors))
        {
            case (1, 16): Strip<TVector, TSimd, TWiden, Int1, Vectors16>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (1, 8): Strip<TVector, TSimd, TWiden, Int1, Int8>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (1, 4): Strip<TVector, TSimd, TWiden, Int1, Int4>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (1, 2): Strip<TVector, TSimd, TWiden, Int1, Int2>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (1, 1): Strip<TVector, TSimd, TWiden, Int1, Int1>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (2, 4): Strip<TVector, TSimd, TWiden, Int2, Int4>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (2, 2): Strip<TVector, TSimd, TWiden, Int2, Int2>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (2, 1): Strip<TVector, TSimd, TWiden, Int2, Int1>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (3, 4): Strip<TVector, TSimd, TWiden, Int3, Int4>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (3, 2): Strip<TVector, TSimd, TWiden, Int3, Int2>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (3, 1): Strip<TVector, TSimd, TWiden, Int3, Int1>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (4, 4): Strip<TVector, TSimd, TWiden, Int4, Int4>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (4, 2): Strip<TVector, TSimd, TWiden, Int4, Int2>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            case (4, 1): Strip<TVector, TSimd, TWiden, Int4, Int1>(ref x, xStride, ref w, wStride, k, ref bias, ref y, yStride); break;
            default: throw new UnreachableException($"No bf16 strip of {rows} rows × {vectors} vectors: one row takes up to 16 vectors, more rows up to 4.");
        }
    }

    /// <summary>
    /// One strip: <c>y[r, v·Count + l] = (Σ_k x[r, k] · W[k, v·Count + l]) + bias[v·Count + l]</c> for r &lt; TRows,
    /// v &lt; TVectors. Out of line, so the accumulators stay in registers through the k loop.
    /// </summary>
    /// <remarks>
    /// More than 4 vectors only with one row (the accumulators of rows 1-3 stop at 4 vectors). Offsets into W are
    /// computed from the strip's start at each k, so no ref is ever formed past its last row.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Strip<TVector, TSimd, TWiden, TRows, TVectors>(ref float x, nint xStride, ref ushort w, nint wStride, int k, ref float bias, ref float y, nint yStride)
        where TVector : struct
        where TSimd : struct, ISimd<float, TVector>
        where TWiden : struct, IBFloat16Widen<TVector>
        where TRows : struct, IConstant
        where TVectors : struct, IConstant
    {
        Debug.Assert(TRows.Value == 1 || TVectors.Value <= 4, "Rows 1-3 have accumulators for 4 vectors.");
        var count = (nint)TSimd.Count;
        TVector c00 = TSimd.Zero, c01 = TSimd.Zero, c02 = TSimd.Zero, c03 = TSimd.Zero, c04 = TSimd.Zero, c05 = TSimd.Zero, c06 = TSimd.Zero, c07 = TSimd.Zero;
        TVector c08 = TSimd.Zero, c09 = TSimd.Zero, c0A = TSimd.Zero, c0B = TSimd.Zero, c0C = TSimd.Zero, c0D = TSimd.Zero, c0E = TSimd.Zero, c0F = TSimd.Zero;
        TVector c10 = TSimd.Zero, c11 = TSimd.Zero, c12 = TSimd.Zero, c13 = TSimd.Zero, c20 = TSimd.Zero, c21 = TSimd.Zero, c22 = TSimd.Zero, c23 = TSimd.Zero, c30 = TSimd.Zero, c31 = TSimd.Zero, c32 = TSimd.Zero, c33 = TSimd.Zero;

        for (nint p = 0; p < k; p++)
        {
            var row = p * wStride;
            var x0 = TSimd.Broadcast(Unsafe.Add(ref x, p));
            var x1 = TRows.Value > 1 ? TSimd.Broadcast(Unsafe.Add(ref x, xStride + p)) : default;
            var x2 = TRows.Value > 2 ? TSimd.Broadcast(Unsafe.Add(ref x, (2 * xStride) + p)) : default;
            var x3 = TRows.Value > 3 ? TSimd.Broadcast(Unsafe.Add(ref x, (3 * xStride) + p)) : default;
            Column<TVector, TSimd, TWiden, TRows>(ref w, row + 0, x0, x1, x2, x3, ref c00, ref c10, ref c20, ref c30);

            if (TVectors.Value > 1)
            {
                Column<TVector, TSimd, TWiden, TRows>(ref w, row + (1 * count), x0, x1, x2, x3, ref c01, ref c11, ref c21, ref c31);
            }

            if (TVectors.Value > 2)
            {
                Column<TVector, TSimd, TWiden, TRows>(ref w, row + (2 * count), x0, x1, x2, x3, ref c02, ref c12, ref c22, ref c32);
            }

            if (TVectors.Value > 3)
            {
                Column<TVector, TSimd, TWiden, TRows>(ref w, row + (3 * count), x0, x1, x2, x3, ref c03, ref c13, ref c23, ref c33);
            }

            if (TVectors.Value > 4)
            {
                c04 = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (4 * count))), c04);
            }

            if (TVectors.Value > 5)
            {
                c05 = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (5 * count))), c05);
            }

            if (TVectors.Value > 6)
            {
                c06 = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (6 * count))), c06);
            }

            if (TVectors.Value > 7)
            {
                c07 = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (7 * count))), c07);
            }

            if (TVectors.Value > 8)
            {
                c08 = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (8 * count))), c08);
            }

            if (TVectors.Value > 9)
            {
                c09 = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (9 * count))), c09);
            }

            if (TVectors.Value > 10)
            {
                c0A = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (10 * count))), c0A);
            }

            if (TVectors.Value > 11)
            {
                c0B = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (11 * count))), c0B);
            }

            if (TVectors.Value > 12)
            {
                c0C = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (12 * count))), c0C);
            }

            if (TVectors.Value > 13)
            {
                c0D = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (13 * count))), c0D);
            }

            if (TVectors.Value > 14)
            {
                c0E = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (14 * count))), c0E);
            }

            if (TVectors.Value > 15)
            {
                c0F = TSimd.FusedMultiplyAdd(x0, TWiden.Widen(ref Unsafe.Add(ref w, row + (15 * count))), c0F);
            }
        }

        StoreRow<TVector, TSimd>(ref y, ref bias, Math.Min(TVectors.Value, 8), c00, c01, c02, c03, c04, c05, c06, c07);
        if (TVectors.Value > 8)
        {
            StoreRow<TVector, TSimd>(ref Unsafe.Add(ref y, 8 * count), ref Unsafe.Add(ref bias, 8 * count), TVectors.Value - 8, c08, c09, c0A, c0B, c0C, c0D, c0E, c0F);
        }

        if (TRows.Value > 1)
        {
            StoreRow<TVector, TSimd>(ref Unsafe.Add(ref y, 1 * yStride), ref bias, Math.Min(TVectors.Value, 4), c10, c11, c12, c13, default, default, default, default);
        }

        if (TRows.Value > 2)
        {
            StoreRow<TVector, TSimd>(ref Unsafe.Add(ref y, 2 * yStride), ref bias, Math.Min(TVectors.Value, 4), c20, c21, c22, c23, default, default, default, default);
        }

        if (TRows.Value > 3)
        {
            StoreRow<TVector, TSimd>(ref Unsafe.Add(ref y, 3 * yStride), ref bias, Math.Min(TVectors.Value, 4), c30, c31, c32, c33, default, default, default, default);
        }
    }

    /// <summary><c>c_r = fma(x_r, widen(W[k, offset …]), c_r)</c> for the TRows rows: one widening serves every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column<TVector, TSimd, TWiden, TRows>(ref ushort w, nint offset, TVector x0, TVector x1, TVector x2, TVector x3, ref TVector c0, ref TVector c1, ref TVector c2, ref TVector c3)
        where TVector : struct
        where TSimd : struct, ISimd<float, TVector>
        where TWiden : struct, IBFloat16Widen<TVector>
        where TRows : struct, IConstant
    {
        var b = TWiden.Widen(ref Unsafe.Add(ref w, offset));
        c0 = TSimd.FusedMultiplyAdd(x0, b, c0);
        if (TRows.Value > 1)
        {
            c1 = TSimd.FusedMultiplyAdd(x1, b, c1);
        }

        if (TRows.Value > 2)
        {
            c2 = TSimd.FusedMultiplyAdd(x2, b, c2);
        }

        if (TRows.Value > 3)
        {
            c3 = TSimd.FusedMultiplyAdd(x3, b, c3);
        }
    }

    /// <summary><c>y[v·Count …] = c_v + bias[v·Count …]</c> for the first <paramref name="vectors"/> (≤ 8) accumulators, the reference's one rounded add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TVector, TSimd>(ref float y, ref float bias, int vectors, TVector c0, TVector c1, TVector c2, TVector c3, TVector c4, TVector c5, TVector c6, TVector c7)
        where TVector : struct
        where TSimd : struct, ISimd<float, TVector>
    {
        var count = (nuint)TSimd.Count;
        TSimd.Store(TSimd.Add(c0, TSimd.Load(ref bias)), ref y);
        Store<TVector, TSimd>(vectors > 1, c1, ref y, ref bias, count);
        Store<TVector, TSimd>(vectors > 2, c2, ref y, ref bias, 2 * count);
        Store<TVector, TSimd>(vectors > 3, c3, ref y, ref bias, 3 * count);
        Store<TVector, TSimd>(vectors > 4, c4, ref y, ref bias, 4 * count);
        Store<TVector, TSimd>(vectors > 5, c5, ref y, ref bias, 5 * count);
        Store<TVector, TSimd>(vectors > 6, c6, ref y, ref bias, 6 * count);
        Store<TVector, TSimd>(vectors > 7, c7, ref y, ref bias, 7 * count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TVector, TSimd>(bool live, TVector c, ref float y, ref float bias, nuint offset)
        where TVector : struct
        where TSimd : struct, ISimd<float, TVector>
    {
        if (live)
        {
            TSimd.Store(TSimd.Add(c, TSimd.Load(ref bias, offset)), ref y, offset);
        }
    }
}
