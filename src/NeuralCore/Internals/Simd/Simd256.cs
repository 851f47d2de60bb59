using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Simd;

/// <summary>The 256-bit width, for the generic kernels (GEMM micro-kernels, narrow-layer kernels).</summary>
/// <typeparam name="T">The element type.</typeparam>
internal readonly struct Simd256<T> : ISimd<T, Vector256<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    // Masked moves suppress faults on the disabled lanes, so a partial row at the very end of an array is safe.
    public static bool HasMaskedMemory => Avx.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<T> LoadPartial(ref T source, int count)
    {
        var mask = Mask(count);
        fixed (T* address = &source)
        {
            if (typeof(T) == typeof(float))
            {
                var p = (float*)address;
                return Avx.MaskLoad(p, mask.AsSingle()).As<float, T>();
            }
            else
            {
                var p = (double*)address;
                return Avx.MaskLoad(p, mask.AsDouble()).As<double, T>();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StorePartial(Vector256<T> value, ref T destination, int count)
    {
        var mask = Mask(count);
        fixed (T* address = &destination)
        {
            if (typeof(T) == typeof(float))
            {
                var p = (float*)address;
                Avx.MaskStore(p, mask.AsSingle(), value.AsSingle());
            }
            else
            {
                var p = (double*)address;
                Avx.MaskStore(p, mask.AsDouble(), value.AsDouble());
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        // MultiplyAddEstimate: one fused instruction where the hardware has FMA, a multiply and an add where it
        // does not (never the runtime's software fma per lane).
        if (typeof(T) == typeof(float))
        {
            return Vector256.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return Vector256.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Mask(int count) => Vector256.LessThan(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Activate<TActivation>(Vector256<T> z, Vector256<T> parameter)
        where TActivation : struct, IActivationOperator<T> => TActivation.Invoke(z, parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FusedMultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (!HardwareFma.IsSupported)
        {
            return (a * b) + c;
        }

        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum4(Vector256<T> a, Vector256<T> b, Vector256<T> c, Vector256<T> d, ref T destination) =>
        Simd128<T>.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper(), ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Derivative<TOperator>(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter)
        where TOperator : struct, IActivationOperator<T> => TOperator.Derivative(z, a, gradA, parameter);
}
