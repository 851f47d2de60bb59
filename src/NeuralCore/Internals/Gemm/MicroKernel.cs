using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals.Operators;

using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// The register-tiled GEMM micro-kernel: a <c>TRows × (TColumns·Count)</c> tile of C held in
/// <c>TRows·TColumns</c> accumulator registers, one broadcast of op(A) and <c>TColumns</c> loads of op(B) per k.
/// </summary>
/// <remarks>
/// <code>
///            B panel: TColumns vectors per k (contiguous)
///            [b0 ........][b1 ........]
///   a(r,k) ► [c(r,0)     ][c(r,1)     ]   r &lt; TRows: accumulators; a(r,k) broadcast from A (any strides)
/// </code>
/// V512 float uses 8 × 32 (16 accumulators: 2 FMA pipes × 4-cycle latency need ≥ 8 independent chains, and
/// 8 broadcasts + 2 loads per 16 FMAs keep the load ports below their limit). V256/V128 use 6 × 2 vectors
/// (12 accumulators + 3 temporaries fit the 16 registers of AVX2/SSE machines); the scalar path 4 × 2.
/// Rows ≥ TRows and the second column vector when TColumns = 1 are removed by the JIT (the tests on
/// <c>TRows.Value</c> are constants), so M tails and narrow N get their own specialised bodies from this source.
/// </remarks>
internal static class MicroKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TVector, TSimd, TRows, TColumns, TPartial, TActivation>(ref TileArguments<T> args)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TRows : struct, IConstant
        where TColumns : struct, IConstant
        where TPartial : struct, IFlag
        where TActivation : struct, IActivationOperator<T>
    {
        // Locals, not fields: stores through C could alias the argument struct as far as the JIT knows.
        var kBlock = args.KBlock;
        var aKStride = args.AKStride;
        var bKStride = args.BKStride;
        var rowStride = args.ARowStride;
        ref var a = ref args.A;
        ref var b = ref args.B;
        nint width = TSimd.Count;
        var two = TColumns.Value > 1;
        var o1 = 1 * rowStride;
        var o2 = 2 * rowStride;
        var o3 = 3 * rowStride;
        var o4 = 4 * rowStride;
        var o5 = 5 * rowStride;
        var o6 = 6 * rowStride;
        var o7 = 7 * rowStride;
        TVector c00 = TSimd.Zero, c01 = TSimd.Zero;
        TVector c10 = TSimd.Zero, c11 = TSimd.Zero;
        TVector c20 = TSimd.Zero, c21 = TSimd.Zero;
        TVector c30 = TSimd.Zero, c31 = TSimd.Zero;
        TVector c40 = TSimd.Zero, c41 = TSimd.Zero;
        TVector c50 = TSimd.Zero, c51 = TSimd.Zero;
        TVector c60 = TSimd.Zero, c61 = TSimd.Zero;
        TVector c70 = TSimd.Zero, c71 = TSimd.Zero;

        if (args.LoadC)
        {
            PrefetchTile(ref args, TRows.Value, (nint)(TColumns.Value * TSimd.Count * Unsafe.SizeOf<T>()));
        }

        for (nint k = 0; k < kBlock; k++)
        {
            if (k != 0)
            {
                // Step between k, not after the last one: that would leave the refs past the end of A or B, and a ref
                // outside its object must not exist even briefly (the GC may see it at the loop's back edge).
                a = ref Unsafe.Add(ref a, aKStride);
                b = ref Unsafe.Add(ref b, bKStride);
            }

            var b0 = TSimd.Load(ref b);
            var b1 = two ? TSimd.Load(ref Unsafe.Add(ref b, width)) : default;
            {
                var x = TSimd.Broadcast(a);
                c00 = TSimd.MultiplyAdd(x, b0, c00);
                if (two)
                {
                    c01 = TSimd.MultiplyAdd(x, b1, c01);
                }
            }

            if (TRows.Value > 1)
            {
                var x = TSimd.Broadcast(Unsafe.Add(ref a, o1));
                c10 = TSimd.MultiplyAdd(x, b0, c10);
                if (two)
                {
                    c11 = TSimd.MultiplyAdd(x, b1, c11);
                }
            }

            if (TRows.Value > 2)
            {
                var x = TSimd.Broadcast(Unsafe.Add(ref a, o2));
                c20 = TSimd.MultiplyAdd(x, b0, c20);
                if (two)
                {
                    c21 = TSimd.MultiplyAdd(x, b1, c21);
                }
            }

            if (TRows.Value > 3)
            {
                var x = TSimd.Broadcast(Unsafe.Add(ref a, o3));
                c30 = TSimd.MultiplyAdd(x, b0, c30);
                if (two)
                {
                    c31 = TSimd.MultiplyAdd(x, b1, c31);
                }
            }

            if (TRows.Value > 4)
            {
                var x = TSimd.Broadcast(Unsafe.Add(ref a, o4));
                c40 = TSimd.MultiplyAdd(x, b0, c40);
                if (two)
                {
                    c41 = TSimd.MultiplyAdd(x, b1, c41);
                }
            }

            if (TRows.Value > 5)
            {
                var x = TSimd.Broadcast(Unsafe.Add(ref a, o5));
                c50 = TSimd.MultiplyAdd(x, b0, c50);
                if (two)
                {
                    c51 = TSimd.MultiplyAdd(x, b1, c51);
                }
            }

            if (TRows.Value > 6)
            {
                var x = TSimd.Broadcast(Unsafe.Add(ref a, o6));
                c60 = TSimd.MultiplyAdd(x, b0, c60);
                if (two)
                {
                    c61 = TSimd.MultiplyAdd(x, b1, c61);
                }
            }

            if (TRows.Value > 7)
            {
                var x = TSimd.Broadcast(Unsafe.Add(ref a, o7));
                c70 = TSimd.MultiplyAdd(x, b0, c70);
                if (two)
                {
                    c71 = TSimd.MultiplyAdd(x, b1, c71);
                }
            }

        }

        if (TPartial.Value)
        {
            // N tail: park the accumulators in a stack tile and leave the masked store phase to an out-of-line
            // method. Inlined here it would push this body past the JIT's inlining budget, and a call with live
            // accumulators makes the JIT spill them inside the k loop (x64 has no callee-saved vector registers).
            Unsafe.SkipInit(out AccumulatorTile<TVector> parked);
            parked[0] = c00;
            parked[1] = c01;
            if (TRows.Value > 1)
            {
                parked[2] = c10;
                parked[3] = c11;
            }

            if (TRows.Value > 2)
            {
                parked[4] = c20;
                parked[5] = c21;
            }

            if (TRows.Value > 3)
            {
                parked[6] = c30;
                parked[7] = c31;
            }

            if (TRows.Value > 4)
            {
                parked[8] = c40;
                parked[9] = c41;
            }

            if (TRows.Value > 5)
            {
                parked[10] = c50;
                parked[11] = c51;
            }

            if (TRows.Value > 6)
            {
                parked[12] = c60;
                parked[13] = c61;
            }

            if (TRows.Value > 7)
            {
                parked[14] = c70;
                parked[15] = c71;
            }

            StorePartialTile<T, TVector, TSimd, TColumns>(ref args, ref parked, TRows.Value);
        }
        else
        {
            StoreRow<T, TVector, TSimd, TColumns>(ref args, 0, c00, c01);
            if (TRows.Value > 1)
            {
                StoreRow<T, TVector, TSimd, TColumns>(ref args, 1, c10, c11);
            }

            if (TRows.Value > 2)
            {
                StoreRow<T, TVector, TSimd, TColumns>(ref args, 2, c20, c21);
            }

            if (TRows.Value > 3)
            {
                StoreRow<T, TVector, TSimd, TColumns>(ref args, 3, c30, c31);
            }

            if (TRows.Value > 4)
            {
                StoreRow<T, TVector, TSimd, TColumns>(ref args, 4, c40, c41);
            }

            if (TRows.Value > 5)
            {
                StoreRow<T, TVector, TSimd, TColumns>(ref args, 5, c50, c51);
            }

            if (TRows.Value > 6)
            {
                StoreRow<T, TVector, TSimd, TColumns>(ref args, 6, c60, c61);
            }

            if (TRows.Value > 7)
            {
                StoreRow<T, TVector, TSimd, TColumns>(ref args, 7, c70, c71);
            }
        }

        // The activation runs as a second pass over the tile just stored (still in L1), not in the store phase:
        // exp is a call, and x64 has no callee-saved vector registers, so a call while the accumulators are live
        // makes the JIT spill all of them inside the k loop (measured: every FMA followed by a store).
        if (args.Final && typeof(TActivation) != typeof(LinearOperator<T>))
        {
            ActivateTile<T, TVector, TSimd, TColumns, TPartial, TActivation>(ref args, TRows.Value);
        }
    }

    /// <summary>
    /// Asks for the C tile's cache lines before the k loop: the store phase reads them after thousands of FMAs, and
    /// once C outgrows L2 (later K blocks of a large product re-read partial sums) each row could wait on L3 there.
    /// Not measured on its own: it came with the once-per-K-block B pack, and prefetching on the first K block too
    /// measured no different (benchmarks/results/AMD-EPYC-Zen5-gemm.md, "Figures moved from code comments"). A prefetch is only a hint and
    /// never faults, so the address need not stay pinned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PrefetchTile<T>(ref TileArguments<T> args, int rows, nint rowBytes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
        {
            Prefetch.ToL1(ref Unsafe.Add(ref args.C, r * args.CStride), rowBytes);
        }
    }

    /// <summary>The store phase of one tile row (see <see cref="TileArguments{T}"/>): scale, add β·C, bias, Z, activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreRow<T, TVector, TSimd, TColumns>(ref TileArguments<T> args, nint row, TVector acc0, TVector acc1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TColumns : struct, IConstant
    {
        nint width = TSimd.Count;
        var two = TColumns.Value > 1;
        ref var c = ref Unsafe.Add(ref args.C, row * args.CStride);
        var alpha = TSimd.Broadcast(args.Alpha);
        var v0 = TSimd.Multiply(acc0, alpha);
        var v1 = two ? TSimd.Multiply(acc1, alpha) : default;
        if (args.LoadC)
        {
            var beta = TSimd.Broadcast(args.Beta);
            v0 = TSimd.MultiplyAdd(TSimd.Load(ref c), beta, v0);
            if (two)
            {
                v1 = TSimd.MultiplyAdd(TSimd.Load(ref Unsafe.Add(ref c, width)), beta, v1);
            }
        }

        if (args.Final)
        {
            if (args.HasBias)
            {
                if (args.BiasPerRow)
                {
                    var bias = TSimd.Broadcast(Unsafe.Add(ref args.Bias, row));
                    v0 = TSimd.Add(v0, bias);
                    v1 = TSimd.Add(v1, bias);
                }
                else
                {
                    v0 = TSimd.Add(v0, TSimd.Load(ref args.Bias));
                    if (two)
                    {
                        v1 = TSimd.Add(v1, TSimd.Load(ref Unsafe.Add(ref args.Bias, width)));
                    }
                }
            }

            if (args.StoreZ)
            {
                ref var z = ref Unsafe.Add(ref args.Z, row * args.ZStride);
                TSimd.Store(v0, ref z);
                if (two)
                {
                    TSimd.Store(v1, ref Unsafe.Add(ref z, width));
                }
            }
        }

        TSimd.Store(v0, ref c);
        if (two)
        {
            TSimd.Store(v1, ref Unsafe.Add(ref c, width));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StorePartialTile<T, TVector, TSimd, TColumns>(ref TileArguments<T> args, ref AccumulatorTile<TVector> parked, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TColumns : struct, IConstant
    {
        for (var r = 0; r < rows; r++)
        {
            StoreRowPartial<T, TVector, TSimd, TColumns>(ref args, r, parked[2 * r], parked[(2 * r) + 1]);
        }
    }

    /// <summary>
    /// The store phase of an N-tail row: the same steps as <see cref="StoreRow"/> with masked loads and stores, so
    /// only the valid columns of C, Z and the bias are touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreRowPartial<T, TVector, TSimd, TColumns>(ref TileArguments<T> args, nint row, TVector acc0, TVector acc1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TColumns : struct, IConstant
    {
        var width = TSimd.Count;
        var count0 = Math.Min(args.Columns, width);
        var count1 = TColumns.Value > 1 ? args.Columns - width : 0;
        var two = count1 > 0;
        ref var c = ref Unsafe.Add(ref args.C, row * args.CStride);
        ref var c1 = ref Unsafe.Add(ref c, width);
        var alpha = TSimd.Broadcast(args.Alpha);
        var v0 = TSimd.Multiply(acc0, alpha);
        var v1 = two ? TSimd.Multiply(acc1, alpha) : default;
        if (args.LoadC)
        {
            var beta = TSimd.Broadcast(args.Beta);
            v0 = TSimd.MultiplyAdd(TSimd.LoadPartial(ref c, count0), beta, v0);
            if (two)
            {
                v1 = TSimd.MultiplyAdd(TSimd.LoadPartial(ref c1, count1), beta, v1);
            }
        }

        if (args.Final)
        {
            if (args.HasBias)
            {
                if (args.BiasPerRow)
                {
                    var bias = TSimd.Broadcast(Unsafe.Add(ref args.Bias, row));
                    v0 = TSimd.Add(v0, bias);
                    v1 = TSimd.Add(v1, bias);
                }
                else
                {
                    v0 = TSimd.Add(v0, TSimd.LoadPartial(ref args.Bias, count0));
                    if (two)
                    {
                        v1 = TSimd.Add(v1, TSimd.LoadPartial(ref Unsafe.Add(ref args.Bias, width), count1));
                    }
                }
            }

            if (args.StoreZ)
            {
                ref var z = ref Unsafe.Add(ref args.Z, row * args.ZStride);
                TSimd.StorePartial(v0, ref z, count0);
                if (two)
                {
                    TSimd.StorePartial(v1, ref Unsafe.Add(ref z, width), count1);
                }
            }
        }

        TSimd.StorePartial(v0, ref c, count0);
        if (two)
        {
            TSimd.StorePartial(v1, ref c1, count1);
        }
    }

    /// <summary>Applies f in place to the tile's rows of C (the valid columns only, for a partial tile).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ActivateTile<T, TVector, TSimd, TColumns, TPartial, TActivation>(ref TileArguments<T> args, int rows)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TColumns : struct, IConstant
        where TPartial : struct, IFlag
        where TActivation : struct, IActivationOperator<T>
        => ActivateRows<T, TVector, TSimd, TActivation>(ref args.C, args.CStride, rows, 0, TPartial.Value ? args.Columns : TColumns.Value * TSimd.Count, args.ActivationParameter);

    /// <summary>
    /// <c>C = f(C)</c> in place over rows [0, <paramref name="rows"/>) and columns [<paramref name="columnStart"/>,
    /// <paramref name="columnEnd"/>): the epilogue's second pass, shared by the tile path and the few-rows path. Out of
    /// line: calling the activation while the accumulators are live made the JIT spill them.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void ActivateRows<T, TVector, TSimd, TActivation>(ref T c, nint stride, int rows, int columnStart, int columnEnd, T parameter)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        where TActivation : struct, IActivationOperator<T>
    {
        var width = TSimd.Count;
        var p = TSimd.Broadcast(parameter);
        for (var r = 0; r < rows; r++)
        {
            ref var row = ref Unsafe.Add(ref c, r * stride);
            var j = columnStart;
            for (; j <= columnEnd - width; j += width)
            {
                ref var cj = ref Unsafe.Add(ref row, j);
                TSimd.Store(TSimd.Activate<TActivation>(TSimd.Load(ref cj), p), ref cj);
            }

            var left = columnEnd - j;
            if (left > 0 && TSimd.HasMaskedMemory)
            {
                ref var cj = ref Unsafe.Add(ref row, j);
                TSimd.StorePartial(TSimd.Activate<TActivation>(TSimd.LoadPartial(ref cj, left), p), ref cj, left);
                continue;
            }

            for (; j < columnEnd; j++)
            {
                ref var cj = ref Unsafe.Add(ref row, j);
                cj = TActivation.Invoke(cj, parameter);
            }
        }
    }
}
