using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Sigmoid + binary cross-entropy from the logit z: value max(z,0) − z·y + log(1 + e^−|z|), exact for any z; fused gradient a − y.
/// The vector forms take log(1 + u) on u = e^−|z| ∈ (0, 1] from <see cref="VectorMath.LogOnePlusUnit{T}(Vector512{T})"/>.
/// </summary>
internal readonly struct SigmoidBinaryCrossEntropyTerm<T> : ILossTerm<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Value(T x, T target, T shift1, T shift2) => T.Max(x, T.Zero) - (x * target) + VectorMath.LogOnePlus(T.Exp(-T.Abs(x)));

    public static T Gradient(T x, T a, T target, T shift1) => a - target;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Value(Vector128<T> x, Vector128<T> target, Vector128<T> shift1, Vector128<T> shift2) =>
        ValueFromExp(x, target, VectorMath.Exp(-Vector128.Abs(x)));

    /// <summary>The loss term from <paramref name="e"/> = e^−|x|, for a caller that computed it for σ (the fused head).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ValueFromExp(Vector128<T> x, Vector128<T> target, Vector128<T> e) =>
        Vector128.Max(x, Vector128<T>.Zero) - (x * target) + VectorMath.LogOnePlusUnit(e);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Gradient(Vector128<T> x, Vector128<T> a, Vector128<T> target, Vector128<T> shift1)
    {
        return a - target;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Value(Vector256<T> x, Vector256<T> target, Vector256<T> shift1, Vector256<T> shift2) =>
        ValueFromExp(x, target, VectorMath.Exp(-Vector256.Abs(x)));

    /// <summary>The loss term from <paramref name="e"/> = e^−|x|, for a caller that computed it for σ (the fused head).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ValueFromExp(Vector256<T> x, Vector256<T> target, Vector256<T> e) =>
        Vector256.Max(x, Vector256<T>.Zero) - (x * target) + VectorMath.LogOnePlusUnit(e);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Gradient(Vector256<T> x, Vector256<T> a, Vector256<T> target, Vector256<T> shift1)
    {
        return a - target;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Value(Vector512<T> x, Vector512<T> target, Vector512<T> shift1, Vector512<T> shift2) =>
        ValueFromExp(x, target, VectorMath.Exp(-Vector512.Abs(x)));

    /// <summary>The loss term from <paramref name="e"/> = e^−|x|, for a caller that computed it for σ (the fused head).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ValueFromExp(Vector512<T> x, Vector512<T> target, Vector512<T> e) =>
        Vector512.Max(x, Vector512<T>.Zero) - (x * target) + VectorMath.LogOnePlusUnit(e);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Gradient(Vector512<T> x, Vector512<T> a, Vector512<T> target, Vector512<T> shift1)
    {
        return a - target;
    }
}
