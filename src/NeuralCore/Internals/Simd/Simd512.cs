using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Simd;

/// <summary>The 512-bit width, for the generic kernels (GEMM micro-kernels, narrow-layer kernels).</summary>
/// <typeparam name="T">The element type.</typeparam>
internal readonly struct Simd512<T> : ISimd<T, Vector512<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;

    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    // Masked moves suppress faults on the disabled lanes, so a partial row at the very end of an array is safe.
    public static bool HasMaskedMemory => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<T> LoadPartial(ref T source, int count)
    {
        var mask = Mask(count);
        fixed (T* address = &source)
        {
            if (typeof(T) == typeof(float))
            {
                var p = (float*)address;
                return Avx512F.MaskLoad(p, mask.AsSingle(), Vector512<float>.Zero).As<float, T>();
            }
            else
            {
                var p = (double*)address;
                return Avx512F.MaskLoad(p, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StorePartial(Vector512<T> value, ref T destination, int count)
    {
        var mask = Mask(count);
        fixed (T* address = &destination)
        {
            if (typeof(T) == typeof(float))
            {
                var p = (float*)address;
                Avx512F.MaskStore(p, mask.AsSingle(), value.AsSingle());
            }
            else
            {
                var p = (double*)address;
                Avx512F.MaskStore(p, mask.AsDouble(), value.AsDouble());
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        // MultiplyAddEstimate: one fused instruction where the hardware has FMA, a multiply and an add where it
        // does not (never the runtime's software fma per lane).
        if (typeof(T) == typeof(float))
        {
            return Vector512.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return Vector512.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    /// <summary>All-ones in the first <paramref name="count"/> lanes, zero in the rest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> Mask(int count) => Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Activate<TActivation>(Vector512<T> z, Vector512<T> parameter)
        where TActivation : struct, IActivationOperator<T> => TActivation.Invoke(z, parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FusedMultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (!HardwareFma.IsSupported)
        {
            return (a * b) + c;
        }

        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum4(Vector512<T> a, Vector512<T> b, Vector512<T> c, Vector512<T> d, ref T destination) =>
        Simd256<T>.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper(), ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Derivative<TOperator>(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter)
        where TOperator : struct, IActivationOperator<T> => TOperator.Derivative(z, a, gradA, parameter);
}
