using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// The micro-kernel for one-vector panels (N ≤ one register, e.g. a 16- or 10-wide layer) on 32-register widths: a
/// 16 × Count tile of C in 16 accumulators, one load of op(B) and 16 broadcasts of op(A) per k.
/// </summary>
/// <remarks>
/// <see cref="MicroKernel"/>'s 8-row tile on a one-vector panel has only 8 accumulators: exactly the 2 FMA pipes × 4
/// cycles of latency, with no slack, and half a 8 × 2 tile's FMAs to pay for each store phase. Rows 8–15 are
/// addressed from a second base with the same 7 offsets, so the general registers still hold the addressing. Only
/// whole 16-row tiles come here; the driver runs a row block's last 8 or fewer rows on the 8-row kernel. The store
/// phase is <see cref="MicroKernel"/>'s, one row at a time, so every element of C sees the same FMAs in the same
/// order as on the 8-row tile: results do not depend on which kernel ran. It beat the 8-row tile on every
/// one-vector shape measured (benchmarks/results/AMD-EPYC-Zen5-gemm.md, "Figures moved from code comments").
/// </remarks>
internal static class TallMicroKernel
{
    /// <summary>The tile height.</summary>
    public const int Rows = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TVector, TSimd, TPartial, TActivation>(ref TileArguments<T> args)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
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
        var o1 = 1 * rowStride;
        var o2 = 2 * rowStride;
        var o3 = 3 * rowStride;
        var o4 = 4 * rowStride;
        var o5 = 5 * rowStride;
        var o6 = 6 * rowStride;
        var o7 = 7 * rowStride;
        var o8 = 8 * rowStride;
        TVector c0 = TSimd.Zero, c1 = TSimd.Zero, c2 = TSimd.Zero, c3 = TSimd.Zero;
        TVector c4 = TSimd.Zero, c5 = TSimd.Zero, c6 = TSimd.Zero, c7 = TSimd.Zero;
        TVector c8 = TSimd.Zero, c9 = TSimd.Zero, c10 = TSimd.Zero, c11 = TSimd.Zero;
        TVector c12 = TSimd.Zero, c13 = TSimd.Zero, c14 = TSimd.Zero, c15 = TSimd.Zero;

        if (args.LoadC)
        {
            MicroKernel.PrefetchTile(ref args, Rows, (nint)(TSimd.Count * Unsafe.SizeOf<T>()));
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

            var bk = TSimd.Load(ref b);
            ref var a8 = ref Unsafe.Add(ref a, o8);
            c0 = TSimd.MultiplyAdd(TSimd.Broadcast(a), bk, c0);
            c1 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a, o1)), bk, c1);
            c2 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a, o2)), bk, c2);
            c3 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a, o3)), bk, c3);
            c4 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a, o4)), bk, c4);
            c5 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a, o5)), bk, c5);
            c6 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a, o6)), bk, c6);
            c7 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a, o7)), bk, c7);
            c8 = TSimd.MultiplyAdd(TSimd.Broadcast(a8), bk, c8);
            c9 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a8, o1)), bk, c9);
            c10 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a8, o2)), bk, c10);
            c11 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a8, o3)), bk, c11);
            c12 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a8, o4)), bk, c12);
            c13 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a8, o5)), bk, c13);
            c14 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a8, o6)), bk, c14);
            c15 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref a8, o7)), bk, c15);
        }

        if (TPartial.Value)
        {
            // N tail: park the accumulators and leave the masked stores to an out-of-line method (see MicroKernel).
            Unsafe.SkipInit(out AccumulatorTile<TVector> parked);
            parked[0] = c0;
            parked[1] = c1;
            parked[2] = c2;
            parked[3] = c3;
            parked[4] = c4;
            parked[5] = c5;
            parked[6] = c6;
            parked[7] = c7;
            parked[8] = c8;
            parked[9] = c9;
            parked[10] = c10;
            parked[11] = c11;
            parked[12] = c12;
            parked[13] = c13;
            parked[14] = c14;
            parked[15] = c15;
            StorePartialTile<T, TVector, TSimd>(ref args, ref parked);
        }
        else
        {
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 0, c0, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 1, c1, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 2, c2, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 3, c3, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 4, c4, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 5, c5, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 6, c6, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 7, c7, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 8, c8, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 9, c9, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 10, c10, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 11, c11, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 12, c12, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 13, c13, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 14, c14, default);
            MicroKernel.StoreRow<T, TVector, TSimd, Int1>(ref args, 15, c15, default);
        }

        // The activation as a second pass over the stored tile, out of line (see MicroKernel).
        if (args.Final && typeof(TActivation) != typeof(LinearOperator<T>))
        {
            MicroKernel.ActivateRows<T, TVector, TSimd, TActivation>(ref args.C, args.CStride, Rows, 0, TPartial.Value ? args.Columns : TSimd.Count, args.ActivationParameter);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StorePartialTile<T, TVector, TSimd>(ref TileArguments<T> args, ref AccumulatorTile<TVector> parked)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
    {
        for (var r = 0; r < Rows; r++)
        {
            MicroKernel.StoreRowPartial<T, TVector, TSimd, Int1>(ref args, r, parked[r], default);
        }
    }
}
