using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = 1/(1+e^−z); f′ = a(1−a) from the stored activation.</summary>
/// <remarks>
/// The vector forms evaluate e = e^−|z| with <see cref="VectorMath"/>'s exp (never overflows) and return
/// 1/(1+e) for z ≥ 0 and e/(1+e) for z &lt; 0: one division either way, and no 1 − σ cancellation for negative z,
/// so small outputs keep their relative precision down to the subnormals.
/// </remarks>
internal readonly struct SigmoidOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "sigmoid";

    public static bool NeedsZ => false;

    public static T Invoke(T z, T parameter) => Reference.ActivationsReference.Sigmoid(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter) => FromExp(z, VectorMath.Exp(-Vector128.Abs(z)));

    /// <summary>σ(z) from <paramref name="e"/> = e^−|z|, for a caller that needs e too (the fused sigmoid + BCE head).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> FromExp(Vector128<T> z, Vector128<T> e)
    {
        var numerator = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(z, Vector128<T>.Zero), Vector128<T>.One, e);
        return numerator / (Vector128<T>.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter) => FromExp(z, VectorMath.Exp(-Vector256.Abs(z)));

    /// <summary>σ(z) from <paramref name="e"/> = e^−|z|, for a caller that needs e too (the fused sigmoid + BCE head).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FromExp(Vector256<T> z, Vector256<T> e)
    {
        var numerator = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<T>.Zero), Vector256<T>.One, e);
        return numerator / (Vector256<T>.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter) => FromExp(z, VectorMath.Exp(-Vector512.Abs(z)));

    /// <summary>σ(z) from <paramref name="e"/> = e^−|z|, for a caller that needs e too (the fused sigmoid + BCE head).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FromExp(Vector512<T> z, Vector512<T> e)
    {
        var numerator = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, Vector512<T>.Zero), Vector512<T>.One, e);
        return numerator / (Vector512<T>.One + e);
    }

    public static T Derivative(T z, T a, T gradA, T parameter) => gradA * a * (T.One - a);

    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter) => gradA * a * (Vector128<T>.One - a);

    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter) => gradA * a * (Vector256<T>.One - a);

    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter) => gradA * a * (Vector512<T>.One - a);
}
