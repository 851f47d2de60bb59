using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralCore.Internals.Operators;

// Double e^x: the same Cody–Waite reduction and exponent-bit scaling as ExpSingle,
// with the degree-13 Taylor polynomial on |r| ≤ ln2/2 (truncation error r¹⁴/14! ≤ 5e−18, below half an ulp).
//
// Taylor rather than a minimax fit: at degree 13 the truncation is already negligible, and exact 1/k! values need no
// fitting tool to check. It costs two FMAs more than a minimax degree-11 polynomial would.
internal static partial class VectorMath
{
    private const double DoubleLog2E = 1.4426950408889634;
    private const double DoubleLn2High = 6.93145751953125E-1;
    private const double DoubleLn2Low = 1.42860682030941723212E-6;
    private const double DoubleRoundShifter = 6755399441055744.0;

    // Below −746 e^x rounds to 0 (the smallest subnormal is 2^−1074 ≈ e^−744.4); above 710 it overflows to +∞.
    private const double DoubleClampLow = -746.0;
    private const double DoubleClampHigh = 710.0;

    private const double InverseFactorial3 = 1.0 / 6;
    private const double InverseFactorial4 = 1.0 / 24;
    private const double InverseFactorial5 = 1.0 / 120;
    private const double InverseFactorial6 = 1.0 / 720;
    private const double InverseFactorial7 = 1.0 / 5040;
    private const double InverseFactorial8 = 1.0 / 40320;
    private const double InverseFactorial9 = 1.0 / 362880;
    private const double InverseFactorial10 = 1.0 / 3628800;
    private const double InverseFactorial11 = 1.0 / 39916800;
    private const double InverseFactorial12 = 1.0 / 479001600;
    private const double InverseFactorial13 = 1.0 / 6227020800;

    /// <summary>e^x lane-wise in double; see the class remarks for the measured error. Exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ExpDouble(Vector128<double> x) => ExpDoubleSplit(x);

    // Clamp, then 2^n in two factors (as ExpSingle). The split n = n1 + n2 uses the round-shifter again instead of an
    // arithmetic shift, because a 64-bit arithmetic right shift has no instruction below AVX-512.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> ExpDoubleSplit(Vector128<double> x)
    {
        var lo = Vector128.Create(DoubleClampLow);
        var hi = Vector128.Create(DoubleClampHigh);
        var xc = Vector128.MinNative(hi, Vector128.MaxNative(lo, x));
        var shifter = Vector128.Create(DoubleRoundShifter);
        var t = Vector128.MultiplyAddEstimate(xc, Vector128.Create(DoubleLog2E), shifter);
        var n = t - shifter;
        var p = ExpDoublePolynomial(ExpDoubleReduce(xc, n));
        var half = Vector128.Create(0.5) * n + shifter;
        var n1 = half.AsInt64() - shifter.AsInt64();
        var n2 = t.AsInt64() - shifter.AsInt64() - n1;
        var bias = Vector128.Create(1023L);
        return p * ((n1 + bias) << 52).AsDouble() * ((n2 + bias) << 52).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> ExpDoubleReduce(Vector128<double> x, Vector128<double> n)
    {
        var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-DoubleLn2High), x);
        return Vector128.MultiplyAddEstimate(n, Vector128.Create(-DoubleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> ExpDoublePolynomial(Vector128<double> r) => ExpDoubleMinusOnePolynomial(r) + Vector128<double>.One;

    /// <summary>e^r − 1 on |r| ≤ ln2/2, accurate relative to itself (the 1 is added last, so nothing cancels): what ExpMinusOneNegative reuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> ExpDoubleMinusOnePolynomial(Vector128<double> r)
    {
        var q = Vector128.MultiplyAddEstimate(Vector128.Create(InverseFactorial13), r, Vector128.Create(InverseFactorial12));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial11));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial10));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial9));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial8));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial7));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial6));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial5));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial4));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(InverseFactorial3));
        q = Vector128.MultiplyAddEstimate(q, r, Vector128.Create(0.5));
        return Vector128.MultiplyAddEstimate(q, r * r, r);
    }

    /// <summary>e^x lane-wise in double; see the class remarks for the measured error. Exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ExpDouble(Vector256<double> x) => ExpDoubleSplit(x);

    // Clamp, then 2^n in two factors (as ExpSingle). The split n = n1 + n2 uses the round-shifter again instead of an
    // arithmetic shift, because a 64-bit arithmetic right shift has no instruction below AVX-512.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpDoubleSplit(Vector256<double> x)
    {
        var lo = Vector256.Create(DoubleClampLow);
        var hi = Vector256.Create(DoubleClampHigh);
        var xc = Vector256.MinNative(hi, Vector256.MaxNative(lo, x));
        var shifter = Vector256.Create(DoubleRoundShifter);
        var t = Vector256.MultiplyAddEstimate(xc, Vector256.Create(DoubleLog2E), shifter);
        var n = t - shifter;
        var p = ExpDoublePolynomial(ExpDoubleReduce(xc, n));
        var half = Vector256.Create(0.5) * n + shifter;
        var n1 = half.AsInt64() - shifter.AsInt64();
        var n2 = t.AsInt64() - shifter.AsInt64() - n1;
        var bias = Vector256.Create(1023L);
        return p * ((n1 + bias) << 52).AsDouble() * ((n2 + bias) << 52).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpDoubleReduce(Vector256<double> x, Vector256<double> n)
    {
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-DoubleLn2High), x);
        return Vector256.MultiplyAddEstimate(n, Vector256.Create(-DoubleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpDoublePolynomial(Vector256<double> r) => ExpDoubleMinusOnePolynomial(r) + Vector256<double>.One;

    /// <summary>e^r − 1 on |r| ≤ ln2/2, accurate relative to itself (the 1 is added last, so nothing cancels): what ExpMinusOneNegative reuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpDoubleMinusOnePolynomial(Vector256<double> r)
    {
        var q = Vector256.MultiplyAddEstimate(Vector256.Create(InverseFactorial13), r, Vector256.Create(InverseFactorial12));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial11));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial10));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial9));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial8));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial7));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial6));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial5));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial4));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(InverseFactorial3));
        q = Vector256.MultiplyAddEstimate(q, r, Vector256.Create(0.5));
        return Vector256.MultiplyAddEstimate(q, r * r, r);
    }

    /// <summary>e^x lane-wise in double; see the class remarks for the measured error. Exact 0 / +∞ / NaN at the edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ExpDouble(Vector512<double> x)
    {
        if (Avx512F.IsSupported)
        {
            // Branch-free as in ExpSingle: clamp (NaN kept), then vscalefpd applies 2^n with one rounding for any n.
            var xc = Vector512.MinNative(Vector512.Create(DoubleClampHigh), Vector512.MaxNative(Vector512.Create(DoubleClampLow), x));
            var shifter = Vector512.Create(DoubleRoundShifter);
            var n = Vector512.MultiplyAddEstimate(xc, Vector512.Create(DoubleLog2E), shifter) - shifter;
            return Avx512F.Scale(ExpDoublePolynomial(ExpDoubleReduce(xc, n)), n);
        }

        return ExpDoubleSplit(x);
    }

    // Clamp, then 2^n in two factors (as ExpSingle). The split n = n1 + n2 uses the round-shifter again instead of an
    // arithmetic shift, because a 64-bit arithmetic right shift has no instruction below AVX-512.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpDoubleSplit(Vector512<double> x)
    {
        var lo = Vector512.Create(DoubleClampLow);
        var hi = Vector512.Create(DoubleClampHigh);
        var xc = Vector512.MinNative(hi, Vector512.MaxNative(lo, x));
        var shifter = Vector512.Create(DoubleRoundShifter);
        var t = Vector512.MultiplyAddEstimate(xc, Vector512.Create(DoubleLog2E), shifter);
        var n = t - shifter;
        var p = ExpDoublePolynomial(ExpDoubleReduce(xc, n));
        var half = Vector512.Create(0.5) * n + shifter;
        var n1 = half.AsInt64() - shifter.AsInt64();
        var n2 = t.AsInt64() - shifter.AsInt64() - n1;
        var bias = Vector512.Create(1023L);
        return p * ((n1 + bias) << 52).AsDouble() * ((n2 + bias) << 52).AsDouble();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpDoubleReduce(Vector512<double> x, Vector512<double> n)
    {
        var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-DoubleLn2High), x);
        return Vector512.MultiplyAddEstimate(n, Vector512.Create(-DoubleLn2Low), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpDoublePolynomial(Vector512<double> r) => ExpDoubleMinusOnePolynomial(r) + Vector512<double>.One;

    /// <summary>e^r − 1 on |r| ≤ ln2/2, accurate relative to itself (the 1 is added last, so nothing cancels): what ExpMinusOneNegative reuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpDoubleMinusOnePolynomial(Vector512<double> r)
    {
        var q = Vector512.MultiplyAddEstimate(Vector512.Create(InverseFactorial13), r, Vector512.Create(InverseFactorial12));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial11));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial10));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial9));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial8));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial7));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial6));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial5));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial4));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(InverseFactorial3));
        q = Vector512.MultiplyAddEstimate(q, r, Vector512.Create(0.5));
        return Vector512.MultiplyAddEstimate(q, r * r, r);
    }
}
