using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = z·σ(z) (swish); f′ = σ(z)(1 + z(1 − σ(z))) = σ(z) + z·σ(z)σ(−z), read from z.</summary>
/// <remarks>
/// <para>f is <see cref="SigmoidOperator{T}"/>'s σ times z. z is clamped to ±750, beyond which e^−|z| is 0 in
/// both types, so ±∞ give ∞ and −0 (f′ 1 and 0) instead of ∞·0.</para>
/// <para>Below z ≈ −87 (float) σ(z) is subnormal: its absolute rounding, 2^−150, is then multiplied by |z|, so those
/// outputs are within |z|·2^−150 rather than an ulp.</para>
/// </remarks>
internal readonly struct SiluOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "silu";

    public static bool NeedsZ => true;

    private const double Limit = 750;

    // The scalar forms run the vector form on one lane: one algorithm for every path and tail.
    public static T Invoke(T z, T parameter) => Invoke(Vector128.CreateScalar(z), Vector128.CreateScalar(parameter)).ToScalar();

    public static T Derivative(T z, T a, T gradA, T parameter) =>
        Derivative(Vector128.CreateScalar(z), Vector128.CreateScalar(a), Vector128.CreateScalar(gradA), Vector128.CreateScalar(parameter)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter)
    {
        var zl = Vector128.MaxNative(Vector128.Create(T.CreateTruncating(-Limit)), z);
        return zl * SigmoidOperator<T>.Invoke(zl, parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter)
    {
        var limit = Vector128.Create(T.CreateTruncating(Limit));
        var zc = Vector128.MinNative(limit, Vector128.MaxNative(-limit, z));

        // σ(z) and σ(z)(1 − σ(z)) = e·r² from one e = e^−|z| and one division r = 1/(1 + e) (1 − σ is never formed).
        var e = VectorMath.Exp(-Vector128.Abs(zc));
        var r = Vector128<T>.One / (Vector128<T>.One + e);
        var sigmoid = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(zc, Vector128<T>.Zero), r, e * r);
        return gradA * Simd128<T>.MultiplyAdd(zc * e, r * r, sigmoid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter)
    {
        var zl = Vector256.MaxNative(Vector256.Create(T.CreateTruncating(-Limit)), z);
        return zl * SigmoidOperator<T>.Invoke(zl, parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter)
    {
        var limit = Vector256.Create(T.CreateTruncating(Limit));
        var zc = Vector256.MinNative(limit, Vector256.MaxNative(-limit, z));

        // σ(z) and σ(z)(1 − σ(z)) = e·r² from one e = e^−|z| and one division r = 1/(1 + e) (1 − σ is never formed).
        var e = VectorMath.Exp(-Vector256.Abs(zc));
        var r = Vector256<T>.One / (Vector256<T>.One + e);
        var sigmoid = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(zc, Vector256<T>.Zero), r, e * r);
        return gradA * Simd256<T>.MultiplyAdd(zc * e, r * r, sigmoid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter)
    {
        var zl = Vector512.MaxNative(Vector512.Create(T.CreateTruncating(-Limit)), z);
        return zl * SigmoidOperator<T>.Invoke(zl, parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter)
    {
        var limit = Vector512.Create(T.CreateTruncating(Limit));
        var zc = Vector512.MinNative(limit, Vector512.MaxNative(-limit, z));

        // σ(z) and σ(z)(1 − σ(z)) = e·r² from one e = e^−|z| and one division r = 1/(1 + e) (1 − σ is never formed).
        var e = VectorMath.Exp(-Vector512.Abs(zc));
        var r = Vector512<T>.One / (Vector512<T>.One + e);
        var sigmoid = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(zc, Vector512<T>.Zero), r, e * r);
        return gradA * Simd512<T>.MultiplyAdd(zc * e, r * r, sigmoid);
    }
}
