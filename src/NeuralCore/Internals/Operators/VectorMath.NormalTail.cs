using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// The upper tail of the standard normal distribution, Φ(−u) = erfc(u/√2)/2 for u ≥ 0, as
/// <c>e^(−u²/2) · R(u)</c>: <see cref="ExpNegativeHalfSquare{T}(Vector512{T})"/> times the smooth
/// <see cref="NormalTailScaled{T}(Vector512{T})"/> R(u) = e^(u²/2)·Φ(−u) (GELU's Φ).
/// </summary>
/// <remarks>
/// <para>One form for every u, relative to itself, so Φ(z) = Φ(−|z|) for z &lt; 0 keeps its precision down to the
/// subnormals (erf-based forms compute 1 + erf(z/√2), which is 0 below z ≈ −5.5 in float, −8.4 in double) and
/// Φ(z) = 1 − Φ(−z) for z &gt; 0 rounds only at the end. No branch: every lane runs the same arithmetic.</para>
/// <para>e^(−u²/2) takes the rounding of u² back: u² = h + l exactly (l by a fused multiply-add), and
/// e^(−u²/2) = e^(−h/2)·(1 − l/2). Without it the exponent's rounding, up to u²·ε/4, would cost tens of float ulps
/// at u = 14 and hundreds of double ulps at u = 38; it is also why the argument is u, not u/√2.</para>
/// <para>R(u) = 1/(√(2π)·(u + W(u))), W the tail of Laplace's continued fraction 1/(u + 2/(u + 3/(u + …))):
/// W(0) = √(2/π), W ~ 1/u, a rational function of degrees 4/5 (float, on [0, 14.5]) or 9/10 (double, on
/// [0, 38.7]) with positive coefficients, so Horner's rule does not cancel. R is evaluated as q/(u·q + p) with W = p/q:
/// a relative error of W moves R by its share W/(u + W), and q's own rounding, above and below, cancels as u grows
/// (a plain rational for R lost 3 float ulps at u = 13 to Horner's error growth). Past the limits e^(−u²/2)·u is 0
/// and the callers clamp u there, so the polynomials never overflow. The coefficients were fitted for this file
/// (benchmarks/reference/fit_normal_tail.py: relative error of R with the rounded coefficients 2.8e−8 for float,
/// 6.7e−17 for double, mostly W(0)'s own rounding); TranscendentalAccuracyTests measures the whole.</para>
/// </remarks>
internal static partial class VectorMath
{
    /// <summary>The u above which e^(−u²/2)·u is 0 in float (and the fit of W ends).</summary>
    public const float NormalTailLimitSingle = 14.5f;

    /// <summary>The u above which e^(−u²/2)·u is 0 in double (and the fit of W ends).</summary>
    public const double NormalTailLimitDouble = 38.7;

    // W(u) ≈ (P0 + P1·u + …)/(1 + Q1·u + …), the continued fraction's tail (see the class remarks).
    private const float NormalTailSingleP0 = 0.797884583f;
    private const float NormalTailSingleP1 = 0.503202975f;
    private const float NormalTailSingleP2 = 0.166292384f;
    private const float NormalTailSingleP3 = 0.0298866797f;
    private const float NormalTailSingleP4 = 0.00250099646f;
    private const float NormalTailSingleQ1 = 1.08610106f;
    private const float NormalTailSingleQ2 = 0.566438615f;
    private const float NormalTailSingleQ3 = 0.171024904f;
    private const float NormalTailSingleQ4 = 0.0298989676f;
    private const float NormalTailSingleQ5 = 0.00250075222f;

    private const double NormalTailDoubleP0 = 0.7978845608028654;
    private const double NormalTailDoubleP1 = 0.9881593239969573;
    private const double NormalTailDoubleP2 = 0.6258148055172572;
    private const double NormalTailDoubleP3 = 0.2572926072617217;
    private const double NormalTailDoubleP4 = 0.07458101178324836;
    private const double NormalTailDoubleP5 = 0.01568957820944365;
    private const double NormalTailDoubleP6 = 0.002388944146474472;
    private const double NormalTailDoubleP7 = 0.00025418252131774753;
    private const double NormalTailDoubleP8 = 1.7242870545844733E-5;
    private const double NormalTailDoubleP9 = 5.749811507454512E-7;
    private const double NormalTailDoubleQ1 = 1.6939036271981485;
    private const double NormalTailDoubleQ2 = 1.4191765823166465;
    private const double NormalTailDoubleQ3 = 0.7613566770894787;
    private const double NormalTailDoubleQ4 = 0.28717151229494176;
    private const double NormalTailDoubleQ5 = 0.07925540739612909;
    private const double NormalTailDoubleQ6 = 0.016194494744842514;
    private const double NormalTailDoubleQ7 = 0.00242342984841197;
    private const double NormalTailDoubleQ8 = 0.0002553324843762234;
    private const double NormalTailDoubleQ9 = 1.7242870537012483E-5;
    private const double NormalTailDoubleQ10 = 5.749811507919758E-7;

    // 1/√(2π).
    private const double InverseSqrtTwoPi = 0.3989422804014327;

    /// <summary>The limit of u for <typeparamref name="T"/> (<see cref="NormalTailLimitSingle"/>, <see cref="NormalTailLimitDouble"/>).</summary>
    public static T NormalTailLimit<T>()
        where T : IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(NormalTailLimitSingle) : T.CreateTruncating(NormalTailLimitDouble);

    /// <summary>e^(−u²/2) lane-wise, with the rounding of u² corrected (see the class remarks); 0 for u beyond the limit, NaN kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ExpNegativeHalfSquare<T>(Vector128<T> u)
    {
        if (typeof(T) == typeof(float))
        {
            var us = u.AsSingle();
            var h = us * us;
            var l = Vector128.FusedMultiplyAdd(us, us, -h);
            var e = ExpSingle(Vector128.Create(-0.5f) * h);
            return Vector128.FusedMultiplyAdd(e * Vector128.Create(-0.5f), l, e).As<float, T>();
        }

        var ud = u.AsDouble();
        var hd = ud * ud;
        var ld = Vector128.FusedMultiplyAdd(ud, ud, -hd);
        var ed = ExpDouble(Vector128.Create(-0.5) * hd);
        return Vector128.FusedMultiplyAdd(ed * Vector128.Create(-0.5), ld, ed).As<double, T>();
    }

    /// <summary>R(u) = e^(u²/2)·Φ(−u) = 1/(√(2π)·(u + W(u))) lane-wise for 0 ≤ u ≤ the limit (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> NormalTailScaled<T>(Vector128<T> u)
    {
        if (typeof(T) == typeof(float))
        {
            return NormalTailScaledSingle(u.AsSingle()).As<float, T>();
        }

        return NormalTailScaledDouble(u.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> NormalTailScaledSingle(Vector128<float> u)
    {
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(NormalTailSingleP4), u, Vector128.Create(NormalTailSingleP3));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailSingleP2));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailSingleP1));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailSingleP0));
        var q = Vector128.MultiplyAddEstimate(Vector128.Create(NormalTailSingleQ5), u, Vector128.Create(NormalTailSingleQ4));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailSingleQ3));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailSingleQ2));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailSingleQ1));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128<float>.One);

        // 1/√(2π) / (u + p/q), as q/(u·q + p): the same q above and below, so its rounding cancels where u·q dominates.
        return Vector128.Create((float)InverseSqrtTwoPi) * q / Vector128.MultiplyAddEstimate(u, q, p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> NormalTailScaledDouble(Vector128<double> u)
    {
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(NormalTailDoubleP9), u, Vector128.Create(NormalTailDoubleP8));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP7));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP6));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP5));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP4));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP3));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP2));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP1));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP0));
        var q = Vector128.MultiplyAddEstimate(Vector128.Create(NormalTailDoubleQ10), u, Vector128.Create(NormalTailDoubleQ9));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ8));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ7));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ6));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ5));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ4));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ3));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ2));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ1));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128<double>.One);

        // 1/√(2π) / (u + p/q), as q/(u·q + p): the same q above and below, so its rounding cancels where u·q dominates.
        return Vector128.Create(InverseSqrtTwoPi) * q / Vector128.MultiplyAddEstimate(u, q, p);
    }

    /// <summary>e^(−u²/2) lane-wise, with the rounding of u² corrected (see the class remarks); 0 for u beyond the limit, NaN kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ExpNegativeHalfSquare<T>(Vector256<T> u)
    {
        if (typeof(T) == typeof(float))
        {
            var us = u.AsSingle();
            var h = us * us;
            var l = Vector256.FusedMultiplyAdd(us, us, -h);
            var e = ExpSingle(Vector256.Create(-0.5f) * h);
            return Vector256.FusedMultiplyAdd(e * Vector256.Create(-0.5f), l, e).As<float, T>();
        }

        var ud = u.AsDouble();
        var hd = ud * ud;
        var ld = Vector256.FusedMultiplyAdd(ud, ud, -hd);
        var ed = ExpDouble(Vector256.Create(-0.5) * hd);
        return Vector256.FusedMultiplyAdd(ed * Vector256.Create(-0.5), ld, ed).As<double, T>();
    }

    /// <summary>R(u) = e^(u²/2)·Φ(−u) = 1/(√(2π)·(u + W(u))) lane-wise for 0 ≤ u ≤ the limit (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> NormalTailScaled<T>(Vector256<T> u)
    {
        if (typeof(T) == typeof(float))
        {
            return NormalTailScaledSingle(u.AsSingle()).As<float, T>();
        }

        return NormalTailScaledDouble(u.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> NormalTailScaledSingle(Vector256<float> u)
    {
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(NormalTailSingleP4), u, Vector256.Create(NormalTailSingleP3));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailSingleP2));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailSingleP1));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailSingleP0));
        var q = Vector256.MultiplyAddEstimate(Vector256.Create(NormalTailSingleQ5), u, Vector256.Create(NormalTailSingleQ4));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailSingleQ3));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailSingleQ2));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailSingleQ1));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256<float>.One);

        // 1/√(2π) / (u + p/q), as q/(u·q + p): the same q above and below, so its rounding cancels where u·q dominates.
        return Vector256.Create((float)InverseSqrtTwoPi) * q / Vector256.MultiplyAddEstimate(u, q, p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> NormalTailScaledDouble(Vector256<double> u)
    {
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(NormalTailDoubleP9), u, Vector256.Create(NormalTailDoubleP8));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP7));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP6));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP5));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP4));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP3));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP2));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP1));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP0));
        var q = Vector256.MultiplyAddEstimate(Vector256.Create(NormalTailDoubleQ10), u, Vector256.Create(NormalTailDoubleQ9));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ8));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ7));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ6));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ5));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ4));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ3));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ2));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ1));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256<double>.One);

        // 1/√(2π) / (u + p/q), as q/(u·q + p): the same q above and below, so its rounding cancels where u·q dominates.
        return Vector256.Create(InverseSqrtTwoPi) * q / Vector256.MultiplyAddEstimate(u, q, p);
    }

    /// <summary>e^(−u²/2) lane-wise, with the rounding of u² corrected (see the class remarks); 0 for u beyond the limit, NaN kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExpNegativeHalfSquare<T>(Vector512<T> u)
    {
        if (typeof(T) == typeof(float))
        {
            var us = u.AsSingle();
            var h = us * us;
            var l = Vector512.FusedMultiplyAdd(us, us, -h);
            var e = ExpSingle(Vector512.Create(-0.5f) * h);
            return Vector512.FusedMultiplyAdd(e * Vector512.Create(-0.5f), l, e).As<float, T>();
        }

        var ud = u.AsDouble();
        var hd = ud * ud;
        var ld = Vector512.FusedMultiplyAdd(ud, ud, -hd);
        var ed = ExpDouble(Vector512.Create(-0.5) * hd);
        return Vector512.FusedMultiplyAdd(ed * Vector512.Create(-0.5), ld, ed).As<double, T>();
    }

    /// <summary>R(u) = e^(u²/2)·Φ(−u) = 1/(√(2π)·(u + W(u))) lane-wise for 0 ≤ u ≤ the limit (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> NormalTailScaled<T>(Vector512<T> u)
    {
        if (typeof(T) == typeof(float))
        {
            return NormalTailScaledSingle(u.AsSingle()).As<float, T>();
        }

        return NormalTailScaledDouble(u.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> NormalTailScaledSingle(Vector512<float> u)
    {
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(NormalTailSingleP4), u, Vector512.Create(NormalTailSingleP3));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailSingleP2));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailSingleP1));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailSingleP0));
        var q = Vector512.MultiplyAddEstimate(Vector512.Create(NormalTailSingleQ5), u, Vector512.Create(NormalTailSingleQ4));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailSingleQ3));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailSingleQ2));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailSingleQ1));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512<float>.One);

        // 1/√(2π) / (u + p/q), as q/(u·q + p): the same q above and below, so its rounding cancels where u·q dominates.
        return Vector512.Create((float)InverseSqrtTwoPi) * q / Vector512.MultiplyAddEstimate(u, q, p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> NormalTailScaledDouble(Vector512<double> u)
    {
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(NormalTailDoubleP9), u, Vector512.Create(NormalTailDoubleP8));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP7));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP6));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP5));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP4));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP3));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP2));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP1));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP0));
        var q = Vector512.MultiplyAddEstimate(Vector512.Create(NormalTailDoubleQ10), u, Vector512.Create(NormalTailDoubleQ9));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ8));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ7));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ6));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ5));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ4));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ3));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ2));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ1));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512<double>.One);

        // 1/√(2π) / (u + p/q), as q/(u·q + p): the same q above and below, so its rounding cancels where u·q dominates.
        return Vector512.Create(InverseSqrtTwoPi) * q / Vector512.MultiplyAddEstimate(u, q, p);
    }
}
