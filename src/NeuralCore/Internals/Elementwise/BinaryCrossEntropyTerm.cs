using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Reference;

namespace NeuralCore.Internals.Elementwise;

/// <summary>Binary cross-entropy on probabilities, clamped to [ε, 1−ε] so log(0) never happens (as in the reference).</summary>
internal readonly struct BinaryCrossEntropyTerm<T> : ILossTerm<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static T Clamp(T x) => T.Clamp(x, LossesReference.Epsilon<T>(), T.One - LossesReference.Epsilon<T>());

    public static T Value(T x, T target, T shift1, T shift2) => -((target * T.Log(Clamp(x))) + ((T.One - target) * T.Log(T.One - Clamp(x))));

    public static T Gradient(T x, T a, T target, T shift1) => (Clamp(x) - target) / (Clamp(x) * (T.One - Clamp(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Value(Vector128<T> x, Vector128<T> target, Vector128<T> shift1, Vector128<T> shift2)
    {
        var p = Vector128.Clamp(x, Vector128.Create(LossesReference.Epsilon<T>()), Vector128.Create(T.One - LossesReference.Epsilon<T>()));
        return -((target * VectorMath.Log(p)) + ((Vector128<T>.One - target) * VectorMath.Log(Vector128<T>.One - p)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Gradient(Vector128<T> x, Vector128<T> a, Vector128<T> target, Vector128<T> shift1)
    {
        var p = Vector128.Clamp(x, Vector128.Create(LossesReference.Epsilon<T>()), Vector128.Create(T.One - LossesReference.Epsilon<T>()));
        return (p - target) / (p * (Vector128<T>.One - p));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Value(Vector256<T> x, Vector256<T> target, Vector256<T> shift1, Vector256<T> shift2)
    {
        var p = Vector256.Clamp(x, Vector256.Create(LossesReference.Epsilon<T>()), Vector256.Create(T.One - LossesReference.Epsilon<T>()));
        return -((target * VectorMath.Log(p)) + ((Vector256<T>.One - target) * VectorMath.Log(Vector256<T>.One - p)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Gradient(Vector256<T> x, Vector256<T> a, Vector256<T> target, Vector256<T> shift1)
    {
        var p = Vector256.Clamp(x, Vector256.Create(LossesReference.Epsilon<T>()), Vector256.Create(T.One - LossesReference.Epsilon<T>()));
        return (p - target) / (p * (Vector256<T>.One - p));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Value(Vector512<T> x, Vector512<T> target, Vector512<T> shift1, Vector512<T> shift2)
    {
        var p = Vector512.Clamp(x, Vector512.Create(LossesReference.Epsilon<T>()), Vector512.Create(T.One - LossesReference.Epsilon<T>()));
        return -((target * VectorMath.Log(p)) + ((Vector512<T>.One - target) * VectorMath.Log(Vector512<T>.One - p)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Gradient(Vector512<T> x, Vector512<T> a, Vector512<T> target, Vector512<T> shift1)
    {
        var p = Vector512.Clamp(x, Vector512.Create(LossesReference.Epsilon<T>()), Vector512.Create(T.One - LossesReference.Epsilon<T>()));
        return (p - target) / (p * (Vector512<T>.One - p));
    }
}
