using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralCore.Internals.Reference;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Quantized;

/// <summary>
/// One SIMD width's int8 arithmetic for <see cref="Int8Kernel"/>: a register holds <see cref="Count"/> int32 sums,
/// one per output column, and each step adds four products u·q per column (one k-group of the packed layout).
/// </summary>
/// <remarks>
/// Every implementation is exact integer arithmetic, so every width gives the reference's sums; the epilogue is the
/// reference's <see cref="QuantizedReference.Dequantize"/> per lane (a correctly rounded int → float conversion, one
/// rounded product of the scales, one fma under the <see cref="HardwareFma"/> rule), so it gives its bits too.
/// </remarks>
/// <typeparam name="TAcc">The int32 register: <c>Vector512&lt;int&gt;</c>, …, or <see cref="int"/> for the scalar path.</typeparam>
internal interface IInt8Lanes<TAcc>
    where TAcc : struct
{
    /// <summary>The output columns one register sums.</summary>
    static abstract int Count { get; }

    /// <summary>Zero sums.</summary>
    static abstract TAcc Zero { get; }

    /// <summary>The four codes u[k … k+3] at <paramref name="codes"/>, as one 32-bit value in every lane.</summary>
    static abstract TAcc Broadcast(ref byte codes);

    /// <summary><c>acc_l + Σ_{t&lt;4} u_t · q[4l + t]</c> for every lane l: the codes of <see cref="Count"/> columns of one k-group at <paramref name="q"/>.</summary>
    static abstract TAcc DotAdd(TAcc acc, TAcc u, ref sbyte q);

    /// <summary>
    /// <c>y_l = fma((float)(acc_l − z · colSum_l), s · scale_l, bias_l)</c> for the <see cref="Count"/> lanes; the
    /// arrays at <paramref name="scales"/>, <paramref name="columnSums"/>, <paramref name="bias"/> and <paramref name="y"/> hold them all.
    /// </summary>
    static abstract void Finish(TAcc acc, int zeroPoint, float rowScale, ref float scales, ref int columnSums, ref float bias, ref float y);

    /// <summary>The lanes to memory (for the last, partial register of a row).</summary>
    static abstract void Store(TAcc acc, ref int destination);
}

/// <summary>AVX-512BW: <c>vpmaddubsw</c> (u8 × s8 → pairs summed in int16, which 7-bit codes keep from saturating), then <c>vpmaddwd</c> by 1 and an add.</summary>
internal readonly struct Int8Lanes512 : IInt8Lanes<Vector512<int>>
{
    public static int Count => Vector512<int>.Count;

    public static Vector512<int> Zero => Vector512<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Broadcast(ref byte codes) => Vector512.Create(Unsafe.ReadUnaligned<int>(ref codes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> DotAdd(Vector512<int> acc, Vector512<int> u, ref sbyte q)
    {
        var pairs = Avx512BW.MultiplyAddAdjacent(u.AsByte(), Vector512.LoadUnsafe(ref q));
        return acc + Avx512BW.MultiplyAddAdjacent(pairs, Vector512<short>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(Vector512<int> acc, int zeroPoint, float rowScale, ref float scales, ref int columnSums, ref float bias, ref float y)
    {
        var value = Vector512.ConvertToSingle(acc - (Vector512.Create(zeroPoint) * Vector512.LoadUnsafe(ref columnSums)));
        var scale = Vector512.Create(rowScale) * Vector512.LoadUnsafe(ref scales);
        var b = Vector512.LoadUnsafe(ref bias);
        (HardwareFma.IsSupported ? Vector512.FusedMultiplyAdd(value, scale, b) : (value * scale) + b).StoreUnsafe(ref y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<int> acc, ref int destination) => acc.StoreUnsafe(ref destination);
}

/// <summary>AVX-VNNI: <c>vpdpbusd</c>, the four products and their sum in one instruction, exact in int32.</summary>
internal readonly struct Int8Lanes256Vnni : IInt8Lanes<Vector256<int>>
{
    public static int Count => Vector256<int>.Count;

    public static Vector256<int> Zero => Vector256<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Broadcast(ref byte codes) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref codes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DotAdd(Vector256<int> acc, Vector256<int> u, ref sbyte q) =>
        AvxVnni.MultiplyWideningAndAdd(acc, u.AsByte(), Vector256.LoadUnsafe(ref q));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(Vector256<int> acc, int zeroPoint, float rowScale, ref float scales, ref int columnSums, ref float bias, ref float y) =>
        Int8Lanes256.Finish(acc, zeroPoint, rowScale, ref scales, ref columnSums, ref bias, ref y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<int> acc, ref int destination) => acc.StoreUnsafe(ref destination);
}

/// <summary>AVX2: <c>vpmaddubsw</c>, <c>vpmaddwd</c> by 1, an add.</summary>
internal readonly struct Int8Lanes256 : IInt8Lanes<Vector256<int>>
{
    public static int Count => Vector256<int>.Count;

    public static Vector256<int> Zero => Vector256<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Broadcast(ref byte codes) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref codes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DotAdd(Vector256<int> acc, Vector256<int> u, ref sbyte q)
    {
        var pairs = Avx2.MultiplyAddAdjacent(u.AsByte(), Vector256.LoadUnsafe(ref q));
        return acc + Avx2.MultiplyAddAdjacent(pairs, Vector256<short>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(Vector256<int> acc, int zeroPoint, float rowScale, ref float scales, ref int columnSums, ref float bias, ref float y)
    {
        var value = Vector256.ConvertToSingle(acc - (Vector256.Create(zeroPoint) * Vector256.LoadUnsafe(ref columnSums)));
        var scale = Vector256.Create(rowScale) * Vector256.LoadUnsafe(ref scales);
        var b = Vector256.LoadUnsafe(ref bias);
        (HardwareFma.IsSupported ? Vector256.FusedMultiplyAdd(value, scale, b) : (value * scale) + b).StoreUnsafe(ref y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<int> acc, ref int destination) => acc.StoreUnsafe(ref destination);
}

/// <summary>SSSE3: <c>pmaddubsw</c>, <c>pmaddwd</c> by 1, an add.</summary>
internal readonly struct Int8Lanes128 : IInt8Lanes<Vector128<int>>
{
    public static int Count => Vector128<int>.Count;

    public static Vector128<int> Zero => Vector128<int>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Broadcast(ref byte codes) => Vector128.Create(Unsafe.ReadUnaligned<int>(ref codes));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> DotAdd(Vector128<int> acc, Vector128<int> u, ref sbyte q)
    {
        var pairs = Ssse3.MultiplyAddAdjacent(u.AsByte(), Vector128.LoadUnsafe(ref q));
        return acc + Sse2.MultiplyAddAdjacent(pairs, Vector128<short>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(Vector128<int> acc, int zeroPoint, float rowScale, ref float scales, ref int columnSums, ref float bias, ref float y)
    {
        var value = Vector128.ConvertToSingle(acc - (Vector128.Create(zeroPoint) * Vector128.LoadUnsafe(ref columnSums)));
        var scale = Vector128.Create(rowScale) * Vector128.LoadUnsafe(ref scales);
        var b = Vector128.LoadUnsafe(ref bias);
        (HardwareFma.IsSupported ? Vector128.FusedMultiplyAdd(value, scale, b) : (value * scale) + b).StoreUnsafe(ref y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<int> acc, ref int destination) => acc.StoreUnsafe(ref destination);
}

/// <summary>Scalar code in the kernels' structure: one column per "register", the four codes of a k-group in one int.</summary>
internal readonly struct Int8LanesScalar : IInt8Lanes<int>
{
    public static int Count => 1;

    public static int Zero => 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Broadcast(ref byte codes) => BinaryPrimitives.ReadInt32LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref codes, 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotAdd(int acc, int u, ref sbyte q) =>
        acc + ((u & 0xFF) * q) + (((u >> 8) & 0xFF) * Unsafe.Add(ref q, 1)) + (((u >> 16) & 0xFF) * Unsafe.Add(ref q, 2)) + ((u >>> 24) * Unsafe.Add(ref q, 3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finish(int acc, int zeroPoint, float rowScale, ref float scales, ref int columnSums, ref float bias, ref float y) =>
        y = QuantizedReference.Dequantize(acc - (zeroPoint * columnSums), rowScale * scales, bias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int acc, ref int destination) => destination = acc;
}
