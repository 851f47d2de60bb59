using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals.Operators;

using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// Cache blocking around <see cref="MicroKernel"/> for one SIMD width: column blocks, K blocks of <see cref="KBlock"/>,
/// row blocks of <see cref="RowBlock"/>, then column panels of NR = 1 or 2 vectors and row tiles of <see cref="TileRows"/>.
/// </summary>
/// <remarks>
/// <code>
///   for each column block (2 MB of packed B)   BLIS's NC loop; N ≤ 1024 floats is one block
///     for each K block (512)                   packed B panels: written by the first row block, reused by the rest
///       for each row block (240)               the A block (240 × 512) stays in L2 across the column panels
///         for each column panel (NR)           op(B) read in place when it can be, else its packed panel
///           for each row tile (MR)             micro-kernel; an N tail uses masked moves (a stack tile without them);
///                                              in the first row block each tile also prefetches a share of the
///                                              next panel's source rows (their pack then reads L2, not memory)
/// </code>
/// op(B) is read in place ("sup" path, BLIS's name) when its rows are contiguous and close together (see
/// <see cref="PackBStrideBytes"/>). A transposed B and N-tail panels are always packed, each panel once per K block
/// (not once per row block) into a per-thread buffer (<see cref="PackBuffers"/>). A is not packed: packing it into
/// k-major micro-panels measured no faster, so the micro-kernel broadcasts A elements wherever they are. The pack of
/// B's page-apart rows waits on memory unless they are prefetched (see <see cref="Packing.PrefetchDistance"/>). The
/// blocking and register budget are explained in docs/design.md; what was measured, kept and not kept is in
/// benchmarks/results/AMD-EPYC-Zen5-gemm.md ("Figures moved from code comments" and the sessions above it).
/// Every element of C sees the same sequence of FMAs whatever tile, panel path or thread computes it, so results
/// do not depend on the partition.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TVector">The register type.</typeparam>
/// <typeparam name="TSimd">The width.</typeparam>
[SkipLocalsInit]
internal static class GemmDriver<T, TVector, TSimd>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TVector : struct
    where TSimd : struct, ISimd<T, TVector>
{
    /// <summary>
    /// K block. Each block ends with a pass that stores the C tile and the next one reloads it, which costs cache
    /// misses once C outgrows L2; a 512 × 32-float B panel (64 KB) streams well from L2. 512 beat 256 and 1024
    /// (benchmarks/results/AMD-EPYC-Zen5-gemm.md, "Figures moved from code comments").
    /// </summary>
    public const int KBlock = 512;

    /// <summary>
    /// Row block: 240 floats or 120 doubles, multiples of every tile height (8, 6, 4); 240 × 512 floats of A is
    /// 480 KB, half of L2 (240 doubles filled all of L2 and ran slower: benchmarks/results/AMD-EPYC-Zen5-gemm.md).
    /// </summary>
    public static int RowBlock => 960 / Unsafe.SizeOf<T>();

    /// <summary>A contiguous op(B) is packed only when the call's row range is at least this tall (the copy is amortised over the tiles)…</summary>
    public const int PackRowThreshold = 64;

    /// <summary>
    /// …and only when its rows are at least this many bytes apart: then each k step of a panel is on its own
    /// page and the panel needs more TLB entries than the first-level TLB holds, and packing pays. Below that, reading
    /// B in place wins clearly (benchmarks/results/AMD-EPYC-Zen5-gemm.md, "Figures moved from code comments").
    /// </summary>
    public const int PackBStrideBytes = 4096;

    /// <summary>Whether this width has 32 vector registers (AVX-512) rather than 16 (AVX2, SSE, and the scalar path's xmm).</summary>
    public static bool WideRegisterFile => TSimd.Count * Unsafe.SizeOf<T>() >= 64;

    /// <summary>The tile height: 8 with 32 vector registers of 512 bits (16 for a one-vector panel: <see cref="TallMicroKernel"/>), 6 for the 16-register widths, 4 scalar.</summary>
    public static int TileRows => TSimd.Count == 1 ? 4 : WideRegisterFile ? 8 : 6;

    /// <summary>The panel width: two vectors, or one when all of N fits in one (a narrow layer wastes fewer lanes).</summary>
    public static int PanelWidth(int n) => n > TSimd.Count ? 2 * TSimd.Count : TSimd.Count;

    /// <summary>Computes the block of C in rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) and columns [<paramref name="columnStart"/>, <paramref name="columnEnd"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TActivation>(ref GemmProblem<T> problem, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where TActivation : struct, IActivationOperator<T>
    {
        var panelWidth = PanelWidth(problem.N);
        var twoColumns = panelWidth > TSimd.Count;
        var tileRows = TileRows;
        var kBlockMax = Math.Min(KBlock, problem.K);
        var columnBlock = ColumnBlock(panelWidth);
        var rows = rowEnd - rowStart;

        // Full panels of a contiguous op(B) are read in place unless its rows are far apart (see PackBStrideBytes);
        // a transposed B and N-tail panels are always packed, each panel once per column block and K block.
        var packFullPanels = problem.BTransposed || (problem.BStride * Unsafe.SizeOf<T>() >= PackBStrideBytes && rows >= PackRowThreshold);
        // Room for every panel of a column block, or, when full panels are read in place, for the one N-tail panel;
        // none (and no thread-static lookup) when nothing is packed: columnStart is panel-aligned, so only a range
        // that is not a whole number of panels has a tail.
        var packsTail = (columnEnd - columnStart) % panelWidth != 0;
        var packB = packFullPanels || packsTail
            ? PackBuffers.Current.B<T>(kBlockMax * (packFullPanels ? Math.Min(columnBlock, RoundUp(columnEnd - columnStart, panelWidth)) : panelWidth))
            : default;

        Span<T> cTile = stackalloc T[tileRows * panelWidth];
        Span<T> zTile = stackalloc T[tileRows * panelWidth];
        Span<T> biasTile = stackalloc T[panelWidth];

        scoped var tile = default(TileArguments<T>);
        tile.ARowStride = problem.ARowStride;
        tile.AKStride = problem.AKStride;
        tile.Alpha = problem.Alpha;
        tile.ActivationParameter = problem.ActivationParameter;
        tile.HasBias = problem.HasBias;
        tile.BiasPerRow = problem.BiasPerRow;
        tile.StoreZ = problem.StoreZ;

        for (var jc = columnStart; jc < columnEnd; jc += columnBlock)
        {
            var jcEnd = Math.Min(columnEnd, jc + columnBlock);
            var k0 = 0;
            do
            {
                // K = 0 still runs one empty block: C = β·C (+ bias, activation).
                var kBlock = Math.Min(KBlock, problem.K - k0);
                var first = k0 == 0;
                tile.KBlock = kBlock;
                tile.Final = k0 + kBlock >= problem.K;
                tile.LoadC = !first || problem.Beta != T.Zero;
                tile.Beta = first ? problem.Beta : T.One;

                for (var i0 = rowStart; i0 < rowEnd; i0 += RowBlock)
                {
                    var rowBlock = Math.Min(RowBlock, rowEnd - i0);

                    // The first row block's share of the next panel's rows per tile (see prefetchNext below).
                    var rowsPerTile = (kBlock + ((rowBlock + tileRows - 1) / tileRows) - 1) / ((rowBlock + tileRows - 1) / tileRows);
                    for (var j0 = jc; j0 < jcEnd; j0 += panelWidth)
                    {
                        var columns = Math.Min(panelWidth, jcEnd - j0);
                        var full = columns == panelWidth;
                        if (full && !packFullPanels)
                        {
                            tile.B = ref Unsafe.Add(ref problem.B, (k0 * problem.BStride) + j0);
                            tile.BKStride = problem.BStride;
                        }
                        else
                        {
                            // Packed by the first row block, reused by the others.
                            var panel = packB.Slice(packFullPanels ? (j0 - jc) * kBlock : 0, kBlock * panelWidth);
                            if (i0 == rowStart)
                            {
                                Packing.PackB<T, TVector, TSimd>(ref problem, k0, kBlock, j0, columns, panelWidth, panel);
                            }

                            tile.B = ref MemoryMarshal.GetReference(panel);
                            tile.BKStride = panelWidth;
                        }

                        if (problem.HasBias && !problem.BiasPerRow)
                        {
                            if (full || columns == TSimd.Count || TSimd.HasMaskedMemory)
                            {
                                tile.Bias = ref Unsafe.Add(ref problem.Bias, j0);
                            }
                            else
                            {
                                biasTile.Clear();
                                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref problem.Bias, j0), columns).CopyTo(biasTile);
                                tile.Bias = ref MemoryMarshal.GetReference(biasTile);
                            }
                        }

                        // First row block, full panels packed from B's rows (not transposed): while this panel's tiles run,
                        // each asks for a share of the next panel's rows of B in L2, so that pack reads L2 instead of waiting
                        // on rows a page apart one miss at a time (Packing.PrefetchDistance; figures in the remarks above).
                        var prefetchNext = i0 == rowStart && packFullPanels && !problem.BTransposed && j0 + (2 * panelWidth) <= jcEnd;
                        var prefetched = 0;

                        // A panel of one vector or less gets 16-row tiles on 32-register widths (TallMicroKernel); the row
                        // block's last rows, fewer than 16, take the 8-row kernel. Not where the tail needs the 8-row stack
                        // tile below (no masked moves: never so on AVX-512 today).
                        var tall = WideRegisterFile && columns <= TSimd.Count && (columns == TSimd.Count || TSimd.HasMaskedMemory);
                        int tileHeight;
                        for (var i = i0; i < i0 + rowBlock; i += tileHeight)
                        {
                            tileHeight = tall && i0 + rowBlock - i >= TallMicroKernel.Rows ? TallMicroKernel.Rows : Math.Min(tileRows, i0 + rowBlock - i);
                            if (prefetchNext)
                            {
                                var until = Math.Min(kBlock, prefetched + rowsPerTile);
                                Packing.PrefetchPanel(ref Unsafe.Add(ref problem.B, (k0 * problem.BStride) + j0 + panelWidth), problem.BStride, prefetched, until, panelWidth);
                                prefetched = until;
                            }

                            tile.A = ref Unsafe.Add(ref problem.A, (i * problem.ARowStride) + (k0 * problem.AKStride));
                            if (problem.BiasPerRow)
                            {
                                tile.Bias = ref Unsafe.Add(ref problem.Bias, i);
                            }

                            if (full)
                            {
                                tile.C = ref Unsafe.Add(ref problem.C, (i * problem.CStride) + j0);
                                tile.CStride = problem.CStride;
                                tile.Z = ref Unsafe.Add(ref problem.Z, (i * problem.ZStride) + j0);
                                tile.ZStride = problem.ZStride;
                                RunTile<TActivation>(ref tile, tileHeight, twoColumns);
                                continue;
                            }

                            if (columns == TSimd.Count || TSimd.HasMaskedMemory)
                            {
                                // N tail of exactly one vector (a one-vector tile), or masked moves for the valid columns.
                                tile.C = ref Unsafe.Add(ref problem.C, (i * problem.CStride) + j0);
                                tile.CStride = problem.CStride;
                                tile.Z = ref Unsafe.Add(ref problem.Z, (i * problem.ZStride) + j0);
                                tile.ZStride = problem.ZStride;
                                tile.Columns = columns;
                                if (columns == TSimd.Count)
                                {
                                    RunTile<Int1, No, TActivation>(ref tile, tileHeight);
                                }
                                else if (columns > TSimd.Count)
                                {
                                    RunTile<Int2, Yes, TActivation>(ref tile, tileHeight);
                                }
                                else
                                {
                                    RunTile<Int1, Yes, TActivation>(ref tile, tileHeight);
                                }

                                continue;
                            }

                            // N tail without masked moves: run the kernel on a stack tile and copy the valid columns in and out, so
                            // nothing outside the views is read or written.
                            ref var c = ref Unsafe.Add(ref problem.C, (i * problem.CStride) + j0);
                            if (tile.LoadC)
                            {
                                CopyTile(ref c, problem.CStride, ref MemoryMarshal.GetReference(cTile), panelWidth, tileHeight, columns);
                            }

                            tile.C = ref MemoryMarshal.GetReference(cTile);
                            tile.CStride = panelWidth;
                            tile.Z = ref MemoryMarshal.GetReference(zTile);
                            tile.ZStride = panelWidth;
                            RunTile<TActivation>(ref tile, tileHeight, twoColumns);
                            CopyTile(ref MemoryMarshal.GetReference(cTile), panelWidth, ref c, problem.CStride, tileHeight, columns);
                            if (tile.Final && problem.StoreZ)
                            {
                                CopyTile(ref MemoryMarshal.GetReference(zTile), panelWidth, ref Unsafe.Add(ref problem.Z, (i * problem.ZStride) + j0), problem.ZStride, tileHeight, columns);
                            }
                        }
                    }
                }

                k0 += kBlock;
            }
            while (k0 < problem.K);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Columns per column block: the packed B block (K block × columns) stays within 2 MB (L3; one panel of it in L2).</summary>
    private static int ColumnBlock(int panelWidth) => Math.Max(panelWidth, ((2 << 20) / (KBlock * Unsafe.SizeOf<T>())) / panelWidth * panelWidth);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunTile<TActivation>(ref TileArguments<T> tile, int rows, bool twoColumns)
        where TActivation : struct, IActivationOperator<T>
    {
        if (twoColumns)
        {
            RunTile<Int2, No, TActivation>(ref tile, rows);
        }
        else
        {
            RunTile<Int1, No, TActivation>(ref tile, rows);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTile<TColumns, TPartial, TActivation>(ref TileArguments<T> tile, int rows)
        where TColumns : struct, IConstant
        where TPartial : struct, IFlag
        where TActivation : struct, IActivationOperator<T>
    {
        switch (rows)
        {
            case TallMicroKernel.Rows:
                Debug.Assert(TColumns.Value == 1 && WideRegisterFile, "16-row tiles are for one-vector panels on 32 registers.");
                TallMicroKernel.Run<T, TVector, TSimd, TPartial, TActivation>(ref tile);
                break;
            case 8: MicroKernel.Run<T, TVector, TSimd, Int8, TColumns, TPartial, TActivation>(ref tile); break;
            case 7: MicroKernel.Run<T, TVector, TSimd, Int7, TColumns, TPartial, TActivation>(ref tile); break;
            case 6: MicroKernel.Run<T, TVector, TSimd, Int6, TColumns, TPartial, TActivation>(ref tile); break;
            case 5: MicroKernel.Run<T, TVector, TSimd, Int5, TColumns, TPartial, TActivation>(ref tile); break;
            case 4: MicroKernel.Run<T, TVector, TSimd, Int4, TColumns, TPartial, TActivation>(ref tile); break;
            case 3: MicroKernel.Run<T, TVector, TSimd, Int3, TColumns, TPartial, TActivation>(ref tile); break;
            case 2: MicroKernel.Run<T, TVector, TSimd, Int2, TColumns, TPartial, TActivation>(ref tile); break;
            default: MicroKernel.Run<T, TVector, TSimd, Int1, TColumns, TPartial, TActivation>(ref tile); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyTile(ref T source, nint sourceStride, ref T destination, nint destinationStride, int rows, int columns)
    {
        for (var r = 0; r < rows; r++)
        {
            ref var s = ref Unsafe.Add(ref source, r * sourceStride);
            ref var d = ref Unsafe.Add(ref destination, r * destinationStride);
            for (var j = 0; j < columns; j++)
            {
                Unsafe.Add(ref d, j) = Unsafe.Add(ref s, j);
            }
        }
    }
}
