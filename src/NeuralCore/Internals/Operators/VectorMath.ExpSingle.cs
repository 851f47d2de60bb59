using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// Float e^x without widening to double: Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, a degree-7
/// polynomial for e^r (Cephes <c>expf</c>'s minimax coefficients), and 2^n built in the exponent bits.
/// </summary>
/// <remarks>
/// <code>
///   t  = x·log2e + 1.5·2^23     the add rounds x·log2e to an integer n, held in t's low mantissa bits
///   n  = t − 1.5·2^23
///   r  = (x − n·ln2_hi) − n·ln2_lo     ln2_hi has 9 significant bits, so n·ln2_hi is exact
///   e^x = P(r) · 2^n            2^n = (n + 127) &lt;&lt; 23 reinterpreted as float
/// </code>
/// The fast path (every |x| ≤ 87, the common case for activations) needs no clamp and no special values; anything
/// else goes to the slow path, out of line.
/// </remarks>
internal static partial class VectorMath
{
    private const float SingleLog2E = 1.44269504088896341f;
    private const float SingleLn2High = 0.693359375f;
    private const float SingleLn2Low = -2.12194440e-4f;
    private const float SingleRoundShifter = 12582912f;

    // |x| ≤ 87 keeps n in [−126, 126], so one 2^n scale is a normal number.
    private const float SingleFastLimit = 87f;

    // Below −104 e^x rounds to 0 (the smallest subnormal is 2^−149 ≈ e^−103.3); above 89 it overflows to +∞.
    private const float SingleClampLow = -104f;
    private const float SingleClampHigh = 89f;

    // e^r ≈ 1 + r + r²·(P5 + P4·r + … + P0·r⁵) on [−ln2/2, ln2/2] (Cephes expf.c).
    private const float SingleP0 = 1.9875691500e-4f;
    private const float SingleP1 = 1.3981999507e-3f;
    private const float SingleP2 = 8.3334519073e-3f;
    private const float SingleP3 = 4.1665795894e-2f;
    private const float SingleP4 = 1.6666665459e-1f;
    private const float SingleP5 = 5.0000001201e-1f;

    /// <summary>e^x lane-wise in float arithmetic only; ≤ 1 ulp measured (see ExpAccuracyTests), exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpSingle(Vector128<float> x)
    {
        if (Vector128.LessThanOrEqualAll(Vector128.Abs(x), Vector128.Create(SingleFastLimit)))
        {
            var t = Vector128.MultiplyAddEstimate(x, Vector128.Create(SingleLog2E), Vector128.Create(SingleRoundShifter));
            var n = t - Vector128.Create(SingleRoundShifter);
            var p = ExpSinglePolynomial(ExpSingleReduce(x, n));
            var scale = ((t.AsInt32() - Vector128.Create(SingleRoundShifter).AsInt32() + Vector128.Create(127)) << 23).AsSingle();
            return p * scale;
        }

        return ExpSingleSlow(x);
    }

    // Out of the fast range (or NaN): clamp so the integer arithmetic stays in range, then scale in two steps so that
    // 2^n for n in [−150, 128] never leaves the normal range on its own; the one rounding happens in the last
    // multiply, which is what makes subnormal results and the overflow to +∞ come out right.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<float> ExpSingleSlow(Vector128<float> x)
    {
        var lo = Vector128.Create(SingleClampLow);
        var hi = Vector128.Create(SingleClampHigh);
        var xc = Vector128.ConditionalSelect(Vector128.LessThan(x, lo), lo, x);
        xc = Vector128.ConditionalSelect(Vector128.GreaterThan(xc, hi), hi, xc);
        var t = Vector128.MultiplyAddEstimate(xc, Vector128.Create(SingleLog2E), Vector128.Create(SingleRoundShifter));
        var n = t - Vector128.Create(SingleRoundShifter);
        var p = ExpSinglePolynomial(ExpSingleReduce(xc, n));
        var ni = t.AsInt32() - Vector128.Create(SingleRoundShifter).AsInt32();
        var n1 = Vector128.ShiftRightArithmetic(ni, 1);
        var n2 = ni - n1;
        var bias = Vector128.Create(127);
        return p * ((n1 + bias) << 23).AsSingle() * ((n2 + bias) << 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpSingleReduce(Vector128<float> x, Vector128<float> n)
    {
        var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-SingleLn2High), x);
        return Vector128.MultiplyAddEstimate(n, Vector128.Create(-SingleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpSinglePolynomial(Vector128<float> r)
    {
        var q = Vector128.MultiplyAddEstimate(Vector128.Create(SingleP0), r, Vector128.Create(SingleP1));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(SingleP2));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(SingleP3));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(SingleP4));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(SingleP5));
        return Vector128.MultiplyAddEstimate(q, r * r, r) + Vector128<float>.One;
    }

    /// <summary>e^x lane-wise in float arithmetic only; ≤ 1 ulp measured (see ExpAccuracyTests), exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpSingle(Vector256<float> x)
    {
        if (Vector256.LessThanOrEqualAll(Vector256.Abs(x), Vector256.Create(SingleFastLimit)))
        {
            var t = Vector256.MultiplyAddEstimate(x, Vector256.Create(SingleLog2E), Vector256.Create(SingleRoundShifter));
            var n = t - Vector256.Create(SingleRoundShifter);
            var p = ExpSinglePolynomial(ExpSingleReduce(x, n));
            var scale = ((t.AsInt32() - Vector256.Create(SingleRoundShifter).AsInt32() + Vector256.Create(127)) << 23).AsSingle();
            return p * scale;
        }

        return ExpSingleSlow(x);
    }

    // Out of the fast range (or NaN): clamp so the integer arithmetic stays in range, then scale in two steps so that
    // 2^n for n in [−150, 128] never leaves the normal range on its own; the one rounding happens in the last
    // multiply, which is what makes subnormal results and the overflow to +∞ come out right.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<float> ExpSingleSlow(Vector256<float> x)
    {
        var lo = Vector256.Create(SingleClampLow);
        var hi = Vector256.Create(SingleClampHigh);
        var xc = Vector256.ConditionalSelect(Vector256.LessThan(x, lo), lo, x);
        xc = Vector256.ConditionalSelect(Vector256.GreaterThan(xc, hi), hi, xc);
        var t = Vector256.MultiplyAddEstimate(xc, Vector256.Create(SingleLog2E), Vector256.Create(SingleRoundShifter));
        var n = t - Vector256.Create(SingleRoundShifter);
        var p = ExpSinglePolynomial(ExpSingleReduce(xc, n));
        var ni = t.AsInt32() - Vector256.Create(SingleRoundShifter).AsInt32();
        var n1 = Vector256.ShiftRightArithmetic(ni, 1);
        var n2 = ni - n1;
        var bias = Vector256.Create(127);
        return p * ((n1 + bias) << 23).AsSingle() * ((n2 + bias) << 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpSingleReduce(Vector256<float> x, Vector256<float> n)
    {
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-SingleLn2High), x);
        return Vector256.MultiplyAddEstimate(n, Vector256.Create(-SingleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpSinglePolynomial(Vector256<float> r)
    {
        var q = Vector256.MultiplyAddEstimate(Vector256.Create(SingleP0), r, Vector256.Create(SingleP1));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(SingleP2));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(SingleP3));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(SingleP4));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(SingleP5));
        return Vector256.MultiplyAddEstimate(q, r * r, r) + Vector256<float>.One;
    }

    /// <summary>e^x lane-wise in float arithmetic only; ≤ 1 ulp measured (see ExpAccuracyTests), exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpSingle(Vector512<float> x)
    {
        if (Vector512.LessThanOrEqualAll(Vector512.Abs(x), Vector512.Create(SingleFastLimit)))
        {
            var t = Vector512.MultiplyAddEstimate(x, Vector512.Create(SingleLog2E), Vector512.Create(SingleRoundShifter));
            var n = t - Vector512.Create(SingleRoundShifter);
            var p = ExpSinglePolynomial(ExpSingleReduce(x, n));
            var scale = ((t.AsInt32() - Vector512.Create(SingleRoundShifter).AsInt32() + Vector512.Create(127)) << 23).AsSingle();
            return p * scale;
        }

        return ExpSingleSlow(x);
    }

    // Out of the fast range (or NaN): clamp so the integer arithmetic stays in range, then scale in two steps so that
    // 2^n for n in [−150, 128] never leaves the normal range on its own; the one rounding happens in the last
    // multiply, which is what makes subnormal results and the overflow to +∞ come out right.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<float> ExpSingleSlow(Vector512<float> x)
    {
        var lo = Vector512.Create(SingleClampLow);
        var hi = Vector512.Create(SingleClampHigh);
        var xc = Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, x);
        xc = Vector512.ConditionalSelect(Vector512.GreaterThan(xc, hi), hi, xc);
        var t = Vector512.MultiplyAddEstimate(xc, Vector512.Create(SingleLog2E), Vector512.Create(SingleRoundShifter));
        var n = t - Vector512.Create(SingleRoundShifter);
        var p = ExpSinglePolynomial(ExpSingleReduce(xc, n));
        var ni = t.AsInt32() - Vector512.Create(SingleRoundShifter).AsInt32();
        var n1 = Vector512.ShiftRightArithmetic(ni, 1);
        var n2 = ni - n1;
        var bias = Vector512.Create(127);
        return p * ((n1 + bias) << 23).AsSingle() * ((n2 + bias) << 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpSingleReduce(Vector512<float> x, Vector512<float> n)
    {
        var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-SingleLn2High), x);
        return Vector512.MultiplyAddEstimate(n, Vector512.Create(-SingleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpSinglePolynomial(Vector512<float> r)
    {
        var q = Vector512.MultiplyAddEstimate(Vector512.Create(SingleP0), r, Vector512.Create(SingleP1));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(SingleP2));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(SingleP3));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(SingleP4));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(SingleP5));
        return Vector512.MultiplyAddEstimate(q, r * r, r) + Vector512<float>.One;
    }
}
