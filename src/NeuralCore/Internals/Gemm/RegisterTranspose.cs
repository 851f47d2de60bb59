using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// Transposes one square block of W × W elements (W = lanes per register) through registers: W row loads,
/// log2(W) butterfly stages, W row stores.
/// </summary>
/// <remarks>
/// Stage s exchanges, between the registers r and r + s (r without bit s), the lanes with bit s set in r
/// against the lanes without it in r + s:
/// <code>
///   s = 1, W = 4:   a = [a0 a1 a2 a3]      a' = [a0 b0 a2 b2]      lane l of a' = (l &amp; s) = 0 ? a[l] : b[l ^ s]
///                   b = [b0 b1 b2 b3]  ►   b' = [a1 b1 a3 b3]      lane l of b' = (l &amp; s) = 0 ? a[l ^ s] : b[l]
/// </code>
/// Each stage swaps bit s of the row index with bit s of the lane index, so all of them together swap the two.
/// With AVX-512 each output is one two-source permute (<c>vpermt2ps/pd</c>); elsewhere a one-source shuffle of the
/// partner and a blend (cross-platform <c>Vector*.Shuffle</c> and <c>ConditionalSelect</c>). The block is written
/// out as 16 locals with the unused ones removed by constant tests on W (as in <see cref="MicroKernel"/>): a loop
/// over an array of registers kept them in memory and cost a store per exchange. The scalar "width" is a 1 × 1
/// block: a plain copy.
/// </remarks>
internal static class RegisterTranspose
{
    /// <summary>
    /// destination row t, element r = source row r, element t, for r, t &lt; W; source rows at or past
    /// <paramref name="validRows"/> are not read and count as zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block<T, TVector, TSimd>(ref T source, nint sourceStride, int validRows, ref T destination, nint destinationStride)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
    {
        var w = TSimd.Count;
        var r0 = Row<T, TVector, TSimd>(ref source, sourceStride, 0, validRows);
        var r1 = w > 1 ? Row<T, TVector, TSimd>(ref source, sourceStride, 1, validRows) : default;
        var r2 = w > 2 ? Row<T, TVector, TSimd>(ref source, sourceStride, 2, validRows) : default;
        var r3 = w > 2 ? Row<T, TVector, TSimd>(ref source, sourceStride, 3, validRows) : default;
        var r4 = w > 4 ? Row<T, TVector, TSimd>(ref source, sourceStride, 4, validRows) : default;
        var r5 = w > 4 ? Row<T, TVector, TSimd>(ref source, sourceStride, 5, validRows) : default;
        var r6 = w > 4 ? Row<T, TVector, TSimd>(ref source, sourceStride, 6, validRows) : default;
        var r7 = w > 4 ? Row<T, TVector, TSimd>(ref source, sourceStride, 7, validRows) : default;
        var r8 = w > 8 ? Row<T, TVector, TSimd>(ref source, sourceStride, 8, validRows) : default;
        var r9 = w > 8 ? Row<T, TVector, TSimd>(ref source, sourceStride, 9, validRows) : default;
        var r10 = w > 8 ? Row<T, TVector, TSimd>(ref source, sourceStride, 10, validRows) : default;
        var r11 = w > 8 ? Row<T, TVector, TSimd>(ref source, sourceStride, 11, validRows) : default;
        var r12 = w > 8 ? Row<T, TVector, TSimd>(ref source, sourceStride, 12, validRows) : default;
        var r13 = w > 8 ? Row<T, TVector, TSimd>(ref source, sourceStride, 13, validRows) : default;
        var r14 = w > 8 ? Row<T, TVector, TSimd>(ref source, sourceStride, 14, validRows) : default;
        var r15 = w > 8 ? Row<T, TVector, TSimd>(ref source, sourceStride, 15, validRows) : default;

        if (w > 1)
        {
            Exchange<TVector>(ref r0, ref r1, 1);
        }

        if (w > 2)
        {
            Exchange<TVector>(ref r2, ref r3, 1);
            Exchange<TVector>(ref r0, ref r2, 2);
            Exchange<TVector>(ref r1, ref r3, 2);
        }

        if (w > 4)
        {
            Exchange<TVector>(ref r4, ref r5, 1);
            Exchange<TVector>(ref r6, ref r7, 1);
            Exchange<TVector>(ref r4, ref r6, 2);
            Exchange<TVector>(ref r5, ref r7, 2);
            Exchange<TVector>(ref r0, ref r4, 4);
            Exchange<TVector>(ref r1, ref r5, 4);
            Exchange<TVector>(ref r2, ref r6, 4);
            Exchange<TVector>(ref r3, ref r7, 4);
        }

        if (w > 8)
        {
            Exchange<TVector>(ref r8, ref r9, 1);
            Exchange<TVector>(ref r10, ref r11, 1);
            Exchange<TVector>(ref r12, ref r13, 1);
            Exchange<TVector>(ref r14, ref r15, 1);
            Exchange<TVector>(ref r8, ref r10, 2);
            Exchange<TVector>(ref r9, ref r11, 2);
            Exchange<TVector>(ref r12, ref r14, 2);
            Exchange<TVector>(ref r13, ref r15, 2);
            Exchange<TVector>(ref r8, ref r12, 4);
            Exchange<TVector>(ref r9, ref r13, 4);
            Exchange<TVector>(ref r10, ref r14, 4);
            Exchange<TVector>(ref r11, ref r15, 4);
            Exchange<TVector>(ref r0, ref r8, 8);
            Exchange<TVector>(ref r1, ref r9, 8);
            Exchange<TVector>(ref r2, ref r10, 8);
            Exchange<TVector>(ref r3, ref r11, 8);
            Exchange<TVector>(ref r4, ref r12, 8);
            Exchange<TVector>(ref r5, ref r13, 8);
            Exchange<TVector>(ref r6, ref r14, 8);
            Exchange<TVector>(ref r7, ref r15, 8);
        }

        TSimd.Store(r0, ref destination);
        if (w > 1)
        {
            TSimd.Store(r1, ref Unsafe.Add(ref destination, destinationStride));
        }

        if (w > 2)
        {
            TSimd.Store(r2, ref Unsafe.Add(ref destination, 2 * destinationStride));
            TSimd.Store(r3, ref Unsafe.Add(ref destination, 3 * destinationStride));
        }

        if (w > 4)
        {
            TSimd.Store(r4, ref Unsafe.Add(ref destination, 4 * destinationStride));
            TSimd.Store(r5, ref Unsafe.Add(ref destination, 5 * destinationStride));
            TSimd.Store(r6, ref Unsafe.Add(ref destination, 6 * destinationStride));
            TSimd.Store(r7, ref Unsafe.Add(ref destination, 7 * destinationStride));
        }

        if (w > 8)
        {
            TSimd.Store(r8, ref Unsafe.Add(ref destination, 8 * destinationStride));
            TSimd.Store(r9, ref Unsafe.Add(ref destination, 9 * destinationStride));
            TSimd.Store(r10, ref Unsafe.Add(ref destination, 10 * destinationStride));
            TSimd.Store(r11, ref Unsafe.Add(ref destination, 11 * destinationStride));
            TSimd.Store(r12, ref Unsafe.Add(ref destination, 12 * destinationStride));
            TSimd.Store(r13, ref Unsafe.Add(ref destination, 13 * destinationStride));
            TSimd.Store(r14, ref Unsafe.Add(ref destination, 14 * destinationStride));
            TSimd.Store(r15, ref Unsafe.Add(ref destination, 15 * destinationStride));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Row<T, TVector, TSimd>(ref T source, nint stride, int row, int validRows)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
        => row < validRows ? TSimd.Load(ref Unsafe.Add(ref source, row * stride)) : TSimd.Zero;

    /// <summary>One butterfly exchange of stage <paramref name="s"/> (a constant at every call site) between a = row r and b = row r + s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exchange<TVector>(ref TVector a, ref TVector b, int s)
        where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            var x = Unsafe.BitCast<TVector, Vector512<float>>(a);
            var y = Unsafe.BitCast<TVector, Vector512<float>>(b);

            // The 512-bit path runs only where Vector512 is accelerated, which on .NET 10 means AVX-512F.
            Debug.Assert(Avx512F.IsSupported);
            a = Unsafe.BitCast<Vector512<float>, TVector>(Avx512F.PermuteVar16x32x2(x, LowerSingle512(s), y));
            b = Unsafe.BitCast<Vector512<float>, TVector>(Avx512F.PermuteVar16x32x2(x, UpperSingle512(s), y));
        }
        else if (typeof(TVector) == typeof(Vector512<double>))
        {
            var x = Unsafe.BitCast<TVector, Vector512<double>>(a);
            var y = Unsafe.BitCast<TVector, Vector512<double>>(b);

            // The 512-bit path runs only where Vector512 is accelerated, which on .NET 10 means AVX-512F.
            Debug.Assert(Avx512F.IsSupported);
            a = Unsafe.BitCast<Vector512<double>, TVector>(Avx512F.PermuteVar8x64x2(x, LowerDouble512(s), y));
            b = Unsafe.BitCast<Vector512<double>, TVector>(Avx512F.PermuteVar8x64x2(x, UpperDouble512(s), y));
        }
        else if (typeof(TVector) == typeof(Vector256<float>))
        {
            var x = Unsafe.BitCast<TVector, Vector256<float>>(a);
            var y = Unsafe.BitCast<TVector, Vector256<float>>(b);
            var lanes = Vector256<int>.Indices;
            var swapped = lanes ^ Vector256.Create(s);
            var mask = Vector256.Equals(lanes & Vector256.Create(s), Vector256<int>.Zero).AsSingle();
            a = Unsafe.BitCast<Vector256<float>, TVector>(Vector256.ConditionalSelect(mask, x, Vector256.Shuffle(y, swapped)));
            b = Unsafe.BitCast<Vector256<float>, TVector>(Vector256.ConditionalSelect(mask, Vector256.Shuffle(x, swapped), y));
        }
        else if (typeof(TVector) == typeof(Vector256<double>))
        {
            var x = Unsafe.BitCast<TVector, Vector256<double>>(a);
            var y = Unsafe.BitCast<TVector, Vector256<double>>(b);
            var lanes = Vector256<long>.Indices;
            var swapped = lanes ^ Vector256.Create((long)s);
            var mask = Vector256.Equals(lanes & Vector256.Create((long)s), Vector256<long>.Zero).AsDouble();
            a = Unsafe.BitCast<Vector256<double>, TVector>(Vector256.ConditionalSelect(mask, x, Vector256.Shuffle(y, swapped)));
            b = Unsafe.BitCast<Vector256<double>, TVector>(Vector256.ConditionalSelect(mask, Vector256.Shuffle(x, swapped), y));
        }
        else if (typeof(TVector) == typeof(Vector128<float>))
        {
            var x = Unsafe.BitCast<TVector, Vector128<float>>(a);
            var y = Unsafe.BitCast<TVector, Vector128<float>>(b);
            var lanes = Vector128<int>.Indices;
            var swapped = lanes ^ Vector128.Create(s);
            var mask = Vector128.Equals(lanes & Vector128.Create(s), Vector128<int>.Zero).AsSingle();
            a = Unsafe.BitCast<Vector128<float>, TVector>(Vector128.ConditionalSelect(mask, x, Vector128.Shuffle(y, swapped)));
            b = Unsafe.BitCast<Vector128<float>, TVector>(Vector128.ConditionalSelect(mask, Vector128.Shuffle(x, swapped), y));
        }
        else if (typeof(TVector) == typeof(Vector128<double>))
        {
            var x = Unsafe.BitCast<TVector, Vector128<double>>(a);
            var y = Unsafe.BitCast<TVector, Vector128<double>>(b);
            var lanes = Vector128<long>.Indices;
            var swapped = lanes ^ Vector128.Create((long)s);
            var mask = Vector128.Equals(lanes & Vector128.Create((long)s), Vector128<long>.Zero).AsDouble();
            a = Unsafe.BitCast<Vector128<double>, TVector>(Vector128.ConditionalSelect(mask, x, Vector128.Shuffle(y, swapped)));
            b = Unsafe.BitCast<Vector128<double>, TVector>(Vector128.ConditionalSelect(mask, Vector128.Shuffle(x, swapped), y));
        }
    }

    // Two-source permute indices for stage s (a constant at every call site, so each is one constant vector):
    // lane l of the lower output takes a[l] or, where l has bit s, b[l ^ s] (index W + (l ^ s)); the upper
    // output takes a[l ^ s] where l lacks bit s and b[l] where it has it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> LowerSingle512(int s) => s switch
        {
            1 => Vector512.Create(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30),
            2 => Vector512.Create(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29),
            4 => Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27),
            _ => Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23),
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> UpperSingle512(int s) => s switch
        {
            1 => Vector512.Create(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31),
            2 => Vector512.Create(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31),
            4 => Vector512.Create(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31),
            _ => Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31),
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> LowerDouble512(int s) => s switch
        {
            1 => Vector512.Create(0L, 8L, 2L, 10L, 4L, 12L, 6L, 14L),
            2 => Vector512.Create(0L, 1L, 8L, 9L, 4L, 5L, 12L, 13L),
            _ => Vector512.Create(0L, 1L, 2L, 3L, 8L, 9L, 10L, 11L),
        };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> UpperDouble512(int s) => s switch
        {
            1 => Vector512.Create(1L, 9L, 3L, 11L, 5L, 13L, 7L, 15L),
            2 => Vector512.Create(2L, 3L, 10L, 11L, 6L, 7L, 14L, 15L),
            _ => Vector512.Create(4L, 5L, 6L, 7L, 12L, 13L, 14L, 15L),
        };
}
