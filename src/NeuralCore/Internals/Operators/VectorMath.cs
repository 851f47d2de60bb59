using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// Generic-over-T entry points for the transcendental vector functions the operators and element-wise kernels
/// need. The <c>typeof(T)</c> tests are JIT-time constants, so each instantiation compiles to one direct call.
/// </summary>
/// <remarks>
/// <para>
/// Exp is our own (<see cref="ExpSingle(Vector512{float})"/>, <see cref="ExpDouble(Vector512{double})"/>): the
/// runtime's float exp widens every lane to double and evaluates there (two Vector512&lt;double&gt; evaluations
/// per Vector512&lt;float&gt;), which made TensorPrimitives.Sigmoid cost ≈1.1 cycles per element here.
/// </para>
/// <para>
/// Log stays the runtime's: it is only used by the loss kernels (an output layer's m×n elements per batch), where
/// its accuracy matters more than its speed. The exception is sigmoid + binary cross-entropy's log(1 + e^−|z|), which
/// every training step of the tutorial nets evaluates: <see cref="LogOnePlusUnit{T}(Vector512{T})"/> is our own series
/// for float lanes (one division instead of the runtime's two double evaluations).
/// </para>
/// </remarks>
internal static partial class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp<T>(Vector128<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return ExpSingle(x.AsSingle()).As<float, T>();
        }

        return ExpDouble(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return ExpSingle(x.AsSingle()).As<float, T>();
        }

        return ExpDouble(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return ExpSingle(x.AsSingle()).As<float, T>();
        }

        return ExpDouble(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Log<T>(Vector128<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector128.Log(x.AsSingle()).As<float, T>();
        }

        return Vector128.Log(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.Log(x.AsSingle()).As<float, T>();
        }

        return Vector256.Log(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log<T>(Vector512<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.Log(x.AsSingle()).As<float, T>();
        }

        return Vector512.Log(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Tanh<T>(Vector128<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return TanhSingle(x.AsSingle()).As<float, T>();
        }

        return TanhDouble(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Tanh<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return TanhSingle(x.AsSingle()).As<float, T>();
        }

        return TanhDouble(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Tanh<T>(Vector512<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return TanhSingle(x.AsSingle()).As<float, T>();
        }

        return TanhDouble(x.AsDouble()).As<double, T>();
    }
}
