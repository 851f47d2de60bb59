using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// The upper tail of the standard normal distribution, Φ(−u) = erfc(u/√2)/2 for u ≥ 0, as
/// <c>e^(−u²/2) · R(u)</c>: <see cref="ExpNegativeHalfSquare{T}(Vector512{T})"/> times the smooth
/// <see cref="NormalTailScaled{T}(Vector512{T})"/> R(u) = e^(u²/2)·Φ(−u), a rational function of u (GELU's Φ).
/// </summary>
/// <remarks>
/// <para>One form for every u, relative to itself, so Φ(z) = Φ(−|z|) for z &lt; 0 keeps its precision down to the
/// subnormals (erf-based forms compute 1 + erf(z/√2), which is 0 below z ≈ −5.9 in float, −8.3 in double) and
/// Φ(z) = 1 − Φ(−z) for z &gt; 0 rounds only at the end. No branch: every lane runs the same arithmetic.</para>
/// <para>e^(−u²/2) takes the rounding of u² back: u² = h + l exactly (l by a fused multiply-add), and
/// e^(−u²/2) = e^(−h/2)·(1 − l/2). Without it the exponent's rounding, up to u²·ε/2, would cost up to 50 float ulps
/// at u = 14 (and ~400 double ulps at u = 38); it is also why the argument is u, not u/√2.</para>
/// <para>R(0) = 1/2 and R(u) ~ 1/(u√(2π)), so a rational function of degrees n/(n+1) fits it on the whole range with
/// positive coefficients (Horner's rule does not cancel): 4/5 on [0, 14.5] for float, 10/11 on [0, 38.7] for double,
/// where e^(−u²/2)·u underflows to 0 (the callers clamp u there, so the polynomials never overflow). The coefficients
/// were fitted for this file (benchmarks/reference/fit_normal_tail.py, minimax relative error of R with the rounded
/// coefficients 2.5e−8 for float, 4.8e−17 for double, below ½ ulp); TranscendentalAccuracyTests measures the result.</para>
/// </remarks>
internal static partial class VectorMath
{
    /// <summary>The u above which e^(−u²/2)·u is 0 in float (and the fit of R ends).</summary>
    public const float NormalTailLimitSingle = 14.5f;

    /// <summary>The u above which e^(−u²/2)·u is 0 in double (and the fit of R ends).</summary>
    public const double NormalTailLimitDouble = 38.7;

    // R(u) ≈ (P0 + P1·u + …)/(1 + Q1·u + …).
    private const float NormalTailSingleP0 = 5.000000000E-1f;
    private const float NormalTailSingleP1 = 4.383028746E-1f;
    private const float NormalTailSingleP2 = 1.832404435E-1f;
    private const float NormalTailSingleP3 = 4.063484445E-2f;
    private const float NormalTailSingleP4 = 4.116495606E-3f;
    private const float NormalTailSingleQ1 = 1.674490690f;
    private const float NormalTailSingleQ2 = 1.202526450f;
    private const float NormalTailSingleQ3 = 4.694844782E-1f;
    private const float NormalTailSingleQ4 = 1.018628925E-1f;
    private const float NormalTailSingleQ5 = 1.031840499E-2f;

    private const double NormalTailDoubleP0 = 0.5;
    private const double NormalTailDoubleP1 = 0.8277382610261138;
    private const double NormalTailDoubleP2 = 0.6793189204605059;
    private const double NormalTailDoubleP3 = 0.35712170427568746;
    private const double NormalTailDoubleP4 = 0.13193706336076438;
    private const double NormalTailDoubleP5 = 0.03563078333024415;
    private const double NormalTailDoubleP6 = 0.007113868646697682;
    private const double NormalTailDoubleP7 = 0.001038142992747894;
    private const double NormalTailDoubleP8 = 0.00010638204379457536;
    private const double NormalTailDoubleP9 = 6.961281809751947E-6;
    private const double NormalTailDoubleP10 = 2.2362677651992053E-7;
    private const double NormalTailDoubleQ1 = 2.453361082855093;
    private const double NormalTailDoubleQ2 = 2.816136771005682;
    private const double NormalTailDoubleQ3 = 2.0004764380862308;
    private const double NormalTailDoubleQ4 = 0.9794546487782969;
    private const double NormalTailDoubleQ5 = 0.34802127548309025;
    private const double NormalTailDoubleQ6 = 0.09188046912643376;
    private const double NormalTailDoubleQ7 = 0.0180973634231265;
    private const double NormalTailDoubleQ8 = 0.0026196879247521996;
    private const double NormalTailDoubleQ9 = 0.00026722078808626756;
    private const double NormalTailDoubleQ10 = 1.7449345812029327E-5;
    private const double NormalTailDoubleQ11 = 5.605492009892885E-7;

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

    /// <summary>R(u) = e^(u²/2)·Φ(−u) lane-wise for 0 ≤ u ≤ the limit (see the class remarks).</summary>
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
        return p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> NormalTailScaledDouble(Vector128<double> u)
    {
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(NormalTailDoubleP10), u, Vector128.Create(NormalTailDoubleP9));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP8));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP7));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP6));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP5));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP4));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP3));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP2));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP1));
        p = Vector128.MultiplyAddEstimate(p, u, Vector128.Create(NormalTailDoubleP0));
        var q = Vector128.MultiplyAddEstimate(Vector128.Create(NormalTailDoubleQ11), u, Vector128.Create(NormalTailDoubleQ10));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ9));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ8));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ7));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ6));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ5));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ4));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ3));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ2));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128.Create(NormalTailDoubleQ1));
        q = Vector128.MultiplyAddEstimate(q, u, Vector128<double>.One);
        return p / q;
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

    /// <summary>R(u) = e^(u²/2)·Φ(−u) lane-wise for 0 ≤ u ≤ the limit (see the class remarks).</summary>
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
        return p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> NormalTailScaledDouble(Vector256<double> u)
    {
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(NormalTailDoubleP10), u, Vector256.Create(NormalTailDoubleP9));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP8));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP7));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP6));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP5));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP4));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP3));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP2));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP1));
        p = Vector256.MultiplyAddEstimate(p, u, Vector256.Create(NormalTailDoubleP0));
        var q = Vector256.MultiplyAddEstimate(Vector256.Create(NormalTailDoubleQ11), u, Vector256.Create(NormalTailDoubleQ10));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ9));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ8));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ7));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ6));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ5));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ4));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ3));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ2));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256.Create(NormalTailDoubleQ1));
        q = Vector256.MultiplyAddEstimate(q, u, Vector256<double>.One);
        return p / q;
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

    /// <summary>R(u) = e^(u²/2)·Φ(−u) lane-wise for 0 ≤ u ≤ the limit (see the class remarks).</summary>
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
        return p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> NormalTailScaledDouble(Vector512<double> u)
    {
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(NormalTailDoubleP10), u, Vector512.Create(NormalTailDoubleP9));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP8));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP7));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP6));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP5));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP4));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP3));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP2));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP1));
        p = Vector512.MultiplyAddEstimate(p, u, Vector512.Create(NormalTailDoubleP0));
        var q = Vector512.MultiplyAddEstimate(Vector512.Create(NormalTailDoubleQ11), u, Vector512.Create(NormalTailDoubleQ10));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ9));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ8));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ7));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ6));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ5));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ4));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ3));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ2));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512.Create(NormalTailDoubleQ1));
        q = Vector512.MultiplyAddEstimate(q, u, Vector512<double>.One);
        return p / q;
    }
}
