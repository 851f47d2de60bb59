using System.Numerics;
using NeuralCore.Internals.Reference;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>
/// The scalar references of the activations defined through Φ, σ, log and exp (the oracles of the kernel tests)
/// against values computed independently to 50 digits (mpmath; benchmarks/reference/activation_values.py prints this
/// table), f and f′, in double and in float.
/// </summary>
public sealed class ActivationReferenceTests
{
    // Double: the references' own error (Φ's series and continued fraction, Kahan's expm1, σ in double) is a few ulps;
    // GELU-tanh's σ(x) also sees the rounding of its argument x (a few ε relative) amplified |x|·σ(−x)-fold, which at
    // z = −10 (x ≈ −87) is 40 ulps: that is the formula's conditioning, so its bound scales with it.
    // Float: the double value rounded once (½ ulp), plus ELU's α rounded to float (another ½ at most).
    // f′ is measured in ulps of its terms' magnitude (TestActivations.DerivativeScale).
    private const double DoubleUlps = 4;
    private const double SingleUlps = 1;

    private static readonly (Activation Activation, double Z, double F, double Derivative)[] Values =
    [
        (Activation.Gelu, -30, -1.472014178144456e-196, -4.416031690708495e-195),
        (Activation.Gelu, -10, -7.619853024160526e-23, -7.618400096464814e-22),
        (Activation.Gelu, -5, -1.4332578593959695e-06, -7.146946001792295e-06),
        (Activation.Gelu, -3, -0.0040496940948902835, -0.011945647204183927),
        (Activation.Gelu, -2, -0.04550026389635842, -0.0852318010781969),
        (Activation.Gelu, -0.625, -0.16624095565543784, 0.06088492370471613),
        (Activation.Gelu, -0.125, -0.056282721896235885, 0.4007820643017934),
        (Activation.Gelu, -7.62939453125e-06, -3.8146740441280184e-06, 0.49999391262389536),
        (Activation.Gelu, 7.62939453125e-06, 3.814720487121982e-06, 0.5000060873761046),
        (Activation.Gelu, 0.125, 0.06871727810376412, 0.5992179356982066),
        (Activation.Gelu, 0.625, 0.45875904434456216, 0.9391150762952839),
        (Activation.Gelu, 1.5, 1.399789198096713, 1.1274691922299795),
        (Activation.Gelu, 3, 2.99595030590511, 1.011945647204184),
        (Activation.Gelu, 5, 4.999998566742141, 1.000007146946002),
        (Activation.Gelu, 10, 10.0, 1.0),
        (Activation.GeluTanh, -30, 0.0, 0.0),
        (Activation.GeluTanh, -10, -1.2040923482098107e-37, -2.7576380638540315e-36),
        (Activation.GeluTanh, -5, -2.291796196629506e-07, -1.5463619875325946e-06),
        (Activation.GeluTanh, -3, -0.003637392081773019, -0.011584166630969726),
        (Activation.GeluTanh, -2, -0.04540230591222498, -0.08609925662361838),
        (Activation.GeluTanh, -0.625, -0.16627885004239948, 0.06109196261329477),
        (Activation.GeluTanh, -0.125, -0.05628280137577661, 0.40078459383720855),
        (Activation.GeluTanh, -7.62939453125e-06, -3.8146740441280184e-06, 0.49999391262389536),
        (Activation.GeluTanh, 7.62939453125e-06, 3.814720487121982e-06, 0.5000060873761046),
        (Activation.GeluTanh, 0.125, 0.06871719862422339, 0.5992154061627915),
        (Activation.GeluTanh, 0.625, 0.4587211499576005, 0.9389080373867053),
        (Activation.GeluTanh, 1.5, 1.3995715769802328, 1.1277107931514332),
        (Activation.GeluTanh, 3, 2.996362607918227, 1.0115841666309697),
        (Activation.GeluTanh, 5, 4.999999770820381, 1.0000015463619876),
        (Activation.GeluTanh, 10, 10.0, 1.0),
        (Activation.Silu, -30, -2.8072868906517896e-12, -2.713710660963134e-12),
        (Activation.Silu, -10, -0.00045397868702434395, -0.0004085602086570823),
        (Activation.Silu, -5, -0.03346425462142428, -0.02654743242966592),
        (Activation.Silu, -3, -0.14227761953270035, -0.08810410601516962),
        (Activation.Silu, -2, -0.23840584404423512, -0.09078424878489548),
        (Activation.Silu, -0.625, -0.2179032095837161, 0.2067128197452455),
        (Activation.Silu, -0.125, -0.05859882832828047, 0.4376623797495416),
        (Activation.Silu, -7.62939453125e-06, -3.8146827137097716e-06, 0.49999618530273443),
        (Activation.Silu, 7.62939453125e-06, 3.814711817540228e-06, 0.5000038146972656),
        (Activation.Silu, 0.125, 0.06640117167171954, 0.5623376202504584),
        (Activation.Silu, 0.625, 0.4070967904162839, 0.7932871802547545),
        (Activation.Silu, 1.5, 1.2263617142904655, 1.041294154299143),
        (Activation.Silu, 3, 2.8577223804672998, 1.0881041060151697),
        (Activation.Silu, 5, 4.966535745378576, 1.026547432429666),
        (Activation.Silu, 10, 9.999546021312975, 1.000408560208657),
        (Activation.Softplus, -30, 9.357622968839737e-14, 9.357622968839299e-14),
        (Activation.Softplus, -10, 4.539889921686465e-05, 4.5397868702434395e-05),
        (Activation.Softplus, -5, 0.006715348489118068, 0.0066928509242848554),
        (Activation.Softplus, -3, 0.04858735157374206, 0.04742587317756678),
        (Activation.Softplus, -2, 0.1269280110429725, 0.11920292202211756),
        (Activation.Softplus, -0.625, 0.42870067827651864, 0.34864513533394575),
        (Activation.Softplus, -0.125, 0.6325990353171691, 0.46879062662624377),
        (Activation.Softplus, -7.62939453125e-06, 0.6931433658699556, 0.4999980926513672),
        (Activation.Softplus, 7.62939453125e-06, 0.6931509952644869, 0.5000019073486328),
        (Activation.Softplus, 0.125, 0.7575990353171691, 0.5312093733737563),
        (Activation.Softplus, 0.625, 1.0537006782765186, 0.6513548646660542),
        (Activation.Softplus, 1.5, 1.7014132779827524, 0.8175744761936437),
        (Activation.Softplus, 3, 3.048587351573742, 0.9525741268224333),
        (Activation.Softplus, 5, 5.006715348489118, 0.9933071490757152),
        (Activation.Softplus, 10, 10.000045398899218, 0.9999546021312976),
        (Activation.Elu, -30, -0.9999999999999064, 9.357622968840175e-14),
        (Activation.Elu, -10, -0.9999546000702375, 4.5399929762484854e-05),
        (Activation.Elu, -5, -0.9932620530009145, 0.006737946999085467),
        (Activation.Elu, -3, -0.950212931632136, 0.049787068367863944),
        (Activation.Elu, -2, -0.8646647167633873, 0.1353352832366127),
        (Activation.Elu, -0.625, -0.4647385714810098, 0.5352614285189903),
        (Activation.Elu, -0.125, -0.1175030974154046, 0.8824969025845955),
        (Activation.Elu, -7.62939453125e-06, -7.629365427493558e-06, 0.9999923706345725),
        (Activation.Elu, 7.62939453125e-06, 7.62939453125e-06, 1.0),
        (Activation.Elu, 0.125, 0.125, 1.0),
        (Activation.Elu, 0.625, 0.625, 1.0),
        (Activation.Elu, 1.5, 1.5, 1.0),
        (Activation.Elu, 3, 3.0, 1.0),
        (Activation.Elu, 5, 5.0, 1.0),
        (Activation.Elu, 10, 10.0, 1.0),
        (Activation.CreateElu(1.7), -30, -1.699999999999841, 1.5907959047028298e-13),
        (Activation.CreateElu(1.7), -10, -1.6999228201194037, 7.717988059622425e-05),
        (Activation.CreateElu(1.7), -5, -1.6885454901015546, 0.011454509898445294),
        (Activation.CreateElu(1.7), -3, -1.6153619837746314, 0.0846380162253687),
        (Activation.CreateElu(1.7), -2, -1.4699300184977584, 0.23006998150224156),
        (Activation.CreateElu(1.7), -0.625, -0.7900555715177165, 0.9099444284822834),
        (Activation.CreateElu(1.7), -0.125, -0.1997552656061878, 1.5002447343938121),
        (Activation.CreateElu(1.7), -7.62939453125e-06, -1.2969921226739048e-05, 1.6999870300787732),
        (Activation.CreateElu(1.7), 7.62939453125e-06, 7.62939453125e-06, 1.0),
        (Activation.CreateElu(1.7), 0.125, 0.125, 1.0),
        (Activation.CreateElu(1.7), 0.625, 0.625, 1.0),
        (Activation.CreateElu(1.7), 1.5, 1.5, 1.0),
        (Activation.CreateElu(1.7), 3, 3.0, 1.0),
        (Activation.CreateElu(1.7), 5, 5.0, 1.0),
        (Activation.CreateElu(1.7), 10, 10.0, 1.0),
    ];

    [Fact]
    public void Reference_MatchesFiftyDigitValues_InDouble() => Check<double>(DoubleUlps);

    [Fact]
    public void Reference_MatchesFiftyDigitValues_InFloat() => Check<float>(SingleUlps);

    [Fact]
    public void EveryActivationWhoseReferenceComputesInDouble_HasFiftyDigitValues()
    {
        // The kinds with an accuracy sweep in their row (TestActivations) are the ones this table must cover, at every
        // tested parameter; and it holds nothing else.
        var expected = TestActivations.All.Where(a => TestActivations.Facts(a.Kind).Accuracy is not null).Select(a => a.ToString()).Order();
        Assert.Equal(expected, Values.Select(v => v.Activation).Distinct().Select(a => a.ToString()).Order());
    }

    [Fact]
    public void Reference_KeepsTheLimitsAtInfinity_AndNaN()
    {
        foreach (var activation in TestActivations.Elementwise)
        {
            var (minusInfinity, plusInfinity) = TestActivations.Facts(activation.Kind).Limits!(activation);
            Assert.Equal(plusInfinity, ActivationsReference.Apply(activation, double.PositiveInfinity));
            Assert.True(double.IsNaN(ActivationsReference.Apply(activation, double.NaN)), $"{activation}(NaN)");
            Assert.Equal(minusInfinity, ActivationsReference.Apply(activation, double.NegativeInfinity));
        }

        Assert.Equal(0.0, NormalDistributionReference.Cdf(double.NegativeInfinity));
        Assert.Equal(1.0, NormalDistributionReference.Cdf(double.PositiveInfinity));
        Assert.Equal(1.0, ActivationsReference.Derivative(Activation.Gelu, double.PositiveInfinity, 0, 1.0));
        Assert.Equal(0.0, ActivationsReference.Derivative(Activation.Silu, double.NegativeInfinity, 0, 1.0));
    }

    private static void Check<T>(double ulps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var (activation, z, f, derivative) in Values)
        {
            var x = T.CreateTruncating(z);
            var bound = ulps * TestActivations.Conditioning(activation, z);
            var a = ActivationsReference.Apply(activation, x);
            var error = UlpError(a, f);
            Assert.True(error <= bound, $"{typeof(T).Name} {activation}({z:R}) = {a:R}, expected {f:R} ({error:F2} ulp)");
            var d = ActivationsReference.Derivative(activation, x, a, T.One);
            // In ulps of the terms' magnitude (see TestActivations.DerivativeScale): f′ sums terms that cancel near its zeros.
            error = Math.Abs(double.CreateTruncating(d) - derivative) / Ulp(T.CreateTruncating(TestActivations.DerivativeScale(activation, z)));
            Assert.True(error <= bound, $"{typeof(T).Name} {activation}′({z:R}) = {d:R}, expected {derivative:R} ({error:F2} ulp)");
        }
    }
}
