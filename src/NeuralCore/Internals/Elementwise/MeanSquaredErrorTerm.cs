using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>Mean squared error with the ½ of the autoencoder tutorial: value (x − y)²/2, gradient x − y.</summary>
internal readonly struct MeanSquaredErrorTerm<T> : ILossTerm<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Value(T x, T target, T shift1, T shift2) => (x - target) * (x - target) / T.CreateTruncating(2);

    public static T Gradient(T x, T a, T target, T shift1) => x - target;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Value(Vector128<T> x, Vector128<T> target, Vector128<T> shift1, Vector128<T> shift2)
    {
        var d = x - target;
        return d * d * T.CreateTruncating(0.5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Gradient(Vector128<T> x, Vector128<T> a, Vector128<T> target, Vector128<T> shift1)
    {
        return x - target;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Value(Vector256<T> x, Vector256<T> target, Vector256<T> shift1, Vector256<T> shift2)
    {
        var d = x - target;
        return d * d * T.CreateTruncating(0.5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Gradient(Vector256<T> x, Vector256<T> a, Vector256<T> target, Vector256<T> shift1)
    {
        return x - target;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Value(Vector512<T> x, Vector512<T> target, Vector512<T> shift1, Vector512<T> shift2)
    {
        var d = x - target;
        return d * d * T.CreateTruncating(0.5);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Gradient(Vector512<T> x, Vector512<T> a, Vector512<T> target, Vector512<T> shift1)
    {
        return x - target;
    }
}
