using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = log(1 + e^z) = max(z, 0) + log(1 + e^−|z|); f′ = σ(z), read from z.</summary>
/// <remarks>
/// <para>e^−|z| ∈ (0, 1] never overflows, and <see cref="VectorMath.LogOnePlusUnit{T}(Vector512{T})"/> returns tiny
/// arguments exactly, so for negative z, f = log(1 + e^z) ≈ e^z keeps its relative precision (no 1 + e^z rounding
/// to 1); for positive z the two terms add without cancelling. NaN stays NaN; ±∞ give ∞ and 0.</para>
/// </remarks>
internal readonly struct SoftplusOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "softplus";

    public static bool NeedsZ => true;

    // The scalar forms run the vector form on one lane: one algorithm for every path and tail.
    public static T Invoke(T z, T parameter) => Invoke(Vector128.CreateScalar(z), Vector128.CreateScalar(parameter)).ToScalar();

    public static T Derivative(T z, T a, T gradA, T parameter) =>
        Derivative(Vector128.CreateScalar(z), Vector128.CreateScalar(a), Vector128.CreateScalar(gradA), Vector128.CreateScalar(parameter)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter)
    {
        var positive = Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<T>.Zero), z, Vector128<T>.Zero);
        return positive + VectorMath.LogOnePlusUnit(VectorMath.Exp(-Vector128.Abs(z)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter) => gradA * SigmoidOperator<T>.Invoke(z, parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter)
    {
        var positive = Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), z, Vector256<T>.Zero);
        return positive + VectorMath.LogOnePlusUnit(VectorMath.Exp(-Vector256.Abs(z)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter) => gradA * SigmoidOperator<T>.Invoke(z, parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter)
    {
        var positive = Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), z, Vector512<T>.Zero);
        return positive + VectorMath.LogOnePlusUnit(VectorMath.Exp(-Vector512.Abs(z)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter) => gradA * SigmoidOperator<T>.Invoke(z, parameter);
}
