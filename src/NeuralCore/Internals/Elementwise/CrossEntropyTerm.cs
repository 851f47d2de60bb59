using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Reference;

namespace NeuralCore.Internals.Elementwise;

/// <summary>Categorical cross-entropy on probabilities, floored at ε so log(0) never happens (as in the reference).</summary>
internal readonly struct CrossEntropyTerm<T> : ILossTerm<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Value(T x, T target, T shift1, T shift2) => -(target * T.Log(T.Max(x, LossesReference.Epsilon<T>())));

    public static T Gradient(T x, T a, T target, T shift1) => -target / T.Max(x, LossesReference.Epsilon<T>());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Value(Vector128<T> x, Vector128<T> target, Vector128<T> shift1, Vector128<T> shift2)
    {
        return -(target * VectorMath.Log(Vector128.Max(x, Vector128.Create(LossesReference.Epsilon<T>()))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Gradient(Vector128<T> x, Vector128<T> a, Vector128<T> target, Vector128<T> shift1)
    {
        return -target / Vector128.Max(x, Vector128.Create(LossesReference.Epsilon<T>()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Value(Vector256<T> x, Vector256<T> target, Vector256<T> shift1, Vector256<T> shift2)
    {
        return -(target * VectorMath.Log(Vector256.Max(x, Vector256.Create(LossesReference.Epsilon<T>()))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Gradient(Vector256<T> x, Vector256<T> a, Vector256<T> target, Vector256<T> shift1)
    {
        return -target / Vector256.Max(x, Vector256.Create(LossesReference.Epsilon<T>()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Value(Vector512<T> x, Vector512<T> target, Vector512<T> shift1, Vector512<T> shift2)
    {
        return -(target * VectorMath.Log(Vector512.Max(x, Vector512.Create(LossesReference.Epsilon<T>()))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Gradient(Vector512<T> x, Vector512<T> a, Vector512<T> target, Vector512<T> shift1)
    {
        return -target / Vector512.Max(x, Vector512.Create(LossesReference.Epsilon<T>()));
    }
}
