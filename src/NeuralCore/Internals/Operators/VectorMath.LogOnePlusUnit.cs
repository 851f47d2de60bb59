using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

// log(1 + u) for u in [0, 1] (the e^−|z| of sigmoid + binary cross-entropy), float lanes by our own series; double
// lanes by LogOnePlus (the runtime's log).
//
// log(1 + u) = 2·atanh(s) = t·(1 + t²/12 + t⁴/80 + …) with t = 2s = 2u/(2 + u) ∈ [0, 2/3]. Seven terms (to
// s¹²/13) leave a truncation error below s¹⁴/15 ≤ 1.4e-8 relative, about ¼ float ulp; 2u is exact (also for
// subnormal u, where u/2 would round), the rounding of 2 + u is corrected from its exact residual, the division,
// the series and the final product round about once each (the accuracy test sweeps [0, 1] and the subnormals
// against a double evaluation: at most 2.4 ulp). There is no
// cancellation anywhere (every term is positive) and no special case: u = 0 gives 0, tiny u gives 2u/2 = u (lanes
// below 2^−40 take u directly, so nothing is computed on subnormals; same bits).
//
// The runtime's float log widens to double (two Vector512<double> evaluations per Vector512<float>) and
// the Goldberg form around it adds a second division and a select; this is one division, eight multiply-adds
// (fused where the hardware has FMA, never the runtime's software fma) and a few adds. Double would need about
// sixteen terms, so it keeps the runtime's log.
internal static partial class VectorMath
{
    // 1/((2k + 1)·4^k), k = 6 … 1: the series in t² = (2s)² (the leading 1 is added last).
    private const float LogSeries13 = 1f / (13 * 4096);
    private const float LogSeries11 = 1f / (11 * 1024);
    private const float LogSeries9 = 1f / (9 * 256);
    private const float LogSeries7 = 1f / (7 * 64);
    private const float LogSeries5 = 1f / (5 * 16);
    private const float LogSeries3 = 1f / (3 * 4);

    // 2^−40. Below it log(1 + u) rounds to u, and so does the series (t = 2u/2 = u exactly, the correction and every
    // term but the leading 1 vanish in rounding), but on the way it squares t into the subnormal range once u < 2^−63
    // (|z| > 44 in sigmoid + BCE; an Adam-trained moons net's saturated samples reach |z| ≈ 49), and x86 arithmetic
    // that produces subnormals is slow (benchmarks/results/AMD-EPYC-Zen5-network.md, "Figures moved from code comments").
    private const float TinyUnit = 1f / (1L << 40);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LogOnePlusUnit<T>(Vector128<T> u)
    {
        if (typeof(T) != typeof(float))
        {
            return LogOnePlus(u);
        }

        // Lanes below TinyUnit return u (what the series gives them); the series runs on TinyUnit there instead.
        var u32 = u.AsSingle();
        var tiny = Vector128.LessThan(u32, Vector128.Create(TinyUnit));
        var x = Vector128.ConditionalSelect(tiny, Vector128.Create(TinyUnit), u32);
        var d = Vector128.Create(2f) + x;
        var t = (x + x) / d;

        // 2 + u rounds (half an ulp of d, the largest single error); its residual r = u − (d − 2) is exact, and
        // 2u/(d + r) = t·(1 − r/d): the correction is below ½ ulp of t, so 1/d ∈ [1/3, 1/2] taken as 5/12 leaves ⅛ ulp.
        t = Vector128.MultiplyAddEstimate(-t, (x - (d - Vector128.Create(2f))) * Vector128.Create(5f / 12), t);
        var s2 = t * t;
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(LogSeries13), s2, Vector128.Create(LogSeries11));
        p = Vector128.MultiplyAddEstimate(p, s2, Vector128.Create(LogSeries9));
        p = Vector128.MultiplyAddEstimate(p, s2, Vector128.Create(LogSeries7));
        p = Vector128.MultiplyAddEstimate(p, s2, Vector128.Create(LogSeries5));
        p = Vector128.MultiplyAddEstimate(p, s2, Vector128.Create(LogSeries3));
        p = Vector128.MultiplyAddEstimate(p, s2, Vector128<float>.One);
        return Vector128.ConditionalSelect(tiny, u32, t * p).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LogOnePlusUnit<T>(Vector256<T> u)
    {
        if (typeof(T) != typeof(float))
        {
            return LogOnePlus(u);
        }

        // Lanes below TinyUnit return u (what the series gives them); the series runs on TinyUnit there instead.
        var u32 = u.AsSingle();
        var tiny = Vector256.LessThan(u32, Vector256.Create(TinyUnit));
        var x = Vector256.ConditionalSelect(tiny, Vector256.Create(TinyUnit), u32);
        var d = Vector256.Create(2f) + x;
        var t = (x + x) / d;

        // 2 + u rounds (half an ulp of d, the largest single error); its residual r = u − (d − 2) is exact, and
        // 2u/(d + r) = t·(1 − r/d): the correction is below ½ ulp of t, so 1/d ∈ [1/3, 1/2] taken as 5/12 leaves ⅛ ulp.
        t = Vector256.MultiplyAddEstimate(-t, (x - (d - Vector256.Create(2f))) * Vector256.Create(5f / 12), t);
        var s2 = t * t;
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(LogSeries13), s2, Vector256.Create(LogSeries11));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(LogSeries9));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(LogSeries7));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(LogSeries5));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256.Create(LogSeries3));
        p = Vector256.MultiplyAddEstimate(p, s2, Vector256<float>.One);
        return Vector256.ConditionalSelect(tiny, u32, t * p).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LogOnePlusUnit<T>(Vector512<T> u)
    {
        if (typeof(T) != typeof(float))
        {
            return LogOnePlus(u);
        }

        // Lanes below TinyUnit return u (what the series gives them); the series runs on TinyUnit there instead.
        var u32 = u.AsSingle();
        var tiny = Vector512.LessThan(u32, Vector512.Create(TinyUnit));
        var x = Vector512.ConditionalSelect(tiny, Vector512.Create(TinyUnit), u32);
        var d = Vector512.Create(2f) + x;
        var t = (x + x) / d;

        // 2 + u rounds (half an ulp of d, the largest single error); its residual r = u − (d − 2) is exact, and
        // 2u/(d + r) = t·(1 − r/d): the correction is below ½ ulp of t, so 1/d ∈ [1/3, 1/2] taken as 5/12 leaves ⅛ ulp.
        t = Vector512.MultiplyAddEstimate(-t, (x - (d - Vector512.Create(2f))) * Vector512.Create(5f / 12), t);
        var s2 = t * t;
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(LogSeries13), s2, Vector512.Create(LogSeries11));
        p = Vector512.MultiplyAddEstimate(p, s2, Vector512.Create(LogSeries9));
        p = Vector512.MultiplyAddEstimate(p, s2, Vector512.Create(LogSeries7));
        p = Vector512.MultiplyAddEstimate(p, s2, Vector512.Create(LogSeries5));
        p = Vector512.MultiplyAddEstimate(p, s2, Vector512.Create(LogSeries3));
        p = Vector512.MultiplyAddEstimate(p, s2, Vector512<float>.One);
        return Vector512.ConditionalSelect(tiny, u32, t * p).As<float, T>();
    }
}
