using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Huber with δ in <c>shift1</c>: value ½d² for |d| ≤ δ, else δ·(|d| − ½δ), with d = x − y; gradient d clipped to
/// [−δ, δ]. The same operations in the same order as the reference, so the gradient matches it bit for bit.
/// </summary>
internal readonly struct HuberTerm<T> : ILossTerm<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Value(T x, T target, T shift1, T shift2)
    {
        var d = x - target;
        var magnitude = T.Abs(d);
        return magnitude <= shift1 ? d * d * T.CreateTruncating(0.5) : shift1 * (magnitude - (shift1 * T.CreateTruncating(0.5)));
    }

    public static T Gradient(T x, T a, T target, T shift1) => T.Clamp(x - target, -shift1, shift1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Value(Vector128<T> x, Vector128<T> target, Vector128<T> shift1, Vector128<T> shift2)
    {
        var d = x - target;
        var magnitude = Vector128.Abs(d);
        var half = Vector128.Create(T.CreateTruncating(0.5));
        return Vector128.ConditionalSelect(Vector128.LessThanOrEqual(magnitude, shift1), d * d * half, shift1 * (magnitude - (shift1 * half)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Gradient(Vector128<T> x, Vector128<T> a, Vector128<T> target, Vector128<T> shift1) =>
        Vector128.Clamp(x - target, -shift1, shift1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Value(Vector256<T> x, Vector256<T> target, Vector256<T> shift1, Vector256<T> shift2)
    {
        var d = x - target;
        var magnitude = Vector256.Abs(d);
        var half = Vector256.Create(T.CreateTruncating(0.5));
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(magnitude, shift1), d * d * half, shift1 * (magnitude - (shift1 * half)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Gradient(Vector256<T> x, Vector256<T> a, Vector256<T> target, Vector256<T> shift1) =>
        Vector256.Clamp(x - target, -shift1, shift1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Value(Vector512<T> x, Vector512<T> target, Vector512<T> shift1, Vector512<T> shift2)
    {
        var d = x - target;
        var magnitude = Vector512.Abs(d);
        var half = Vector512.Create(T.CreateTruncating(0.5));
        return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(magnitude, shift1), d * d * half, shift1 * (magnitude - (shift1 * half)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Gradient(Vector512<T> x, Vector512<T> a, Vector512<T> target, Vector512<T> shift1) =>
        Vector512.Clamp(x - target, -shift1, shift1);
}
