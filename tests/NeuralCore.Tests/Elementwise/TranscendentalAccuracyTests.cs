using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Reference;
using Xunit.Abstractions;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>
/// ulp-error harness: our vector exp, sigmoid and tanh against double-precision references over dense sweeps
/// (10^6 points per range), at every vector width this machine runs. The bounds are what the kernels achieve with a
/// margin of about 1 ulp; the measured maxima are written to the test output.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class TranscendentalAccuracyTests(ITestOutputHelper output)
{
    private const int Points = 1_000_000;

    // Bounds in ulps of the result's type. Float is measured against the exact value (a double computation, whose
    // own error is ~2^-29 float ulps); double against Math.Exp/Math.Tanh (glibc, < 1 ulp), so the double bounds
    // include that reference's own error.
    private const double ExpSingleBound = 2;
    private const double SigmoidSingleBound = 3;
    private const double TanhSingleBound = 3;
    private const double ExpDoubleBound = 2;
    private const double SigmoidDoubleBound = 4;
    private const double TanhDoubleBound = 4;
    private const double LogOnePlusSingleBound = 2.5; // measured 2.36 (u ≈ 0.126)
    private const double LogOnePlusDoubleBound = 4;   // measured 3.0: the runtime's log in Goldberg's form
    private const double ExpMinusOneSingleBound = 1.5; // measured 0.83
    private const double ExpMinusOneDoubleBound = 3;   // measured 2.0, against Kahan's expm1 in double (its own error included)

    public static TheoryData<int> Widths
    {
        get
        {
            var data = new TheoryData<int>();
            if (Vector128.IsHardwareAccelerated)
            {
                data.Add(128);
            }

            if (Vector256.IsHardwareAccelerated)
            {
                data.Add(256);
            }

            if (data.Count == 0)
            {
                // Without SIMD the vector types still work (software fallback); the math must be right there too.
                data.Add(128);
            }

            // 512 always: without AVX-512 the software Vector512 runs exp's two-factor 2^n scaling, the branch that
            // vscalefps replaces where AVX-512F exists (the ISA-off runs of .ci/run reach it; nothing else would).
            data.Add(512);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ExpSingle_IsWithinBound_OverTheWholeFiniteRange(int width)
    {
        var x = Sweep(-103.9, 88.72, Points).Select(v => (float)v).ToArray();
        var y = new float[x.Length];
        Apply(x, y, width, static v => VectorMath.ExpSingle(v), static v => VectorMath.ExpSingle(v), static v => VectorMath.ExpSingle(v));
        var max = MaxUlpError(y, x, v => Math.Exp(v));
        output.WriteLine($"exp float, V{width}: max {max:F3} ulp over [-103.9, 88.72]");
        Assert.True(max <= ExpSingleBound, $"max ulp error {max}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ExpDouble_IsWithinBound_OverTheWholeFiniteRange(int width)
    {
        var x = Sweep(-745.0, 709.7, Points);
        var y = new double[x.Length];
        Apply(x, y, width, static v => VectorMath.ExpDouble(v), static v => VectorMath.ExpDouble(v), static v => VectorMath.ExpDouble(v));
        var max = MaxUlpError(y, x, Math.Exp);
        output.WriteLine($"exp double, V{width}: max {max:F3} ulp over [-745, 709.7] vs Math.Exp");
        Assert.True(max <= ExpDoubleBound, $"max ulp error {max}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ExpSingle_NearZero_IsWithinBound(int width)
    {
        var x = Sweep(-1, 1, Points).Select(v => (float)v).ToArray();
        var y = new float[x.Length];
        Apply(x, y, width, static v => VectorMath.ExpSingle(v), static v => VectorMath.ExpSingle(v), static v => VectorMath.ExpSingle(v));
        var max = MaxUlpError(y, x, v => Math.Exp(v));
        output.WriteLine($"exp float, V{width}: max {max:F3} ulp over [-1, 1]");
        Assert.True(max <= ExpSingleBound, $"max ulp error {max}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Exp_HandlesSpecialValues_AndTheOverflowAndUnderflowEdges(int width)
    {
        // Includes NaN, ±∞, ±0, subnormal results (x < −87.3 for float, < −708.4 for double) and both overflow edges.
        var count = width / 32;
        var x = SpecialValues<float>();
        x = [.. x, .. Enumerable.Repeat(0f, (count - (x.Length % count)) % count)];
        var y = new float[x.Length];
        Apply(x, y, width, static v => VectorMath.ExpSingle(v), static v => VectorMath.ExpSingle(v), static v => VectorMath.ExpSingle(v));
        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(UlpError(y[i], Math.Exp(x[i])) <= ExpSingleBound, $"exp({x[i]:R}) = {y[i]:R}, expected {Math.Exp(x[i]):R}");
        }

        var xd = SpecialValues<double>();
        xd = [.. xd, .. Enumerable.Repeat(0.0, (count - (xd.Length % count)) % count)];
        var yd = new double[xd.Length];
        Apply(xd, yd, width, static v => VectorMath.ExpDouble(v), static v => VectorMath.ExpDouble(v), static v => VectorMath.ExpDouble(v));
        for (var i = 0; i < xd.Length; i++)
        {
            Assert.True(UlpError(yd[i], Math.Exp(xd[i])) <= ExpDoubleBound, $"exp({xd[i]:R}) = {yd[i]:R}, expected {Math.Exp(xd[i]):R}");
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void Sigmoid_IsWithinBound(KernelPath path)
    {
        var x = Sweep(-104, 20, Points).Select(v => (float)v).ToArray();
        var max = MaxUlpError(Forward(Activation.Sigmoid, x, path), x, ExactSigmoid);
        var xd = Sweep(-745, 40, Points);
        var maxDouble = MaxUlpError(Forward(Activation.Sigmoid, xd, path), xd, ExactSigmoid);
        output.WriteLine($"sigmoid, {path}: max {max:F3} ulp (float, [-104, 20]), {maxDouble:F3} ulp (double, [-745, 40])");
        Assert.True(max <= SigmoidSingleBound, $"float max ulp error {max}");
        Assert.True(maxDouble <= SigmoidDoubleBound, $"double max ulp error {maxDouble}");
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void Tanh_IsWithinBound_IncludingTinyArguments(KernelPath path)
    {
        // Linear sweep for the bulk, log sweep for the relative accuracy near 0 (TensorPrimitives: 40% at 1e-7).
        var linear = Sweep(-10, 10, Points);
        var tiny = Enumerable.Range(0, Points / 10).Select(i => Math.Pow(10, -12 + (11.0 * i / (Points / 10)))).ToArray();
        var xd = linear.Concat(tiny).Concat(tiny.Select(v => -v)).ToArray();
        var x = xd.Select(v => (float)v).ToArray();
        var max = MaxUlpError(Forward(Activation.Tanh, x, path), x, Math.Tanh);
        var maxDouble = MaxUlpError(Forward(Activation.Tanh, xd, path), xd, Math.Tanh);
        output.WriteLine($"tanh, {path}: max {max:F3} ulp (float), {maxDouble:F3} ulp (double vs Math.Tanh), [-10, 10] and ±[1e-12, 0.1]");
        Assert.True(max <= TanhSingleBound, $"float max ulp error {max}");
        Assert.True(maxDouble <= TanhDoubleBound, $"double max ulp error {maxDouble}");
    }

    public static TheoryData<KernelPath, Activation> PathsAndSmoothActivations
    {
        get
        {
            var data = new TheoryData<KernelPath, Activation>();
            foreach (var path in FastPaths)
            {
                // The kinds whose reference computes in double (the activations added with GELU), every tested parameter.
                foreach (var activation in TestActivations.All.Where(a => TestActivations.Facts(a.Kind).Accuracy is not null))
                {
                    data.Add(path, activation);
                }
            }

            return data;
        }
    }

    /// <summary>
    /// f and f′ of the activations added with GELU against their references in double (ActivationReferenceTests
    /// checks those against 50-digit values), over the range where the result is a normal number plus a log sweep of
    /// tiny |z| on both sides. f′ is measured in ulps of its terms' magnitude, and GELU-tanh's errors are divided by σ's
    /// conditioning in its argument, f and f′. Domains and bounds are the kinds' rows of <see cref="TestActivations"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathsAndSmoothActivations))]
    public void SmoothActivations_AreWithinBound(KernelPath path, Activation activation)
    {
        var facts = TestActivations.Facts(activation.Kind);
        var ((low, high), (lowDouble, highDouble), _) = facts.Accuracy!;
        var tiny = Enumerable.Range(0, Points / 20).Select(i => Math.Pow(10, -30 + (30.0 * i / (Points / 20)))).ToArray();
        var xd = Sweep(lowDouble, highDouble, Points).Concat(tiny).Concat(tiny.Select(v => -v)).ToArray();
        var x = Sweep(low, high, Points).Concat(tiny).Concat(tiny.Select(v => -v)).Select(v => (float)v).ToArray();

        var forward = MaxWeightedError(Forward(activation, x, path), x, z => ActivationsReference.Apply(activation, z), z => 0, z => facts.Conditioning(z));
        var forwardDouble = MaxWeightedError(Forward(activation, xd, path), xd, z => ActivationsReference.Apply(activation, z), z => 0, z => facts.Conditioning(z));
        var derivative = MaxWeightedError(Derivative(activation, x, path), x, z => ActivationsReference.Derivative(activation, z, ActivationsReference.Apply(activation, z), 1.0), z => facts.DerivativeScale(activation, z), z => facts.Conditioning(z));
        var derivativeDouble = MaxWeightedError(Derivative(activation, xd, path), xd, z => ActivationsReference.Derivative(activation, z, ActivationsReference.Apply(activation, z), 1.0), z => facts.DerivativeScale(activation, z), z => facts.Conditioning(z));
        output.WriteLine($"{activation}, {path}: f {forward:F3} ulp (float, [{low}, {high}]), {forwardDouble:F3} (double, [{lowDouble}, {highDouble}]); f′ {derivative:F3} (float), {derivativeDouble:F3} (double)");
        var ((f, fd), (d, dd)) = (facts.ForwardUlps!.Value, facts.DerivativeUlps!.Value);
        Assert.True(forward <= f, $"float f max ulp error {forward}");
        Assert.True(forwardDouble <= fd, $"double f max ulp error {forwardDouble}");
        Assert.True(derivative <= d, $"float f′ max ulp error {derivative}");
        Assert.True(derivativeDouble <= dd, $"double f′ max ulp error {derivativeDouble}");
    }

    /// <summary>
    /// Below the ranges of <see cref="SmoothActivations_AreWithinBound"/> an exponential is subnormal, so errors are
    /// counted in subnormal steps (the smallest positive value) on top of the sweep's own bound in ulps of the result
    /// (an ulp is a step once the result is subnormal too); the steps per kind are in its row of
    /// <see cref="TestActivations"/> (<see cref="AccuracySweep.SubnormalSteps"/>). Down to where the results are 0.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathsAndSmoothActivations))]
    public void SmoothActivations_KeepTheirSubnormalTails(KernelPath path, Activation activation)
    {
        var facts = TestActivations.Facts(activation.Kind);
        var ((lowSingle, _), (lowDouble, _), tailSteps) = facts.Accuracy!;
        if (tailSteps is null)
        {
            return; // no subnormal tail (the row says why: softplus's is in the ulp sweep; ELU's results are never subnormal)
        }

        var (ulps, ulpsDouble) = facts.ForwardUlps!.Value;
        var x = Sweep(lowSingle - 20, lowSingle, Points / 10).Select(v => (float)v).ToArray();
        var xd = Sweep(lowDouble - 40, lowDouble, Points / 10);
        var y = Forward(activation, x, path);
        var yd = Forward(activation, xd, path);
        var worst = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var expected = ActivationsReference.Apply(activation, (double)x[i]);
            var steps = Math.Abs(y[i] - expected) / float.Epsilon;
            var bound = tailSteps(x[i]) + (ulps * facts.Conditioning(x[i]) * Ulp((float)expected) / float.Epsilon);
            worst = Math.Max(worst, steps / bound);
            Assert.True(steps <= bound, $"{activation}({x[i]:R}) = {y[i]:R}, expected {expected:R} ({steps} steps)");
        }

        for (var i = 0; i < xd.Length; i++)
        {
            var expected = ActivationsReference.Apply(activation, xd[i]);
            var steps = Math.Abs(yd[i] - expected) / double.Epsilon;
            var bound = tailSteps(xd[i]) + (ulpsDouble * facts.Conditioning(xd[i]) * Ulp(expected) / double.Epsilon);
            worst = Math.Max(worst, steps / bound);
            Assert.True(steps <= bound, $"{activation}({xd[i]:R}) = {yd[i]:R}, expected {expected:R} ({steps} steps)");
        }

        output.WriteLine($"{activation} subnormal tails, {path}: at most {worst:F3} of the bound");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void ExpMinusOneNegative_IsWithinBound_DownToMinusThirty(int width)
    {
        // e^x − 1 on [−30, 0] (float) / [−60, 0] (double) and a log sweep of tiny negative x, where e^x − 1 cancels.
        var tiny = Enumerable.Range(0, Points / 10).Select(i => -Math.Pow(10, -40 + (40.0 * i / (Points / 10))));
        var x = Sweep(-30, 0, Points).Concat(tiny).Select(v => (float)v).ToArray();
        x = [.. x, .. Enumerable.Repeat(0f, (16 - (x.Length % 16)) % 16)];
        var y = new float[x.Length];
        Apply(x, y, width, static v => VectorMath.ExpMinusOneNegative(v), static v => VectorMath.ExpMinusOneNegative(v), static v => VectorMath.ExpMinusOneNegative(v));
        var max = MaxUlpError(y, x, ActivationsReference.ExpMinusOne);
        var xd = Sweep(-60, 0, Points).Concat(tiny).ToArray();
        xd = [.. xd, .. Enumerable.Repeat(0.0, (8 - (xd.Length % 8)) % 8)];
        var yd = new double[xd.Length];
        Apply(xd, yd, width, static v => VectorMath.ExpMinusOneNegative(v), static v => VectorMath.ExpMinusOneNegative(v), static v => VectorMath.ExpMinusOneNegative(v));
        var maxDouble = MaxUlpError(yd, xd, ActivationsReference.ExpMinusOne);
        output.WriteLine($"expm1 on x ≤ 0, V{width}: max {max:F3} ulp (float), {maxDouble:F3} ulp (double vs Kahan's expm1 in double)");
        Assert.True(max <= ExpMinusOneSingleBound, $"float max ulp error {max}");
        Assert.True(maxDouble <= ExpMinusOneDoubleBound, $"double max ulp error {maxDouble}");
    }

    private static T[] Derivative<T>(Activation activation, T[] x, KernelPath path)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var a = Forward(activation, x, KernelPath.Reference);
        var one = Enumerable.Repeat(T.One, x.Length).ToArray();
        var d = new T[x.Length];
        Activations.Backward(
            activation, new ReadOnlyMatrixSpan<T>(x, 1, x.Length), new ReadOnlyMatrixSpan<T>(a, 1, x.Length), new ReadOnlyMatrixSpan<T>(one, 1, x.Length),
            new MatrixSpan<T>(d, 1, x.Length), ComputeOptions.For(path));
        return d;
    }

    /// <summary>max over x of |y − exact| in ulps of T at scale(x), divided by weight(x).</summary>
    private static double MaxWeightedError<T>(T[] y, T[] x, Func<double, double> exact, Func<double, double> scale, Func<double, double> weight)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var max = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var z = double.CreateTruncating(x[i]);
            var expected = exact(z);
            var actual = double.CreateTruncating(y[i]);
            double error;
            if (double.IsNaN(expected) || double.IsNaN(actual) || double.IsInfinity(expected) || double.IsInfinity(actual))
            {
                error = UlpError(y[i], expected);
            }
            else
            {
                var magnitude = T.CreateTruncating(Math.Max(Math.Abs(expected), scale(z)));
                error = Math.Abs(actual - expected) / Ulp(magnitude);
            }

            max = Math.Max(max, error / weight(z));
        }

        return max;
    }

    private static double ExactSigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    [Theory]
    [MemberData(nameof(Widths))]
    public void LogOnePlusUnit_IsWithinBound_OnTheUnitInterval(int width)
    {
        // u = e^−|z| of sigmoid + BCE: a linear sweep of [0, 1] and a log sweep down through the subnormals, where
        // log(1 + u) = u must keep its relative precision.
        var tiny = Enumerable.Range(0, Points / 10).Select(i => (float)Math.Pow(10, -45 + (45.0 * i / (Points / 10))));
        var x = Sweep(0, 1, Points).Select(v => (float)v).Concat(tiny).ToArray();
        x = [.. x, .. Enumerable.Repeat(1f, (16 - (x.Length % 16)) % 16)];
        var y = new float[x.Length];
        Apply(x, y, width, static v => VectorMath.LogOnePlusUnit(v), static v => VectorMath.LogOnePlusUnit(v), static v => VectorMath.LogOnePlusUnit(v));
        var max = MaxUlpError(y, x, ExactLogOnePlus);
        var xd = Sweep(0, 1, Points).Concat(Enumerable.Range(0, Points / 10).Select(i => Math.Pow(10, -300 + (300.0 * i / (Points / 10))))).ToArray();
        xd = [.. xd, .. Enumerable.Repeat(1.0, (8 - (xd.Length % 8)) % 8)];
        var yd = new double[xd.Length];
        Apply(xd, yd, width, static v => VectorMath.LogOnePlusUnit(v), static v => VectorMath.LogOnePlusUnit(v), static v => VectorMath.LogOnePlusUnit(v));
        var maxDouble = MaxUlpError(yd, xd, ExactLogOnePlus);
        output.WriteLine($"log1p on [0, 1], V{width}: max {max:F3} ulp (float, series), {maxDouble:F3} ulp (double, runtime log)");
        Assert.True(max <= LogOnePlusSingleBound, $"float max ulp error {max}");
        Assert.True(maxDouble <= LogOnePlusDoubleBound, $"double max ulp error {maxDouble}");
    }

    /// <summary>
    /// Below 2^−29, log(1 + u) rounds to u: the float series returns u itself on both sides of its 2^−40 switch (the
    /// lanes below it skip the arithmetic, which would square t into the subnormals), for zero and subnormals too, and
    /// passes NaN through.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void LogOnePlusUnit_ReturnsTinyArgumentsExactly(int width)
    {
        float[] tiny = [0f, float.Epsilon, 1e-40f, 1e-38f, 1e-30f, 1e-20f, 1e-19f, MathF.ScaleB(1, -41), MathF.ScaleB(1, -40), MathF.BitIncrement(MathF.ScaleB(1, -40)), MathF.ScaleB(1, -39), 1e-10f, 1e-9f, float.NaN];
        var x = Enumerable.Range(0, 32).Select(i => tiny[i % tiny.Length]).ToArray();
        var y = new float[x.Length];
        Apply(x, y, width, static v => VectorMath.LogOnePlusUnit(v), static v => VectorMath.LogOnePlusUnit(v), static v => VectorMath.LogOnePlusUnit(v));
        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(x[i]) == BitConverter.SingleToInt32Bits(y[i]) || (float.IsNaN(x[i]) && float.IsNaN(y[i])), $"log1p({x[i]:R}) = {y[i]:R}, V{width}");
        }
    }

    // log(1 + u) in double, Goldberg's form (w − 1 is exact, so log(w)·u/(w − 1) corrects w's rounding): ~1e-16
    // relative, 2^-29 float ulps. For the double results it is the yardstick whose own error the bound includes.
    private static double ExactLogOnePlus(double u)
    {
        var w = 1 + u;
        return w == 1 ? u : Math.Log(w) * (u / (w - 1));
    }

    private static double[] Sweep(double low, double high, int count) =>
        [.. Enumerable.Range(0, count).Select(i => low + ((high - low) * i / (count - 1)))];

    private static T[] Forward<T>(Activation activation, T[] x, KernelPath path)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var y = new T[x.Length];
        Activations.Forward(activation, new ReadOnlyMatrixSpan<T>(x, 1, x.Length), new MatrixSpan<T>(y, 1, y.Length), ComputeOptions.For(path));
        return y;
    }

    private static double MaxUlpError<T>(T[] y, T[] x, Func<double, double> exact)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        var max = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            max = Math.Max(max, UlpError(y[i], exact(double.CreateTruncating(x[i]))));
        }

        return max;
    }

    private static void Apply<T>(
        T[] x, T[] y, int width, Func<Vector128<T>, Vector128<T>> f128, Func<Vector256<T>, Vector256<T>> f256, Func<Vector512<T>, Vector512<T>> f512)
        where T : unmanaged
    {
        ref var xr = ref MemoryMarshal.GetArrayDataReference(x);
        ref var yr = ref MemoryMarshal.GetArrayDataReference(y);
        var count = width / 8 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        Assert.Equal(0, x.Length % count);
        for (nuint i = 0; i < (nuint)x.Length; i += (nuint)count)
        {
            switch (width)
            {
                case 128:
                    f128(Vector128.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
                    break;
                case 256:
                    f256(Vector256.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
                    break;
                default:
                    f512(Vector512.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
                    break;
            }
        }
    }
}
