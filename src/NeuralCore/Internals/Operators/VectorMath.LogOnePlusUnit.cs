using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// log(1 + u) for u in [0, 1] (the e^−|z| of sigmoid + binary cross-entropy), float lanes by our own series; double
/// lanes by <see cref="LogOnePlus{T}(Vector512{T})"/> (the runtime's log).
/// </summary>
/// <remarks>
/// <para>
/// log(1 + u) = 2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + …) with s = u/(2 + u) ∈ [0, 1/3]. Seven terms (to s¹²/13) leave a
/// truncation error below s¹⁴/15 ≤ 1.4e-8 relative, about ¼ float ulp; u is exact, 2 + u and the division round
/// once each, the series and the final product about once more, so the result is within ~2 ulp (the accuracy test
/// sweeps [0, 1] against a double evaluation). There is no cancellation anywhere (every term is positive) and no
/// special case: u = 0 gives 0, tiny u gives 2·(u/2) = u.
/// </para>
/// <para>
/// The runtime's float log widens to double (two Vector512&lt;double&gt; evaluations per Vector512&lt;float&gt;) and
/// the Goldberg form around it adds a second division and a select; this is one division and seven fused
/// multiply-adds. Double would need about sixteen terms, so it keeps the runtime's log.
/// </para>
/// </remarks>
internal static partial class VectorMath
{
    // 1/(2k + 1), k = 6 … 1, as floats (the leading 1 is added last).
    private const float LogSeries13 = 1f / 13;
    private const float LogSeries11 = 1f / 11;
    private const float LogSeries9 = 1f / 9;
    private const float LogSeries7 = 1f / 7;
    private const float LogSeries5 = 1f / 5;
    private const float LogSeries3 = 1f / 3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LogOnePlusUnit<T>(Vector128<T> u)
    {
        if (typeof(T) != typeof(float))
        {
            return LogOnePlus(u);
        }

        var x = u.AsSingle();
        var s = x / (Vector128.Create(2f) + x);
        var s2 = s * s;
        var p = Vector128.FusedMultiplyAdd(Vector128.Create(LogSeries13), s2, Vector128.Create(LogSeries11));
        p = Vector128.FusedMultiplyAdd(p, s2, Vector128.Create(LogSeries9));
        p = Vector128.FusedMultiplyAdd(p, s2, Vector128.Create(LogSeries7));
        p = Vector128.FusedMultiplyAdd(p, s2, Vector128.Create(LogSeries5));
        p = Vector128.FusedMultiplyAdd(p, s2, Vector128.Create(LogSeries3));
        p = Vector128.FusedMultiplyAdd(p, s2, Vector128<float>.One);
        return ((s + s) * p).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LogOnePlusUnit<T>(Vector256<T> u)
    {
        if (typeof(T) != typeof(float))
        {
            return LogOnePlus(u);
        }

        var x = u.AsSingle();
        var s = x / (Vector256.Create(2f) + x);
        var s2 = s * s;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(LogSeries13), s2, Vector256.Create(LogSeries11));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(LogSeries9));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(LogSeries7));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(LogSeries5));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(LogSeries3));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256<float>.One);
        return ((s + s) * p).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LogOnePlusUnit<T>(Vector512<T> u)
    {
        if (typeof(T) != typeof(float))
        {
            return LogOnePlus(u);
        }

        var x = u.AsSingle();
        var s = x / (Vector512.Create(2f) + x);
        var s2 = s * s;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(LogSeries13), s2, Vector512.Create(LogSeries11));
        p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(LogSeries9));
        p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(LogSeries7));
        p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(LogSeries5));
        p = Vector512.FusedMultiplyAdd(p, s2, Vector512.Create(LogSeries3));
        p = Vector512.FusedMultiplyAdd(p, s2, Vector512<float>.One);
        return ((s + s) * p).As<float, T>();
    }
}
