using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralCore.Internals.Operators;

// Float e^x without widening to double: Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, a degree-7
// polynomial for e^r (Cephes expf's minimax coefficients), and 2^n built in the exponent bits.
//
//   t  = x·log2e + 1.5·2^23     the add rounds x·log2e to an integer n, held in t's low mantissa bits
//   n  = t − 1.5·2^23
//   r  = (x − n·ln2_hi) − n·ln2_lo     ln2_hi has 9 significant bits, so n·ln2_hi is exact
//   e^x = P(r) · 2^n            2^n = (n + 127) << 23 reinterpreted as float
//
// Branch-free: x is clamped to [−104, 89] (beyond which e^x rounds to 0 or overflows anyway) and 2^n is applied in
// two factors, so one code path handles the whole range, the subnormals, ±∞ and NaN. A fast path for |x| ≤ 87 with
// an out-of-line slow path measured slower: the call clobbers every vector register and the merge went through memory.
internal static partial class VectorMath
{
    private const float SingleLog2E = 1.44269504088896341f;
    private const float SingleLn2High = 0.693359375f;
    private const float SingleLn2Low = -2.12194440e-4f;
    private const float SingleRoundShifter = 12582912f;

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

    /// <summary>e^x lane-wise in float arithmetic only; ≤ 1 ulp measured (see TranscendentalAccuracyTests), exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpSingle(Vector128<float> x)
    {
        // MaxNative(lo, x) / MinNative(hi, ·) keep x when it is NaN (x86 max/min return the second operand for a NaN,
        // ARM's propagate it), so NaN flows through to the result with no extra select.
        var xc = Vector128.MinNative(Vector128.Create(SingleClampHigh), Vector128.MaxNative(Vector128.Create(SingleClampLow), x));
        var shifter = Vector128.Create(SingleRoundShifter);
        var t = Vector128.MultiplyAddEstimate(xc, Vector128.Create(SingleLog2E), shifter);
        var p = ExpSinglePolynomial(ExpSingleReduce(xc, t - shifter));

        // 2^n in two factors so that n in [−150, 128] never leaves the normal range on its own; the one rounding
        // happens in the last multiply, which makes subnormal results and the overflow to +∞ come out right.
        var n = t.AsInt32() - shifter.AsInt32();
        var n1 = Vector128.ShiftRightArithmetic(n, 1);
        var bias = Vector128.Create(127);
        return p * ((n1 + bias) << 23).AsSingle() * ((n - n1 + bias) << 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpSingleReduce(Vector128<float> x, Vector128<float> n)
    {
        var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-SingleLn2High), x);
        return Vector128.MultiplyAddEstimate(n, Vector128.Create(-SingleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpSinglePolynomial(Vector128<float> r) => ExpSingleMinusOnePolynomial(r) + Vector128<float>.One;

    /// <summary>e^r − 1 on |r| ≤ ln2/2, accurate relative to itself (the 1 is added last, so nothing cancels): what ExpMinusOneNegative reuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpSingleMinusOnePolynomial(Vector128<float> r)
    {
        var q = Vector128.MultiplyAddEstimate(Vector128.Create(SingleP0), r, Vector128.Create(SingleP1));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(SingleP2));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(SingleP3));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(SingleP4));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(SingleP5));
        return Vector128.MultiplyAddEstimate(q, r * r, r);
    }

    /// <summary>e^x lane-wise in float arithmetic only; ≤ 1 ulp measured (see TranscendentalAccuracyTests), exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpSingle(Vector256<float> x)
    {
        // MaxNative(lo, x) / MinNative(hi, ·) keep x when it is NaN (x86 max/min return the second operand for a NaN,
        // ARM's propagate it), so NaN flows through to the result with no extra select.
        var xc = Vector256.MinNative(Vector256.Create(SingleClampHigh), Vector256.MaxNative(Vector256.Create(SingleClampLow), x));
        var shifter = Vector256.Create(SingleRoundShifter);
        var t = Vector256.MultiplyAddEstimate(xc, Vector256.Create(SingleLog2E), shifter);
        var p = ExpSinglePolynomial(ExpSingleReduce(xc, t - shifter));

        // 2^n in two factors so that n in [−150, 128] never leaves the normal range on its own; the one rounding
        // happens in the last multiply, which makes subnormal results and the overflow to +∞ come out right.
        var n = t.AsInt32() - shifter.AsInt32();
        var n1 = Vector256.ShiftRightArithmetic(n, 1);
        var bias = Vector256.Create(127);
        return p * ((n1 + bias) << 23).AsSingle() * ((n - n1 + bias) << 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpSingleReduce(Vector256<float> x, Vector256<float> n)
    {
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-SingleLn2High), x);
        return Vector256.MultiplyAddEstimate(n, Vector256.Create(-SingleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpSinglePolynomial(Vector256<float> r) => ExpSingleMinusOnePolynomial(r) + Vector256<float>.One;

    /// <summary>e^r − 1 on |r| ≤ ln2/2, accurate relative to itself (the 1 is added last, so nothing cancels): what ExpMinusOneNegative reuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpSingleMinusOnePolynomial(Vector256<float> r)
    {
        var q = Vector256.MultiplyAddEstimate(Vector256.Create(SingleP0), r, Vector256.Create(SingleP1));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(SingleP2));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(SingleP3));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(SingleP4));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(SingleP5));
        return Vector256.MultiplyAddEstimate(q, r * r, r);
    }

    /// <summary>e^x lane-wise in float arithmetic only; ≤ 1 ulp measured (see TranscendentalAccuracyTests), exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpSingle(Vector512<float> x)
    {
        // MaxNative(lo, x) / MinNative(hi, ·) keep x when it is NaN (x86 max/min return the second operand for a NaN,
        // ARM's propagate it), so NaN flows through to the result with no extra select.
        var xc = Vector512.MinNative(Vector512.Create(SingleClampHigh), Vector512.MaxNative(Vector512.Create(SingleClampLow), x));
        var shifter = Vector512.Create(SingleRoundShifter);
        var t = Vector512.MultiplyAddEstimate(xc, Vector512.Create(SingleLog2E), shifter);
        var nFloat = t - shifter;
        var p = ExpSinglePolynomial(ExpSingleReduce(xc, nFloat));
        if (Avx512F.IsSupported)
        {
            // vscalefps computes p·2^n with one rounding for any n (overflow to +∞, subnormals, 0), replacing the
            // two-factor split's nine instructions with one.
            return Avx512F.Scale(p, nFloat);
        }


        // 2^n in two factors so that n in [−150, 128] never leaves the normal range on its own; the one rounding
        // happens in the last multiply, which makes subnormal results and the overflow to +∞ come out right.
        var n = t.AsInt32() - shifter.AsInt32();
        var n1 = Vector512.ShiftRightArithmetic(n, 1);
        var bias = Vector512.Create(127);
        return p * ((n1 + bias) << 23).AsSingle() * ((n - n1 + bias) << 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpSingleReduce(Vector512<float> x, Vector512<float> n)
    {
        var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-SingleLn2High), x);
        return Vector512.MultiplyAddEstimate(n, Vector512.Create(-SingleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpSinglePolynomial(Vector512<float> r) => ExpSingleMinusOnePolynomial(r) + Vector512<float>.One;

    /// <summary>e^r − 1 on |r| ≤ ln2/2, accurate relative to itself (the 1 is added last, so nothing cancels): what ExpMinusOneNegative reuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpSingleMinusOnePolynomial(Vector512<float> r)
    {
        var q = Vector512.MultiplyAddEstimate(Vector512.Create(SingleP0), r, Vector512.Create(SingleP1));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(SingleP2));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(SingleP3));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(SingleP4));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(SingleP5));
        return Vector512.MultiplyAddEstimate(q, r * r, r);
    }
}
