using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>Softmax + cross-entropy from the logits: value −y·(z − max − log Σe^(z−max)), skipped where y = 0 (so a −∞ logit with y = 0 adds 0, not NaN); fused gradient a − y.</summary>
internal readonly struct SoftmaxCrossEntropyTerm<T> : ILossTerm<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Value(T x, T target, T shift1, T shift2) => target == T.Zero ? T.Zero : -(target * (x - shift1 - shift2));

    public static T Gradient(T x, T a, T target, T shift1) => a - target;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Value(Vector128<T> x, Vector128<T> target, Vector128<T> shift1, Vector128<T> shift2)
    {
        var value = -(target * (x - shift1 - shift2));
        return Vector128.ConditionalSelect(Vector128.Equals(target, Vector128<T>.Zero), Vector128<T>.Zero, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Gradient(Vector128<T> x, Vector128<T> a, Vector128<T> target, Vector128<T> shift1)
    {
        return a - target;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Value(Vector256<T> x, Vector256<T> target, Vector256<T> shift1, Vector256<T> shift2)
    {
        var value = -(target * (x - shift1 - shift2));
        return Vector256.ConditionalSelect(Vector256.Equals(target, Vector256<T>.Zero), Vector256<T>.Zero, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Gradient(Vector256<T> x, Vector256<T> a, Vector256<T> target, Vector256<T> shift1)
    {
        return a - target;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Value(Vector512<T> x, Vector512<T> target, Vector512<T> shift1, Vector512<T> shift2)
    {
        var value = -(target * (x - shift1 - shift2));
        return Vector512.ConditionalSelect(Vector512.Equals(target, Vector512<T>.Zero), Vector512<T>.Zero, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Gradient(Vector512<T> x, Vector512<T> a, Vector512<T> target, Vector512<T> shift1)
    {
        return a - target;
    }
}
