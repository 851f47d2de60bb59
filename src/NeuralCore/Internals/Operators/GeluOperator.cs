using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = z·Φ(z), Φ the standard normal distribution function; f′ = Φ(z) + z·φ(z), read from z.</summary>
/// <remarks>
/// <para>Φ(−|z|) = e^(−z²/2)·R(|z|) from <see cref="VectorMath"/>'s normal tail, relative to itself for every z; then
/// f = z·Φ(−|z|) below 0 and z − z·Φ(−z) above, so negative z keep their relative precision where PyTorch's
/// 0.5·z·(1 + erf(z/√2)) cancels (to 0 below z ≈ −5.5 in float). φ(z) = e^(−z²/2)/√(2π) comes with it.</para>
/// <para>|z| is clamped where the result's tail underflows, so ±∞ give ∞ and −0 (and f′ 1 and 0) instead of ∞·0.</para>
/// </remarks>
internal readonly struct GeluOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "gelu";

    public static bool NeedsZ => true;

    private const double InverseSqrtTwoPi = 0.3989422804014327;

    // The scalar forms run the vector form on one lane: one algorithm for every path and tail.
    public static T Invoke(T z, T parameter) => Invoke(Vector128.CreateScalar(z), Vector128.CreateScalar(parameter)).ToScalar();

    public static T Derivative(T z, T a, T gradA, T parameter) =>
        Derivative(Vector128.CreateScalar(z), Vector128.CreateScalar(a), Vector128.CreateScalar(gradA), Vector128.CreateScalar(parameter)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter)
    {
        var (u, e, r) = Tail(z);

        // z·Φ(−|z|) with the exponential applied last: e^(−u²/2) may be subnormal, and multiplying it by u·R (< ½)
        // rather than by u keeps its one rounding from being amplified. Above 0, z − that (u, not z: e = 0 past the limit).
        var zr = Vector128.CopySign(u, z) * r;
        return Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<T>.Zero), Simd128<T>.MultiplyAdd(-e, zr, z), e * zr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter)
    {
        var (u, e, r) = Tail(z);
        var q = e * r;
        var cdf = Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<T>.Zero), Vector128<T>.One - q, q);
        return gradA * Simd128<T>.MultiplyAdd(Vector128.CopySign(u, z) * e, Vector128.Create(T.CreateTruncating(InverseSqrtTwoPi)), cdf);
    }

    /// <summary>u = min(|z|, limit), e^(−u²/2) and R(u), so that Φ(−|z|) = e·R; beyond the limit e = 0 and R stays finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<T> U, Vector128<T> E, Vector128<T> R) Tail(Vector128<T> z)
    {
        // MinNative(limit, ·) keeps a NaN |z| (the second operand, on x86; ARM propagates NaN).
        var u = Vector128.MinNative(Vector128.Create(VectorMath.NormalTailLimit<T>()), Vector128.Abs(z));
        return (u, VectorMath.ExpNegativeHalfSquare(u), VectorMath.NormalTailScaled(u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter)
    {
        var (u, e, r) = Tail(z);

        // z·Φ(−|z|) with the exponential applied last: e^(−u²/2) may be subnormal, and multiplying it by u·R (< ½)
        // rather than by u keeps its one rounding from being amplified. Above 0, z − that (u, not z: e = 0 past the limit).
        var zr = Vector256.CopySign(u, z) * r;
        return Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), Simd256<T>.MultiplyAdd(-e, zr, z), e * zr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter)
    {
        var (u, e, r) = Tail(z);
        var q = e * r;
        var cdf = Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), Vector256<T>.One - q, q);
        return gradA * Simd256<T>.MultiplyAdd(Vector256.CopySign(u, z) * e, Vector256.Create(T.CreateTruncating(InverseSqrtTwoPi)), cdf);
    }

    /// <summary>u = min(|z|, limit), e^(−u²/2) and R(u), so that Φ(−|z|) = e·R; beyond the limit e = 0 and R stays finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<T> U, Vector256<T> E, Vector256<T> R) Tail(Vector256<T> z)
    {
        // MinNative(limit, ·) keeps a NaN |z| (the second operand, on x86; ARM propagates NaN).
        var u = Vector256.MinNative(Vector256.Create(VectorMath.NormalTailLimit<T>()), Vector256.Abs(z));
        return (u, VectorMath.ExpNegativeHalfSquare(u), VectorMath.NormalTailScaled(u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter)
    {
        var (u, e, r) = Tail(z);

        // z·Φ(−|z|) with the exponential applied last: e^(−u²/2) may be subnormal, and multiplying it by u·R (< ½)
        // rather than by u keeps its one rounding from being amplified. Above 0, z − that (u, not z: e = 0 past the limit).
        var zr = Vector512.CopySign(u, z) * r;
        return Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), Simd512<T>.MultiplyAdd(-e, zr, z), e * zr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter)
    {
        var (u, e, r) = Tail(z);
        var q = e * r;
        var cdf = Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), Vector512<T>.One - q, q);
        return gradA * Simd512<T>.MultiplyAdd(Vector512.CopySign(u, z) * e, Vector512.Create(T.CreateTruncating(InverseSqrtTwoPi)), cdf);
    }

    /// <summary>u = min(|z|, limit), e^(−u²/2) and R(u), so that Φ(−|z|) = e·R; beyond the limit e = 0 and R stays finite.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<T> U, Vector512<T> E, Vector512<T> R) Tail(Vector512<T> z)
    {
        // MinNative(limit, ·) keeps a NaN |z| (the second operand, on x86; ARM propagates NaN).
        var u = Vector512.MinNative(Vector512.Create(VectorMath.NormalTailLimit<T>()), Vector512.Abs(z));
        return (u, VectorMath.ExpNegativeHalfSquare(u), VectorMath.NormalTailScaled(u));
    }
}
