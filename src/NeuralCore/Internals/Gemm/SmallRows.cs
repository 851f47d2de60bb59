using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals.Operators;

using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// The few-rows path (M ≤ <see cref="MaxRows"/>: single-sample inference, tiny batches): no cache blocking, no packing,
/// op(B) streamed once per strip of columns by <see cref="SmallRowsKernel"/>, or read along its rows by
/// <see cref="SmallRowsDotKernel"/> when it is transposed. The store phase is the tile path's
/// (<see cref="TileArguments{T}"/>): <c>v = α·acc (+ β·C when β ≠ 0); v += bias; Z = v; C = f(v)</c>.
/// </summary>
/// <remarks>
/// <code>
///   for each strip of ChunkVectors(M) vectors of columns   one pass over K (4 K-chunks when op(B) ≥ 256 KB), the strip in registers
///     SmallRowsKernel (op(B) rows contiguous)               or, op(B) transposed: 4 outputs per SmallRowsDotKernel call
///   then f over the rows just written (still in L1)
/// </code>
/// The activation is a second pass, as in <see cref="MicroKernel"/>: exp is a call, and a call with accumulators
/// live makes the JIT spill them (x64 has no callee-saved vector registers).
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TVector">The register type.</typeparam>
/// <typeparam name="TSimd">The width.</typeparam>
internal static class SmallRows<T, TVector, TSimd>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TVector : struct
    where TSimd : struct, ISimd<T, TVector>
{
    /// <summary>
    /// The tallest product this path takes. Up to 4 rows it is one register tile; taller products run as groups of
    /// 4 rows (<see cref="SmallRowsKernel.GroupRows"/>) that share each block of op(B), so the weights are streamed
    /// once per call where the tile path packs them first (benchmarks/results: "few rows").
    /// </summary>
    public const int MaxRows = SmallRowsKernel.MaxRows;

    /// <summary>
    /// Split over threads only when op(B) is at least this many bytes. The path is bound by streaming op(B) from L2,
    /// so a second core halves the bytes each one reads (and each keeps its half warm in its own L2); the hand-off
    /// costs ≈ 0.2 µs (see <see cref="GemmExecutor.ThreadingFlopThreshold"/>). 64 KB, which also splits the
    /// 784-256-128-10 predictor's middle layer, was no better (benchmarks/results/AMD-EPYC-Zen5-network.md).
    /// </summary>
    public const int ThreadingBytes = 192 * 1024;

    /// <summary>Whether splitting <paramref name="problem"/> over threads pays (see <see cref="ThreadingBytes"/>).</summary>
    public static bool PaysToSplit(ref GemmProblem<T> problem) =>
        problem.BBytes >= ThreadingBytes && problem.N >= 2 * Granule;

    /// <summary>Whether the few-rows path computes <paramref name="problem"/> (decided once per call by the executor, which hands the decision to its thread parts).</summary>
    public static bool Applies(ref GemmProblem<T> problem) =>
        problem.M <= SmallRowsKernel.GroupRows
            ? !problem.BTransposed || problem.AKStride == 1
            : problem.M <= MaxRows && !problem.BTransposed && (problem.BBytes >= GroupedBytes || SmallRowsKernel.GroupedAnySize);

    /// <summary>
    /// Products of more than 4 rows take this path only when op(B) is at least this large: then it comes from L3 or
    /// memory, and streaming it once beats packing it (3× at 8 × 2048 × 4096 on the Intel VM); an op(B) that stays in
    /// L2 is computed faster by the tile path, whose micro-kernel runs closer to the FMA peak (0.7× at 16 × 256 × 256)
    /// (benchmarks/results/Intel-Xeon-EmeraldRapids-peers.md, "few rows").
    /// </summary>
    public const int GroupedBytes = 2 * 1024 * 1024;

    /// <summary>
    /// Vectors of columns per strip for <paramref name="rows"/> rows: rows × vectors accumulators, plus the rows'
    /// broadcasts and one B vector, within 32 registers (AVX-512) or 16 (AVX2/SSE, and the scalar path's xmm).
    /// </summary>
    public static int ChunkVectors(int rows) => GemmDriver<T, TVector, TSimd>.WideRegisterFile
        ? rows switch { 1 => 16, 2 or 3 => 8, _ => 6 }
        : rows switch { 1 => 8, 2 => 4, 3 => 3, _ => 2 };

    /// <summary>
    /// A thread part's columns come in multiples of this: whole vectors (so the scalar tail of a width without masked
    /// moves is the global one and every column is summed the same way) of at least 64 bytes (no two threads write
    /// one cache line of C).
    /// </summary>
    public static int Granule => Math.Max(TSimd.Count, 64 / Unsafe.SizeOf<T>());

    /// <summary>Computes columns [<paramref name="columnStart"/>, <paramref name="columnEnd"/>) of every row of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TActivation>(ref GemmProblem<T> problem, int columnStart, int columnEnd)
        where TActivation : struct, IActivationOperator<T>
    {
        problem.ReverseChunks = SmallRowsKernel.Chunked(ref problem) && SmallRowsKernel.NextDirection();
        switch (problem.M)
        {
            case 1: RunRows<Int1>(ref problem, columnStart, columnEnd); break;
            case 2: RunRows<Int2>(ref problem, columnStart, columnEnd); break;
            case 3: RunRows<Int3>(ref problem, columnStart, columnEnd); break;
            default: RunRows<Int4>(ref problem, columnStart, columnEnd); break;
        }

        if (typeof(TActivation) != typeof(LinearOperator<T>))
        {
            MicroKernel.ActivateRows<T, TVector, TSimd, TActivation>(ref problem.C, problem.CStride, problem.M, columnStart, columnEnd, problem.ActivationParameter);
        }
    }

    /// <summary>A transposed op(B) by row dot products, otherwise by column strips.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunRows<TRows>(ref GemmProblem<T> problem, int columnStart, int columnEnd)
        where TRows : struct, IConstant
    {
        if (problem.BTransposed)
        {
            RunDot<TRows>(ref problem, columnStart, columnEnd);
        }
        else
        {
            RunStrips<TRows>(ref problem, columnStart, columnEnd);
        }
    }

    /// <summary>Whole strips, then one narrower (possibly masked) strip for the columns left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunStrips<TRows>(ref GemmProblem<T> problem, int columnStart, int columnEnd)
        where TRows : struct, IConstant
    {
        var vectors = ChunkVectors(TRows.Value);
        var chunk = vectors * TSimd.Count;
        var j = columnStart;
        for (; j <= columnEnd - chunk; j += chunk)
        {
            Strip<TRows, No>(ref problem, j, chunk, vectors);
        }

        var left = columnEnd - j;
        if (left == 0)
        {
            return;
        }

        var whole = left / TSimd.Count;
        if (left % TSimd.Count == 0)
        {
            Strip<TRows, No>(ref problem, j, left, whole);
            return;
        }

        if (TSimd.HasMaskedMemory)
        {
            Strip<TRows, Yes>(ref problem, j, left, whole + 1);
            return;
        }

        // No masked moves: the whole vectors here, the last few columns on the scalar width.
        if (whole > 0)
        {
            Strip<TRows, No>(ref problem, j, whole * TSimd.Count, whole);
        }

        SmallRows<T, T, SimdScalar<T>>.RunStrips<TRows>(ref problem, j + (whole * TSimd.Count), columnEnd);
    }

    private static void Strip<TRows, TPartial>(ref GemmProblem<T> problem, int column, int columns, int vectors)
        where TRows : struct, IConstant
        where TPartial : struct, IFlag
    {
        switch (vectors)
        {
            case 16: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Vectors16, TPartial>(ref problem, column, columns); break;
            case > 8:
                // A tail of 9 … 15 vectors (one-row strips only): 8, then the rest, each column summed over k the same way.
                Strip<TRows, No>(ref problem, column, 8 * TSimd.Count, 8);
                Strip<TRows, TPartial>(ref problem, column + (8 * TSimd.Count), columns - (8 * TSimd.Count), vectors - 8);
                break;
            case 8: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Int8, TPartial>(ref problem, column, columns); break;
            case 7: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Int7, TPartial>(ref problem, column, columns); break;
            case 6: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Int6, TPartial>(ref problem, column, columns); break;
            case 5: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Int5, TPartial>(ref problem, column, columns); break;
            case 4: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Int4, TPartial>(ref problem, column, columns); break;
            case 3: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Int3, TPartial>(ref problem, column, columns); break;
            case 2: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Int2, TPartial>(ref problem, column, columns); break;
            default: SmallRowsKernel.Run<T, TVector, TSimd, TRows, Int1, TPartial>(ref problem, column, columns); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunDot<TRows>(ref GemmProblem<T> problem, int columnStart, int columnEnd)
        where TRows : struct, IConstant
    {
        var j = columnStart;
        for (; j <= columnEnd - 4; j += 4)
        {
            SmallRowsDotKernel.Run<T, TVector, TSimd, TRows, Int4>(ref problem, j);
        }

        switch (columnEnd - j)
        {
            case 3: SmallRowsDotKernel.Run<T, TVector, TSimd, TRows, Int3>(ref problem, j); break;
            case 2: SmallRowsDotKernel.Run<T, TVector, TSimd, TRows, Int2>(ref problem, j); break;
            case 1: SmallRowsDotKernel.Run<T, TVector, TSimd, TRows, Int1>(ref problem, j); break;
            default: break;
        }
    }

    /// <summary>The store phase of one accumulator vector at (<paramref name="row"/>, <paramref name="column"/>); the first <paramref name="count"/> lanes only when <paramref name="partial"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(ref GemmProblem<T> problem, nint row, int column, TVector acc, bool partial, int count)
    {
        ref var c = ref Unsafe.Add(ref problem.C, (row * problem.CStride) + column);
        var v = TSimd.Multiply(acc, TSimd.Broadcast(problem.Alpha));
        if (problem.Beta != T.Zero)
        {
            var old = partial ? TSimd.LoadPartial(ref c, count) : TSimd.Load(ref c);
            v = TSimd.MultiplyAdd(old, TSimd.Broadcast(problem.Beta), v);
        }

        if (problem.HasBias)
        {
            if (problem.BiasPerRow)
            {
                v = TSimd.Add(v, TSimd.Broadcast(Unsafe.Add(ref problem.Bias, row)));
            }
            else
            {
                ref var bias = ref Unsafe.Add(ref problem.Bias, column);
                v = TSimd.Add(v, partial ? TSimd.LoadPartial(ref bias, count) : TSimd.Load(ref bias));
            }
        }

        if (problem.StoreZ)
        {
            ref var z = ref Unsafe.Add(ref problem.Z, (row * problem.ZStride) + column);
            if (partial)
            {
                TSimd.StorePartial(v, ref z, count);
            }
            else
            {
                TSimd.Store(v, ref z);
            }
        }

        if (partial)
        {
            TSimd.StorePartial(v, ref c, count);
        }
        else
        {
            TSimd.Store(v, ref c);
        }
    }

    /// <summary>The store phase of one element (the dot kernel's outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreScalar(ref GemmProblem<T> problem, nint row, int column, T sum)
    {
        ref var c = ref Unsafe.Add(ref problem.C, (row * problem.CStride) + column);
        var v = sum * problem.Alpha;
        if (problem.Beta != T.Zero)
        {
            v = (c * problem.Beta) + v;
        }

        if (problem.HasBias)
        {
            v += problem.BiasPerRow ? Unsafe.Add(ref problem.Bias, row) : Unsafe.Add(ref problem.Bias, column);
        }

        if (problem.StoreZ)
        {
            Unsafe.Add(ref problem.Z, (row * problem.ZStride) + column) = v;
        }

        c = v;
    }
}
