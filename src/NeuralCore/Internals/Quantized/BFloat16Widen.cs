using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralCore.Internals.Quantized;

/// <summary>
/// One SIMD width's widening of bfloat16 bits to fp32 lanes, for <see cref="BFloat16Kernel"/>: the float is the bf16
/// bits shifted into the high half of a 32-bit lane, so widening is exact and costs a zero-extension and a shift.
/// </summary>
/// <typeparam name="TVector">The fp32 register type: <c>Vector512&lt;float&gt;</c>, …, or <see cref="float"/> for the scalar path.</typeparam>
internal interface IBFloat16Widen<TVector>
    where TVector : struct
{
    /// <summary>The fp32 lanes of the register's width of bf16 values from <paramref name="source"/> (half a register's bytes).</summary>
    static abstract TVector Widen(ref ushort source);
}

/// <summary>16 bf16 (a 256-bit load) to a <see cref="Vector512{T}"/>.</summary>
internal readonly struct BFloat16Widen512 : IBFloat16Widen<Vector512<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(ref ushort source)
    {
        var bits = Vector256.LoadUnsafe(ref source);

        // vpmovzxwd with the load folded in; the portable form for a runtime that accelerates Vector512 without AVX-512F.
        var wide = Avx512F.IsSupported ? Avx512F.ConvertToVector512UInt32(bits) : Vector512.WidenLower(bits.ToVector512Unsafe());
        return Vector512.ShiftLeft(wide, 16).AsSingle();
    }
}

/// <summary>8 bf16 (a 128-bit load) to a <see cref="Vector256{T}"/>.</summary>
internal readonly struct BFloat16Widen256 : IBFloat16Widen<Vector256<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Widen(ref ushort source)
    {
        var bits = Vector128.LoadUnsafe(ref source);
        var wide = Avx2.IsSupported ? Avx2.ConvertToVector256Int32(bits).AsUInt32() : Vector256.WidenLower(bits.ToVector256Unsafe());
        return Vector256.ShiftLeft(wide, 16).AsSingle();
    }
}

/// <summary>4 bf16 (a 64-bit load) to a <see cref="Vector128{T}"/>.</summary>
internal readonly struct BFloat16Widen128 : IBFloat16Widen<Vector128<float>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Widen(ref ushort source)
    {
        // Exactly 8 bytes are read: the next row, or the end of the array, may follow.
        var bits = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref source))).AsUInt16();
        if (Sse2.IsSupported)
        {
            // Interleaving zeros below each value is the shift by 16 in one instruction.
            return Sse2.UnpackLow(Vector128<ushort>.Zero, bits).AsSingle();
        }

        return Vector128.ShiftLeft(Vector128.WidenLower(bits), 16).AsSingle();
    }
}

/// <summary>One bf16 to a <see cref="float"/>: the <see cref="KernelPath.Scalar"/> path.</summary>
internal readonly struct BFloat16WidenScalar : IBFloat16Widen<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Widen(ref ushort source) => BitConverter.UInt32BitsToSingle((uint)source << 16);
}
