using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Simd;

/// <summary>The 128-bit width, for the generic kernels (GEMM micro-kernels, narrow-layer kernels).</summary>
/// <typeparam name="T">The element type.</typeparam>
internal readonly struct Simd128<T> : ISimd<T, Vector128<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    public static Vector128<T> Zero => Vector128<T>.Zero;

    // Masked moves suppress faults on the disabled lanes, so a partial row at the very end of an array is safe.
    public static bool HasMaskedMemory => Avx.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector128<T> LoadPartial(ref T source, int count)
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
    public static unsafe void StorePartial(Vector128<T> value, ref T destination, int count)
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
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        // MultiplyAddEstimate: one fused instruction where the hardware has FMA, a multiply and an add where it
        // does not (never the runtime's software fma per lane).
        if (typeof(T) == typeof(float))
        {
            return Vector128.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return Vector128.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Mask(int count) => Vector128.LessThan(Vector128<T>.Indices, Vector128.Create(T.CreateTruncating(count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Activate<TActivation>(Vector128<T> z, Vector128<T> parameter)
        where TActivation : struct, IActivationOperator<T> => TActivation.Invoke(z, parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> FusedMultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (!HardwareFma.IsSupported)
        {
            return (a * b) + c;
        }

        if (typeof(T) == typeof(float))
        {
            return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }

        return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum4(Vector128<T> a, Vector128<T> b, Vector128<T> c, Vector128<T> d, ref T destination)
    {
        if (Sse3.IsSupported && typeof(T) == typeof(float))
        {
            // [a0+a1, a2+a3, b0+b1, b2+b3] and the same for c, d; then one more pairwise add gives the four sums in order.
            var ab = Sse3.HorizontalAdd(a.AsSingle(), b.AsSingle());
            var cd = Sse3.HorizontalAdd(c.AsSingle(), d.AsSingle());
            Sse3.HorizontalAdd(ab, cd).As<float, T>().StoreUnsafe(ref destination);
        }
        else if (Sse3.IsSupported && typeof(T) == typeof(double))
        {
            Sse3.HorizontalAdd(a.AsDouble(), b.AsDouble()).As<double, T>().StoreUnsafe(ref destination);
            Sse3.HorizontalAdd(c.AsDouble(), d.AsDouble()).As<double, T>().StoreUnsafe(ref destination, 2);
        }
        else
        {
            destination = Vector128.Sum(a);
            Unsafe.Add(ref destination, 1) = Vector128.Sum(b);
            Unsafe.Add(ref destination, 2) = Vector128.Sum(c);
            Unsafe.Add(ref destination, 3) = Vector128.Sum(d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Derivative<TOperator>(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter)
        where TOperator : struct, IActivationOperator<T> => TOperator.Derivative(z, a, gradA, parameter);
}
