using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals.Gemm;
using NeuralCore.Internals.Reference;

namespace NeuralCore.Internals.Quantized;

/// <summary>
/// The fast paths of <see cref="Int8Gemm.Multiply"/>: strips of y of <c>TRows × (TVectors·Count)</c> outputs, each
/// summed over the whole of K in int32 registers, then dequantized straight from the registers.
/// </summary>
/// <remarks>
/// <code>
///                     packed row of k-group g: TVectors registers of Count columns × 4 codes
///                     [q(4g…4g+3, 0 … Count−1)] … [ … ]
///   u(r, 4g…4g+3) ►   [acc(r, 0 … Count−1)]     … [ … ]        r &lt; TRows ≤ 4 (one row: up to 16 registers; more rows: up to 4)
/// </code>
/// One broadcast of a row's four codes serves every register of the strip; one load of a register of weight codes
/// serves every row. The packed layout is padded to 16 columns and to 4 codes of K with zero codes, so every
/// register reads whole k-groups and whole columns; only the store of the last, partial register of a row is
/// narrowed, through a lane copy and the reference's epilogue per column.
/// Taller products visit the column strips in the outer loop and the row groups in the inner one, so the groups
/// after the first find the strip's codes in L1 or L2.
/// </remarks>
[SkipLocalsInit]
internal static class Int8Kernel
{
    /// <summary>The rows of one register tile.</summary>
    public const int TileRows = 4;

    /// <summary>y = dequantize(u · q) + bias on the lanes <typeparamref name="TLanes"/>.</summary>
    /// <param name="codes">u, [M, ≥ PaddedK(K)].</param>
    /// <param name="rowScales">s_m, length ≥ M.</param>
    /// <param name="zeroPoints">z_m, length ≥ M.</param>
    /// <param name="k">K.</param>
    /// <param name="packed">The packed codes of a [K, N] matrix.</param>
    /// <param name="scales">scale_n, length N.</param>
    /// <param name="columnSums">colSum_n, length N.</param>
    /// <param name="bias">bias_n, length N.</param>
    /// <param name="y">[M, N].</param>
    /// <param name="rowVectors">The widest strip of a one-row product, in registers (1, 2, 4, 8 or 16).</param>
    /// <param name="tileVectors">The widest strip of a taller product, in registers (1, 2 or 4): <see cref="TileRows"/> times it accumulators.</param>
    /// <param name="columnStart">The first column of y computed: a multiple of 16 (a thread part's share), or 0.</param>
    /// <param name="columnEnd">One past the last column computed (N for all of them).</param>
    public static void Run<TAcc, TLanes>(
        ReadOnlyMatrixSpan<byte> codes,
        ReadOnlySpan<float> rowScales,
        ReadOnlySpan<int> zeroPoints,
        int k,
        ReadOnlySpan<sbyte> packed,
        ReadOnlySpan<float> scales,
        ReadOnlySpan<int> columnSums,
        ReadOnlySpan<float> bias,
        MatrixSpan<float> y,
        int rowVectors,
        int tileVectors,
        int columnStart,
        int columnEnd)
        where TAcc : unmanaged
        where TLanes : struct, IInt8Lanes<TAcc>
    {
        Debug.Assert(columnStart % 16 == 0 && columnStart <= columnEnd && columnEnd <= y.Columns, "Parts start on whole 16-column groups of the packed layout.");
        var count = TLanes.Count;
        var n = y.Columns;
        var registers = (columnEnd + count - 1) / count;
        var widest = y.Rows == 1 ? rowVectors : tileVectors;
        var strip = new Strip(
            ref codes.DangerousGetReferenceAt(0, 0),
            codes.Stride,
            Int8Gemm.PaddedK(k) / 4,
            ref MemoryMarshal.GetReference(packed),
            4 * (nint)Int8Gemm.PaddedN(n),
            ref MemoryMarshal.GetReference(rowScales),
            ref MemoryMarshal.GetReference(zeroPoints),
            ref MemoryMarshal.GetReference(scales),
            ref MemoryMarshal.GetReference(columnSums),
            ref MemoryMarshal.GetReference(bias),
            ref y.DangerousGetReferenceAt(0, 0),
            y.Stride);
        for (var v = columnStart / count; v < registers;)
        {
            // The widest power of two that fits: at most 5 strip shapes per width are compiled.
            var vectors = widest;
            while (vectors > registers - v)
            {
                vectors /= 2;
            }

            var column = v * count;
            for (var i = 0; i < y.Rows; i += TileRows)
            {
                Dispatch<TAcc, TLanes>(Math.Min(TileRows, y.Rows - i), vectors, in strip, i, column, columnEnd - column);
            }

            v += vectors;
        }
    }

    /// <summary>The compiled strip for <paramref name="rows"/> × <paramref name="vectors"/>.</summary>
    private static void Dispatch<TAcc, TLanes>(int rows, int vectors, in Strip s, int row, int column, int valid)
        where TAcc : unmanaged
        where TLanes : struct, IInt8Lanes<TAcc>
    {
        switch ((rows, vectors))
        {
            case (1, 16): Tile<TAcc, TLanes, Int1, Vectors16>(in s, row, column, valid); break;
            case (1, 8): Tile<TAcc, TLanes, Int1, Int8>(in s, row, column, valid); break;
            case (1, 4): Tile<TAcc, TLanes, Int1, Int4>(in s, row, column, valid); break;
            case (1, 2): Tile<TAcc, TLanes, Int1, Int2>(in s, row, column, valid); break;
            case (1, 1): Tile<TAcc, TLanes, Int1, Int1>(in s, row, column, valid); break;
            case (2, 4): Tile<TAcc, TLanes, Int2, Int4>(in s, row, column, valid); break;
            case (2, 2): Tile<TAcc, TLanes, Int2, Int2>(in s, row, column, valid); break;
            case (2, 1): Tile<TAcc, TLanes, Int2, Int1>(in s, row, column, valid); break;
            case (3, 4): Tile<TAcc, TLanes, Int3, Int4>(in s, row, column, valid); break;
            case (3, 2): Tile<TAcc, TLanes, Int3, Int2>(in s, row, column, valid); break;
            case (3, 1): Tile<TAcc, TLanes, Int3, Int1>(in s, row, column, valid); break;
            case (4, 4): Tile<TAcc, TLanes, Int4, Int4>(in s, row, column, valid); break;
            case (4, 2): Tile<TAcc, TLanes, Int4, Int2>(in s, row, column, valid); break;
            case (4, 1): Tile<TAcc, TLanes, Int4, Int1>(in s, row, column, valid); break;
            default: throw new UnreachableException($"No int8 strip of {rows} rows × {vectors} registers: one row takes up to 16 registers, more rows up to 4.");
        }
    }

    /// <summary>
    /// One strip: rows <c>row … row+TRows−1</c>, registers of columns from <paramref name="column"/>, of which
    /// <paramref name="valid"/> exist in y. Out of line, so the accumulators stay in registers through the k loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TAcc, TLanes, TRows, TVectors>(in Strip s, int row, int column, int valid)
        where TAcc : unmanaged
        where TLanes : struct, IInt8Lanes<TAcc>
        where TRows : struct, IConstant
        where TVectors : struct, IConstant
    {
        Debug.Assert(TRows.Value == 1 || TVectors.Value <= 4, "Rows 1-3 have accumulators for 4 registers.");
        var step = 4 * (nint)TLanes.Count;
        ref var u = ref Unsafe.Add(ref s.Codes, row * s.CodesStride);
        ref var q = ref Unsafe.Add(ref s.Packed, 4 * (nint)column);
        var stride = s.CodesStride;
        TAcc c00 = TLanes.Zero, c01 = TLanes.Zero, c02 = TLanes.Zero, c03 = TLanes.Zero, c04 = TLanes.Zero, c05 = TLanes.Zero, c06 = TLanes.Zero, c07 = TLanes.Zero;
        TAcc c08 = TLanes.Zero, c09 = TLanes.Zero, c0A = TLanes.Zero, c0B = TLanes.Zero, c0C = TLanes.Zero, c0D = TLanes.Zero, c0E = TLanes.Zero, c0F = TLanes.Zero;
        TAcc c10 = TLanes.Zero, c11 = TLanes.Zero, c12 = TLanes.Zero, c13 = TLanes.Zero, c20 = TLanes.Zero, c21 = TLanes.Zero, c22 = TLanes.Zero, c23 = TLanes.Zero, c30 = TLanes.Zero, c31 = TLanes.Zero, c32 = TLanes.Zero, c33 = TLanes.Zero;

        var groups = s.Groups;
        var rowBytes = s.PackedRowBytes;
        nint at = 0;
        for (nint g = 0; g < groups; g++, at += rowBytes)
        {
            var u0 = TLanes.Broadcast(ref Unsafe.Add(ref u, 4 * g));
            var u1 = TRows.Value > 1 ? TLanes.Broadcast(ref Unsafe.Add(ref u, stride + (4 * g))) : default;
            var u2 = TRows.Value > 2 ? TLanes.Broadcast(ref Unsafe.Add(ref u, (2 * stride) + (4 * g))) : default;
            var u3 = TRows.Value > 3 ? TLanes.Broadcast(ref Unsafe.Add(ref u, (3 * stride) + (4 * g))) : default;
            Column<TAcc, TLanes, TRows>(ref Unsafe.Add(ref q, at), u0, u1, u2, u3, ref c00, ref c10, ref c20, ref c30);

            if (TVectors.Value > 1)
            {
                Column<TAcc, TLanes, TRows>(ref Unsafe.Add(ref q, at + step), u0, u1, u2, u3, ref c01, ref c11, ref c21, ref c31);
            }

            if (TVectors.Value > 2)
            {
                Column<TAcc, TLanes, TRows>(ref Unsafe.Add(ref q, at + (2 * step)), u0, u1, u2, u3, ref c02, ref c12, ref c22, ref c32);
            }

            if (TVectors.Value > 3)
            {
                Column<TAcc, TLanes, TRows>(ref Unsafe.Add(ref q, at + (3 * step)), u0, u1, u2, u3, ref c03, ref c13, ref c23, ref c33);
            }

            if (TVectors.Value > 4)
            {
                c04 = TLanes.DotAdd(c04, u0, ref Unsafe.Add(ref q, at + (4 * step)));
                c05 = TLanes.DotAdd(c05, u0, ref Unsafe.Add(ref q, at + (5 * step)));
                c06 = TLanes.DotAdd(c06, u0, ref Unsafe.Add(ref q, at + (6 * step)));
                c07 = TLanes.DotAdd(c07, u0, ref Unsafe.Add(ref q, at + (7 * step)));
            }

            if (TVectors.Value > 8)
            {
                c08 = TLanes.DotAdd(c08, u0, ref Unsafe.Add(ref q, at + (8 * step)));
                c09 = TLanes.DotAdd(c09, u0, ref Unsafe.Add(ref q, at + (9 * step)));
                c0A = TLanes.DotAdd(c0A, u0, ref Unsafe.Add(ref q, at + (10 * step)));
                c0B = TLanes.DotAdd(c0B, u0, ref Unsafe.Add(ref q, at + (11 * step)));
                c0C = TLanes.DotAdd(c0C, u0, ref Unsafe.Add(ref q, at + (12 * step)));
                c0D = TLanes.DotAdd(c0D, u0, ref Unsafe.Add(ref q, at + (13 * step)));
                c0E = TLanes.DotAdd(c0E, u0, ref Unsafe.Add(ref q, at + (14 * step)));
                c0F = TLanes.DotAdd(c0F, u0, ref Unsafe.Add(ref q, at + (15 * step)));
            }
        }

        // The sums leave the registers for a stack tile before the epilogue: its rare out-of-line call (the last,
        // partial register of a row) would otherwise keep them live across a call, which the JIT answers by
        // spilling every accumulator on every k-group.
        Span<TAcc> buffer = stackalloc TAcc[TileRows * 16];
        ref var tile = ref MemoryMarshal.GetReference(buffer);
        Unsafe.Add(ref tile, 0) = c00;
        if (TVectors.Value > 1)
        {
            Unsafe.Add(ref tile, 1) = c01;
        }

        if (TVectors.Value > 2)
        {
            Unsafe.Add(ref tile, 2) = c02;
            Unsafe.Add(ref tile, 3) = c03;
        }

        if (TVectors.Value > 4)
        {
            Unsafe.Add(ref tile, 4) = c04;
            Unsafe.Add(ref tile, 5) = c05;
            Unsafe.Add(ref tile, 6) = c06;
            Unsafe.Add(ref tile, 7) = c07;
        }

        if (TVectors.Value > 8)
        {
            Unsafe.Add(ref tile, 8) = c08;
            Unsafe.Add(ref tile, 9) = c09;
            Unsafe.Add(ref tile, 10) = c0A;
            Unsafe.Add(ref tile, 11) = c0B;
            Unsafe.Add(ref tile, 12) = c0C;
            Unsafe.Add(ref tile, 13) = c0D;
            Unsafe.Add(ref tile, 14) = c0E;
            Unsafe.Add(ref tile, 15) = c0F;
        }

        // Rows 1-3: the first TVectors (≤ 4) of c_r0 … c_r3, at 16·r.
        if (TRows.Value > 1)
        {
            Keep<TAcc, TVectors>(ref Unsafe.Add(ref tile, 16), c10, c11, c12, c13);
        }

        if (TRows.Value > 2)
        {
            Keep<TAcc, TVectors>(ref Unsafe.Add(ref tile, 32), c20, c21, c22, c23);
        }

        if (TRows.Value > 3)
        {
            Keep<TAcc, TVectors>(ref Unsafe.Add(ref tile, 48), c30, c31, c32, c33);
        }

        for (var r = 0; r < TRows.Value; r++)
        {
            var o = new RowOut(in s, row + r, column, valid);
            for (var v = 0; v < TVectors.Value; v++)
            {
                Finish<TAcc, TLanes>(in o, v, Unsafe.Add(ref tile, (16 * r) + v));
            }
        }
    }

    /// <summary>The first TVectors of four accumulators to the tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep<TAcc, TVectors>(ref TAcc tile, TAcc c0, TAcc c1, TAcc c2, TAcc c3)
        where TAcc : unmanaged
        where TVectors : struct, IConstant
    {
        tile = c0;
        if (TVectors.Value > 1)
        {
            Unsafe.Add(ref tile, 1) = c1;
        }

        if (TVectors.Value > 2)
        {
            Unsafe.Add(ref tile, 2) = c2;
            Unsafe.Add(ref tile, 3) = c3;
        }
    }

    /// <summary><c>c_r = c_r + u_r · q</c> for the TRows rows: one load of weight codes serves every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column<TAcc, TLanes, TRows>(ref sbyte q, TAcc u0, TAcc u1, TAcc u2, TAcc u3, ref TAcc c0, ref TAcc c1, ref TAcc c2, ref TAcc c3)
        where TAcc : unmanaged
        where TLanes : struct, IInt8Lanes<TAcc>
        where TRows : struct, IConstant
    {
        c0 = TLanes.DotAdd(c0, u0, ref q);
        if (TRows.Value > 1)
        {
            c1 = TLanes.DotAdd(c1, u1, ref q);
        }

        if (TRows.Value > 2)
        {
            c2 = TLanes.DotAdd(c2, u2, ref q);
        }

        if (TRows.Value > 3)
        {
            c3 = TLanes.DotAdd(c3, u3, ref q);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TAcc, TLanes>(in RowOut o, int register, TAcc acc)
        where TAcc : unmanaged
        where TLanes : struct, IInt8Lanes<TAcc>
    {
        var at = register * TLanes.Count;
        if (at + TLanes.Count <= o.Valid)
        {
            TLanes.Finish(acc, o.ZeroPoint, o.RowScale, ref Unsafe.Add(ref o.Scales, at), ref Unsafe.Add(ref o.ColumnSums, at), ref Unsafe.Add(ref o.Bias, at), ref Unsafe.Add(ref o.Y, at));
        }
        else if (at < o.Valid)
        {
            FinishPartial<TAcc, TLanes>(in o, at, acc);
        }
    }

    /// <summary>The last register of a row, past whose <c>Valid</c> columns y ends: the lanes through memory and the reference's epilogue.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FinishPartial<TAcc, TLanes>(in RowOut o, int at, TAcc acc)
        where TAcc : unmanaged
        where TLanes : struct, IInt8Lanes<TAcc>
    {
        Span<int> lanes = stackalloc int[16];
        TLanes.Store(acc, ref MemoryMarshal.GetReference(lanes));
        for (var t = 0; at + t < o.Valid; t++)
        {
            var j = at + t;
            Unsafe.Add(ref o.Y, j) = QuantizedReference.Dequantize(
                lanes[t] - (o.ZeroPoint * Unsafe.Add(ref o.ColumnSums, j)),
                o.RowScale * Unsafe.Add(ref o.Scales, j),
                Unsafe.Add(ref o.Bias, j));
        }
    }

    /// <summary>The operands of a product, as refs and strides.</summary>
    private readonly ref struct Strip
    {
        public readonly ref byte Codes;
        public readonly nint CodesStride;
        public readonly nint Groups;
        public readonly ref sbyte Packed;
        public readonly nint PackedRowBytes;
        public readonly ref float RowScales;
        public readonly ref int ZeroPoints;
        public readonly ref float Scales;
        public readonly ref int ColumnSums;
        public readonly ref float Bias;
        public readonly ref float Y;
        public readonly nint YStride;

        public Strip(ref byte codes, nint codesStride, nint groups, ref sbyte packed, nint packedRowBytes, ref float rowScales, ref int zeroPoints, ref float scales, ref int columnSums, ref float bias, ref float y, nint yStride)
        {
            Codes = ref codes;
            CodesStride = codesStride;
            Groups = groups;
            Packed = ref packed;
            PackedRowBytes = packedRowBytes;
            RowScales = ref rowScales;
            ZeroPoints = ref zeroPoints;
            Scales = ref scales;
            ColumnSums = ref columnSums;
            Bias = ref bias;
            Y = ref y;
            YStride = yStride;
        }
    }

    /// <summary>One row's epilogue operands, from the strip's first column.</summary>
    private readonly ref struct RowOut
    {
        public readonly ref float Scales;
        public readonly ref int ColumnSums;
        public readonly ref float Bias;
        public readonly ref float Y;
        public readonly int ZeroPoint;
        public readonly float RowScale;
        public readonly int Valid;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public RowOut(in Strip s, int row, int column, int valid)
        {
            Scales = ref Unsafe.Add(ref s.Scales, column);
            ColumnSums = ref Unsafe.Add(ref s.ColumnSums, column);
            Bias = ref Unsafe.Add(ref s.Bias, column);
            Y = ref Unsafe.Add(ref s.Y, (row * s.YStride) + column);
            ZeroPoint = Unsafe.Add(ref s.ZeroPoints, row);
            RowScale = Unsafe.Add(ref s.RowScales, row);
            Valid = valid;
        }
    }
}
