using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// The few-rows kernel for a row-contiguous op(B): a <c>TRows × (TVectors·Count)</c> strip of C, summed over the
/// whole of K in registers (per K-chunk; row groups park their sums between blocks), with one broadcast of op(A) per row and one load of op(B) per vector per k.
/// </summary>
/// <remarks>
/// <code>
///            op(B) row k: TVectors vectors (contiguous), streamed row after row
///            [b0 ...][b1 ...] … [b7 ...]
///   a(r,k) ► [c(r,0)][c(r,1)] … [c(r,7)]     r &lt; TRows ≤ 4; a(r,k) broadcast from A (any strides)
/// </code>
/// With M = 1 the tile micro-kernel has 2 dependent FMA chains per k, so it runs at the FMA latency (4 cycles on
/// Zen 5), a quarter of what the weights' stream from L2 allows. Here one row has up to 8 independent chains (2 FMA
/// pipes × 4 cycles) and the loads run along the rows of op(B), so the kernel is bound by how fast B arrives. Each
/// column is one FMA chain over k = 0 … K−1 (over each of the 4 K-chunks of a large op(B), then the chunks in order:
/// see <see cref="ChunkBytes"/>) whatever strip, tail or thread computes it, so results do not depend on the
/// partition. The loop is written vector-major (load b_v, then its TRows FMAs) so at most one B vector is live
/// beside the accumulators and the TRows broadcasts. The last vector is masked when <c>TPartial</c>.
/// </remarks>
[SkipLocalsInit]
internal static class SmallRowsKernel
{
    /// <summary>
    /// op(B) of at least this many bytes is summed in <see cref="Chunks"/> K-chunks visited in alternating order from
    /// call to call. Single-sample inference streams all its weights every call, and 784-256-128-10's 939 KB barely fit
    /// the 1 MB L2: read in the same order each time, the lines needed first are the ones evicted longest ago, so most
    /// of layer 1 came from L3. Starting where the previous call ended re-reads what is still in L2 first; 4 chunks
    /// measured best (benchmarks/results/AMD-EPYC-Zen5-network.md, "Figures moved from code comments").
    /// </summary>
    public const int ChunkBytes = 256 * 1024;

    /// <summary>The K-chunks of a large op(B) (see <see cref="ChunkBytes"/>).</summary>
    public const int Chunks = 4;

    /// <summary>The tallest product of the few-rows path (see <see cref="SmallRows{T, TVector, TSimd}.MaxRows"/>).</summary>
    public const int MaxRows = 16;

    /// <summary>The rows of one register tile; taller products run as groups of these (see <see cref="Run"/>).</summary>
    public const int GroupRows = 4;


    /// <summary>
    /// The bytes of a strip that the groups of a taller product read in turn before moving on along k: what the first
    /// group reads from memory is still in L1 or L2 for the others. 8, 16 and 32 KB measured alike on the Intel VM
    /// (benchmarks/results/Intel-Xeon-EmeraldRapids-peers.md, "What bounds the groups").
    /// </summary>
    public const int BlockBytes = 16 * 1024;

    /// <summary>
    /// Tests only: products of 5 … <see cref="MaxRows"/> rows called from this thread take the few-rows path whatever
    /// the size of op(B) (see <see cref="SmallRows{T, TVector, TSimd}.GroupedBytes"/>), so small shapes cover it.
    /// </summary>
    [ThreadStatic]
    internal static bool GroupedAnySize;

    /// <summary>Whether this thread's next large product visits its K-chunks last to first (it flips every call).</summary>
    [ThreadStatic]
    private static bool t_reverse;

    /// <summary>Whether <paramref name="problem"/>'s op(B) is summed in K-chunks (see <see cref="ChunkBytes"/>).</summary>
    public static bool Chunked<T>(ref GemmProblem<T> problem)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        problem.BBytes >= ChunkBytes && problem.K >= Chunks;

    /// <summary>The direction for this call's K-chunks on this thread; the next call gets the other one.</summary>
    public static bool NextDirection()
    {
        var reverse = t_reverse;
        t_reverse = !reverse;
        return reverse;
    }

    /// <summary>Computes the strip of C at columns [<paramref name="column"/>, <paramref name="column"/> + <paramref name="columns"/>) with the store phase of <see cref="SmallRows{T, TVector, TSimd}"/>.</summary>
    /// <remarks>
    /// <para>
    /// With K-chunks, each chunk is summed from zero and the partial sums are added in chunk order,
    /// <c>((p₀ + p₁) + p₂) + p₃</c>, whichever order the chunks were read in: the result depends only on the shape
    /// (whether op(B) reaches <see cref="ChunkBytes"/>, and K), never on the call, the direction or the thread.
    /// </para>
    /// <para>
    /// More than <see cref="GroupRows"/> rows (TRows is then <see cref="GroupRows"/>) run as the fewest groups of at
    /// most <see cref="GroupRows"/> rows over blocks of <see cref="BlockBytes"/> of the strip: op(B) is streamed from memory
    /// once per call, and re-read from L1 or L2 by the other groups. A group's sums are parked between blocks and carried on
    /// in the next, so each column of each row is still one FMA chain over its chunk: a row's results are the same
    /// bits whatever M (up to <see cref="SmallRows{T, TVector, TSimd}.MaxRows"/>) it is computed in.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TVector, TSimd, TRows, TVectors, TPartial>(ref GemmProblem<T> problem, int column, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TRows : struct, IConstant
        where TVectors : struct, IConstant
        where TPartial : struct, IFlag
    {
        var k = problem.K;
        var last = columns - ((TVectors.Value - 1) * TSimd.Count);
        var grouped = TRows.Value == GroupRows && problem.M > GroupRows;
        var groups = grouped ? (problem.M + GroupRows - 1) / GroupRows : 1;
        var chunks = Chunked(ref problem) ? Chunks : 1;
        var tileLength = TRows.Value * TVectors.Value;
        Unsafe.SkipInit(out SmallRowsTiles<TVector> tiles);
        for (var t = 0; t < chunks * groups; t++)
        {
            for (var i = 0; i < tileLength; i++)
            {
                tiles[t][i] = TSimd.Zero;
            }
        }

        // One block per chunk for a single group; with groups, blocks small enough to be still in L1 or L2 when the
        // groups after the first read them.
        var block = grouped ? BlockBytes / (TVectors.Value * TSimd.Count * Unsafe.SizeOf<T>()) : k;
        var lines = ((columns * Unsafe.SizeOf<T>()) + 63) / 64;
        for (var q = 0; q < chunks; q++)
        {
            // Chunk c covers k in [c·K/4, (c+1)·K/4), read in the call's direction.
            var c = problem.ReverseChunks ? chunks - 1 - q : q;
            var end = (int)((long)(c + 1) * k / chunks);
            for (var start = (int)((long)c * k / chunks); start < end; start += block)
            {
                var blockEnd = Math.Min(end, start + block);
                if (!grouped)
                {
                    Accumulate<T, TVector, TSimd, TRows, TVectors, TPartial>(ref problem, 0, column, last, start, blockEnd - start, ref tiles[c], 0, 0);
                    continue;
                }

                // Each group asks for its share of the next block's lines while it computes this one.
                for (var g = 0; g < groups; g++)
                {
                    ref var tile = ref tiles[(c * groups) + g];
                    var first = GroupStart(problem.M, groups, g);
                    switch (GroupStart(problem.M, groups, g + 1) - first)
                    {
                        case GroupRows: Accumulate<T, TVector, TSimd, Int4, TVectors, TPartial>(ref problem, first, column, last, start, blockEnd - start, ref tile, lines * g / groups * 64, lines * (g + 1) / groups * 64); break;
                        case 3: Accumulate<T, TVector, TSimd, Int3, TVectors, TPartial>(ref problem, first, column, last, start, blockEnd - start, ref tile, lines * g / groups * 64, lines * (g + 1) / groups * 64); break;
                        case 2: Accumulate<T, TVector, TSimd, Int2, TVectors, TPartial>(ref problem, first, column, last, start, blockEnd - start, ref tile, lines * g / groups * 64, lines * (g + 1) / groups * 64); break;
                        default: throw new UnreachableException("Balanced groups of 5 … 16 rows hold 2 … 4 rows each.");
                    }
                }
            }
        }

        for (var g = 0; g < groups; g++)
        {
            ref var parked = ref tiles[g];
            if (chunks > 1)
            {
                for (var i = 0; i < tileLength; i++)
                {
                    parked[i] = TSimd.Add(TSimd.Add(TSimd.Add(parked[i], tiles[groups + g][i]), tiles[(2 * groups) + g][i]), tiles[(3 * groups) + g][i]);
                }
            }

            var first = GroupStart(problem.M, groups, g);
            StoreTile<T, TVector, TSimd>(ref problem, ref parked, first, GroupStart(problem.M, groups, g + 1) - first, TVectors.Value, column, TPartial.Value ? last : TSimd.Count);
        }
    }

    /// <summary>
    /// The first row of group <paramref name="g"/> of <paramref name="groups"/>: the rows are shared out evenly (9 rows
    /// as 3 + 3 + 3, not 4 + 4 + 1), so no group is left with too few FMA chains to cover the FMA latency.
    /// </summary>
    private static int GroupStart(int rows, int groups, int g) => rows * g / groups;

    /// <summary>
    /// Adds <paramref name="steps"/> k from <paramref name="kStart"/> of the strip, for TRows rows from
    /// <paramref name="firstRow"/>, onto the sums parked in <paramref name="parked"/> (element <c>r·TVectors + v</c>).
    /// Bytes [<paramref name="prefetchFrom"/>, <paramref name="prefetchTo"/>) of the strip's row <paramref name="steps"/>
    /// further on are asked for at each step (none when the range is empty): a group's share of the next block.
    /// Out of line, so the accumulators stay in registers through the loop whatever the caller does around it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Accumulate<T, TVector, TSimd, TRows, TVectors, TPartial>(ref GemmProblem<T> problem, int firstRow, int column, int last, int kStart, int steps, ref SmallRowsTile<TVector> parked, int prefetchFrom, int prefetchTo)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TRows : struct, IConstant
        where TVectors : struct, IConstant
        where TPartial : struct, IFlag
    {
        // Locals, not fields: stores through C could alias the problem struct as far as the JIT knows.
        var k = (nint)steps;
        var aKStride = problem.AKStride;
        var o1 = problem.ARowStride;
        var o2 = 2 * o1;
        var o3 = 3 * o1;
        var bStride = problem.BStride;
        ref var a = ref Unsafe.Add(ref problem.A, ((nint)kStart * aKStride) + (firstRow * o1));
        ref var b = ref Unsafe.Add(ref problem.B, ((nint)kStart * bStride) + column);

        // A raw pointer, never a ref: the rows ahead may lie past the end of op(B), and a hint never faults.
        var ahead = (byte*)Unsafe.AsPointer(ref b) + (k * bStride * Unsafe.SizeOf<T>());
        var n = TVectors.Value;
        Unpark<TVector, TVectors>(ref parked, 0, out var c00, out var c01, out var c02, out var c03, out var c04, out var c05, out var c06, out var c07);
        TVector c08 = default, c09 = default, c0A = default, c0B = default, c0C = default, c0D = default, c0E = default, c0F = default;
        TVector c10 = default, c11 = default, c12 = default, c13 = default, c14 = default, c15 = default, c16 = default, c17 = default;
        TVector c20 = default, c21 = default, c22 = default, c23 = default, c24 = default, c25 = default, c26 = default, c27 = default;
        TVector c30 = default, c31 = default, c32 = default, c33 = default, c34 = default, c35 = default, c36 = default, c37 = default;
        if (TVectors.Value > 8)
        {
            Unpark<TVector, TVectors>(ref parked, 8, out c08, out c09, out c0A, out c0B, out c0C, out c0D, out c0E, out c0F);
        }

        if (TRows.Value > 1)
        {
            Unpark<TVector, TVectors>(ref parked, n, out c10, out c11, out c12, out c13, out c14, out c15, out c16, out c17);
        }

        if (TRows.Value > 2)
        {
            Unpark<TVector, TVectors>(ref parked, 2 * n, out c20, out c21, out c22, out c23, out c24, out c25, out c26, out c27);
        }

        if (TRows.Value > 3)
        {
            Unpark<TVector, TVectors>(ref parked, 3 * n, out c30, out c31, out c32, out c33, out c34, out c35, out c36, out c37);
        }

        for (nint p = 0; p < k; p++)
        {
            if (p != 0)
            {
                // Step between k, not after the last one (see MicroKernel.Run: no ref past the end of A or B).
                a = ref Unsafe.Add(ref a, aKStride);
                b = ref Unsafe.Add(ref b, bStride);
            }

            for (nint o = prefetchFrom; o < prefetchTo; o += 64)
            {
                Prefetch.Line(ahead + (p * bStride * Unsafe.SizeOf<T>()) + o);
            }

            var x0 = TSimd.Broadcast(a);
            var x1 = TRows.Value > 1 ? TSimd.Broadcast(Unsafe.Add(ref a, o1)) : default;
            var x2 = TRows.Value > 2 ? TSimd.Broadcast(Unsafe.Add(ref a, o2)) : default;
            var x3 = TRows.Value > 3 ? TSimd.Broadcast(Unsafe.Add(ref a, o3)) : default;
            Column<T, TVector, TSimd, TRows>(LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 0, last), x0, x1, x2, x3, ref c00, ref c10, ref c20, ref c30);
            if (TVectors.Value > 1)
            {
                Column<T, TVector, TSimd, TRows>(LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 1, last), x0, x1, x2, x3, ref c01, ref c11, ref c21, ref c31);
            }

            if (TVectors.Value > 2)
            {
                Column<T, TVector, TSimd, TRows>(LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 2, last), x0, x1, x2, x3, ref c02, ref c12, ref c22, ref c32);
            }

            if (TVectors.Value > 3)
            {
                Column<T, TVector, TSimd, TRows>(LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 3, last), x0, x1, x2, x3, ref c03, ref c13, ref c23, ref c33);
            }

            if (TVectors.Value > 4)
            {
                Column<T, TVector, TSimd, TRows>(LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 4, last), x0, x1, x2, x3, ref c04, ref c14, ref c24, ref c34);
            }

            if (TVectors.Value > 5)
            {
                Column<T, TVector, TSimd, TRows>(LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 5, last), x0, x1, x2, x3, ref c05, ref c15, ref c25, ref c35);
            }

            if (TVectors.Value > 6)
            {
                Column<T, TVector, TSimd, TRows>(LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 6, last), x0, x1, x2, x3, ref c06, ref c16, ref c26, ref c36);
            }

            if (TVectors.Value > 7)
            {
                Column<T, TVector, TSimd, TRows>(LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 7, last), x0, x1, x2, x3, ref c07, ref c17, ref c27, ref c37);
            }

            if (TVectors.Value > 8)
            {
                // Vectors 8 … 15: the one-row strip only (the driver never pairs more than 8 vectors with TRows > 1).
                Debug.Assert(TRows.Value == 1, "More than 8 vectors only in the one-row strip: rows 1-3 have no accumulators past c?7.");
                c08 = TSimd.MultiplyAdd(x0, LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 8, last), c08);
                c09 = TSimd.MultiplyAdd(x0, LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 9, last), c09);
                c0A = TSimd.MultiplyAdd(x0, LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 10, last), c0A);
                c0B = TSimd.MultiplyAdd(x0, LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 11, last), c0B);
                c0C = TSimd.MultiplyAdd(x0, LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 12, last), c0C);
                c0D = TSimd.MultiplyAdd(x0, LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 13, last), c0D);
                c0E = TSimd.MultiplyAdd(x0, LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 14, last), c0E);
                c0F = TSimd.MultiplyAdd(x0, LoadB<T, TVector, TSimd, TVectors, TPartial>(ref b, 15, last), c0F);
            }

        }

        // Park the accumulators; the store phase runs out of line: inlined here, its temporaries on top of 24 live
        // accumulators exceeded the 32 registers and the JIT spilled accumulators inside the k loop (measured at
        // M = 3: a store after every FMA, half the speed).
        Park<TVector, TVectors>(ref parked, 0, c00, c01, c02, c03, c04, c05, c06, c07);
        if (TVectors.Value > 8)
        {
            Park<TVector, TVectors>(ref parked, 8, c08, c09, c0A, c0B, c0C, c0D, c0E, c0F);
        }

        if (TRows.Value > 1)
        {
            Park<TVector, TVectors>(ref parked, n, c10, c11, c12, c13, c14, c15, c16, c17);
        }

        if (TRows.Value > 2)
        {
            Park<TVector, TVectors>(ref parked, 2 * n, c20, c21, c22, c23, c24, c25, c26, c27);
        }

        if (TRows.Value > 3)
        {
            Park<TVector, TVectors>(ref parked, 3 * n, c30, c31, c32, c33, c34, c35, c36, c37);
        }
    }

    /// <summary>Vector <paramref name="v"/> of the current op(B) row; the last one masked to <paramref name="last"/> lanes when partial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LoadB<T, TVector, TSimd, TVectors, TPartial>(ref T b, int v, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TVectors : struct, IConstant
        where TPartial : struct, IFlag
    {
        ref var source = ref Unsafe.Add(ref b, v * TSimd.Count);
        return TPartial.Value && v == TVectors.Value - 1 ? TSimd.LoadPartial(ref source, last) : TSimd.Load(ref source);
    }

    /// <summary>
    /// <c>c_r += x_r · b</c> for the TRows rows: one B vector times the TRows broadcasts of op(A) here, one B row's
    /// vector times the TRows op(A) vectors in <see cref="SmallRowsDotKernel"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Column<T, TVector, TSimd, TRows>(TVector b, TVector x0, TVector x1, TVector x2, TVector x3, ref TVector c0, ref TVector c1, ref TVector c2, ref TVector c3)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TRows : struct, IConstant
    {
        c0 = TSimd.MultiplyAdd(x0, b, c0);
        if (TRows.Value > 1)
        {
            c1 = TSimd.MultiplyAdd(x1, b, c1);
        }

        if (TRows.Value > 2)
        {
            c2 = TSimd.MultiplyAdd(x2, b, c2);
        }

        if (TRows.Value > 3)
        {
            c3 = TSimd.MultiplyAdd(x3, b, c3);
        }
    }

    /// <summary>Up to 8 accumulators (one row, or vectors 8 … 15 of the one-row strip) into the parked tile from <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Park<TVector, TVectors>(ref SmallRowsTile<TVector> parked, int at, TVector v0, TVector v1, TVector v2, TVector v3, TVector v4, TVector v5, TVector v6, TVector v7)
        where TVector : struct
        where TVectors : struct, IConstant
    {
        var n = Math.Min(TVectors.Value, 8);
        parked[at] = v0;
        if (n > 1)
        {
            parked[at + 1] = v1;
        }

        if (n > 2)
        {
            parked[at + 2] = v2;
        }

        if (n > 3)
        {
            parked[at + 3] = v3;
        }

        if (n > 4)
        {
            parked[at + 4] = v4;
        }

        if (n > 5)
        {
            parked[at + 5] = v5;
        }

        if (n > 6)
        {
            parked[at + 6] = v6;
        }

        if (n > 7)
        {
            parked[at + 7] = v7;
        }
    }

    /// <summary>Up to 8 parked sums (one row, or vectors 8 … 15 of the one-row strip) from <paramref name="at"/>; the rest default.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unpark<TVector, TVectors>(ref SmallRowsTile<TVector> parked, int at, out TVector v0, out TVector v1, out TVector v2, out TVector v3, out TVector v4, out TVector v5, out TVector v6, out TVector v7)
        where TVector : struct
        where TVectors : struct, IConstant
    {
        var n = Math.Min(TVectors.Value, 8);
        v0 = parked[at];
        v1 = n > 1 ? parked[at + 1] : default;
        v2 = n > 2 ? parked[at + 2] : default;
        v3 = n > 3 ? parked[at + 3] : default;
        v4 = n > 4 ? parked[at + 4] : default;
        v5 = n > 5 ? parked[at + 5] : default;
        v6 = n > 6 ? parked[at + 6] : default;
        v7 = n > 7 ? parked[at + 7] : default;
    }

    /// <summary>The store phase of a parked strip of <paramref name="rows"/> rows from <paramref name="firstRow"/>; the last vector of each row keeps <paramref name="last"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreTile<T, TVector, TSimd>(ref GemmProblem<T> problem, ref SmallRowsTile<TVector> parked, int firstRow, int rows, int vectors, int column, int last)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
    {
        var partial = last < TSimd.Count;
        for (var r = 0; r < rows; r++)
        {
            for (var v = 0; v < vectors; v++)
            {
                SmallRows<T, TVector, TSimd>.Store(ref problem, firstRow + r, column + (v * TSimd.Count), parked[(r * vectors) + v], partial && v == vectors - 1, last);
            }
        }
    }
}
