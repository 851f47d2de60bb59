using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// e^x − 1 for x ≤ 0 (ELU's negative branch), accurate near 0 where e^x − 1 cancels: the range reduction of
/// <see cref="ExpSingle(Vector512{float})"/> / <see cref="ExpDouble(Vector512{double})"/>, then
/// <c>e^x − 1 = 2^n·(e^r − 1) + (2^n − 1)</c> with e^r − 1 from the exp polynomial before its 1 is added.
/// </summary>
/// <remarks>
/// <para>For |x| ≤ ln2/2, n = 0 and the result is the polynomial's r + r²·P(r) itself, relative to itself; for
/// n ≤ −1, 2^n − 1 is exact (or rounds to −1 where the result does), 2^n·(e^r − 1) is exact, and the sum rounds once
/// (TranscendentalAccuracyTests measures it). x is clamped to [−30, 0] (float) or [−60, 0] (double): below, e^x − 1
/// rounds to −1 anyway and 2^n stays a normal number; above 0 the result is 0 (ELU takes z there), and NaN is kept.</para>
/// <para>The runtime's <c>double.ExpM1</c> is <c>Exp(x) − 1</c>, which at x = −1e−10 keeps about six digits.</para>
/// </remarks>
internal static partial class VectorMath
{
    private const float SingleExpMinusOneLow = -30f;
    private const double DoubleExpMinusOneLow = -60.0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ExpMinusOneNegative<T>(Vector128<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return ExpMinusOneNegativeSingle(x.AsSingle()).As<float, T>();
        }

        return ExpMinusOneNegativeDouble(x.AsDouble()).As<double, T>();
    }

    /// <summary>e^x − 1 lane-wise for x ≤ 0 in float (0 above); see the class remarks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpMinusOneNegativeSingle(Vector128<float> x)
    {
        // MaxNative(lo, x) / MinNative(0, ·) keep a NaN x (see ExpSingle).
        var xc = Vector128.MinNative(Vector128<float>.Zero, Vector128.MaxNative(Vector128.Create(SingleExpMinusOneLow), x));
        var shifter = Vector128.Create(SingleRoundShifter);
        var t = Vector128.MultiplyAddEstimate(xc, Vector128.Create(SingleLog2E), shifter);
        var p = ExpSingleMinusOnePolynomial(ExpSingleReduce(xc, t - shifter));

        // s = 2^n, n in [−44, 0]; s·p is exact (a power of two), so fused or not the sum rounds once.
        var s = ((t.AsInt32() - shifter.AsInt32() + Vector128.Create(127)) << 23).AsSingle();
        return Vector128.MultiplyAddEstimate(s, p, s - Vector128<float>.One);
    }

    /// <summary>e^x − 1 lane-wise for x ≤ 0 in double (0 above); see the class remarks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ExpMinusOneNegativeDouble(Vector128<double> x)
    {
        var xc = Vector128.MinNative(Vector128<double>.Zero, Vector128.MaxNative(Vector128.Create(DoubleExpMinusOneLow), x));
        var shifter = Vector128.Create(DoubleRoundShifter);
        var t = Vector128.MultiplyAddEstimate(xc, Vector128.Create(DoubleLog2E), shifter);
        var p = ExpDoubleMinusOnePolynomial(ExpDoubleReduce(xc, t - shifter));

        // s = 2^n, n in [−87, 0].
        var s = ((t.AsInt64() - shifter.AsInt64() + Vector128.Create(1023L)) << 52).AsDouble();
        return Vector128.MultiplyAddEstimate(s, p, s - Vector128<double>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ExpMinusOneNegative<T>(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return ExpMinusOneNegativeSingle(x.AsSingle()).As<float, T>();
        }

        return ExpMinusOneNegativeDouble(x.AsDouble()).As<double, T>();
    }

    /// <summary>e^x − 1 lane-wise for x ≤ 0 in float (0 above); see the class remarks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpMinusOneNegativeSingle(Vector256<float> x)
    {
        // MaxNative(lo, x) / MinNative(0, ·) keep a NaN x (see ExpSingle).
        var xc = Vector256.MinNative(Vector256<float>.Zero, Vector256.MaxNative(Vector256.Create(SingleExpMinusOneLow), x));
        var shifter = Vector256.Create(SingleRoundShifter);
        var t = Vector256.MultiplyAddEstimate(xc, Vector256.Create(SingleLog2E), shifter);
        var p = ExpSingleMinusOnePolynomial(ExpSingleReduce(xc, t - shifter));

        // s = 2^n, n in [−44, 0]; s·p is exact (a power of two), so fused or not the sum rounds once.
        var s = ((t.AsInt32() - shifter.AsInt32() + Vector256.Create(127)) << 23).AsSingle();
        return Vector256.MultiplyAddEstimate(s, p, s - Vector256<float>.One);
    }

    /// <summary>e^x − 1 lane-wise for x ≤ 0 in double (0 above); see the class remarks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ExpMinusOneNegativeDouble(Vector256<double> x)
    {
        var xc = Vector256.MinNative(Vector256<double>.Zero, Vector256.MaxNative(Vector256.Create(DoubleExpMinusOneLow), x));
        var shifter = Vector256.Create(DoubleRoundShifter);
        var t = Vector256.MultiplyAddEstimate(xc, Vector256.Create(DoubleLog2E), shifter);
        var p = ExpDoubleMinusOnePolynomial(ExpDoubleReduce(xc, t - shifter));

        // s = 2^n, n in [−87, 0].
        var s = ((t.AsInt64() - shifter.AsInt64() + Vector256.Create(1023L)) << 52).AsDouble();
        return Vector256.MultiplyAddEstimate(s, p, s - Vector256<double>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExpMinusOneNegative<T>(Vector512<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            return ExpMinusOneNegativeSingle(x.AsSingle()).As<float, T>();
        }

        return ExpMinusOneNegativeDouble(x.AsDouble()).As<double, T>();
    }

    /// <summary>e^x − 1 lane-wise for x ≤ 0 in float (0 above); see the class remarks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpMinusOneNegativeSingle(Vector512<float> x)
    {
        // MaxNative(lo, x) / MinNative(0, ·) keep a NaN x (see ExpSingle).
        var xc = Vector512.MinNative(Vector512<float>.Zero, Vector512.MaxNative(Vector512.Create(SingleExpMinusOneLow), x));
        var shifter = Vector512.Create(SingleRoundShifter);
        var t = Vector512.MultiplyAddEstimate(xc, Vector512.Create(SingleLog2E), shifter);
        var p = ExpSingleMinusOnePolynomial(ExpSingleReduce(xc, t - shifter));

        // s = 2^n, n in [−44, 0]; s·p is exact (a power of two), so fused or not the sum rounds once.
        var s = ((t.AsInt32() - shifter.AsInt32() + Vector512.Create(127)) << 23).AsSingle();
        return Vector512.MultiplyAddEstimate(s, p, s - Vector512<float>.One);
    }

    /// <summary>e^x − 1 lane-wise for x ≤ 0 in double (0 above); see the class remarks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ExpMinusOneNegativeDouble(Vector512<double> x)
    {
        var xc = Vector512.MinNative(Vector512<double>.Zero, Vector512.MaxNative(Vector512.Create(DoubleExpMinusOneLow), x));
        var shifter = Vector512.Create(DoubleRoundShifter);
        var t = Vector512.MultiplyAddEstimate(xc, Vector512.Create(DoubleLog2E), shifter);
        var p = ExpDoubleMinusOnePolynomial(ExpDoubleReduce(xc, t - shifter));

        // s = 2^n, n in [−87, 0].
        var s = ((t.AsInt64() - shifter.AsInt64() + Vector512.Create(1023L)) << 52).AsDouble();
        return Vector512.MultiplyAddEstimate(s, p, s - Vector512<double>.One);
    }
}
