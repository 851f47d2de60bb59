using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// Generic-over-T wrappers for the transcendental vector functions the operators need. The <c>typeof(T)</c>
/// tests are JIT-time constants, so each instantiation compiles to one direct call.
/// </summary>
internal static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp<T>(Vector128<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector128.Exp(x.AsSingle()).As<float, T>();
        }

        return Vector128.Exp(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.Exp(x.AsSingle()).As<float, T>();
        }

        return Vector256.Exp(x.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp<T>(Vector512<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.Exp(x.AsSingle()).As<float, T>();
        }

        return Vector512.Exp(x.AsDouble()).As<double, T>();
    }
}
