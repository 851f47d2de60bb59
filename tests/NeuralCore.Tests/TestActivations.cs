using NeuralCore.Internals.Reference;

namespace NeuralCore.Tests;

/// <summary>
/// The one test table of the activations: the activations the tests iterate (every kind of the one definition,
/// <see cref="ActivationNames.All"/>, at its default parameter, and each parameterised kind once more with another
/// parameter, so a kernel that ignored the parameter would fail) and, per kind, the facts the tests need
/// (<see cref="ActivationTestFacts"/>). A new kind adds one row to <see cref="s_facts"/>; a kind without a row fails
/// <see cref="Facts"/> and <c>TestActivationsTests</c>.
/// </summary>
public static class TestActivations
{
    private static readonly ActivationTestFacts[] s_facts =
    [
        new(ActivationKind.Linear)
        {
            ForwardMatch = ReferenceMatch.Identical,
            DerivativeMatch = ReferenceMatch.Identical,
            MaxSlope = _ => 1,
            TwiceDifferentiable = true,
            Limits = _ => (double.NegativeInfinity, double.PositiveInfinity),
        },

        // Sigmoid and tanh: (our measured max ulp error) + (the reference's own, from the same harness) rounded up:
        // sigmoid 2.24 + 2.24 (float) and 2 + 2 (double); tanh 1.5 + 1 (float, MathF.Tanh), 3 (double, vs Math.Tanh,
        // which is the reference).
        new(ActivationKind.Sigmoid)
        {
            ForwardMatch = ReferenceMatch.Ulps,
            ForwardUlps = new(5, 5),
            DerivativeMatch = ReferenceMatch.Identical,
            MaxSlope = _ => 1,
            TwiceDifferentiable = true,
            Limits = _ => (0, 1),
        },
        new(ActivationKind.Relu)
        {
            ForwardMatch = ReferenceMatch.Identical,
            DerivativeMatch = ReferenceMatch.Identical,
            MaxSlope = _ => 1,
            TwiceDifferentiable = false,
            Limits = _ => (0, double.PositiveInfinity),
        },
        new(ActivationKind.LeakyRelu)
        {
            ForwardMatch = ReferenceMatch.Identical,
            DerivativeMatch = ReferenceMatch.Identical,
            MaxSlope = a => Math.Max(1, a.Parameter),
            TwiceDifferentiable = false,
            Limits = _ => (double.NegativeInfinity, double.PositiveInfinity), // every tested slope is > 0
            OtherParameter = 0.2,
        },
        new(ActivationKind.Tanh)
        {
            ForwardMatch = ReferenceMatch.Ulps,
            ForwardUlps = new(4, 4),
            DerivativeMatch = ReferenceMatch.Identical,
            MaxSlope = _ => 1,
            TwiceDifferentiable = true,
            Limits = _ => (-1, 1),
        },
        new(ActivationKind.Softmax)
        {
            ForwardMatch = ReferenceMatch.SoftmaxRow,
            DerivativeMatch = ReferenceMatch.SoftmaxRow,
            MaxSlope = _ => 1,
            TwiceDifferentiable = true,
            Limits = null,
        },

        // The activations added with GELU: their references compute in double (float results round once from them),
        // so the ulp bounds are the kernels' own, measured by TranscendentalAccuracyTests.SmoothActivations_AreWithinBound
        // (written to its output) with about 1 ulp of margin. Float is against the double reference (exact at float's
        // precision); double against the reference itself, whose own error is up to 4 ulps (ActivationReferenceTests),
        // so the double bounds include it. f′ is in ulps of its terms' magnitude (DerivativeScale); GELU-tanh's errors
        // are divided by its Conditioning. The accuracy sweep covers where f is a normal number (below, an exponential
        // is subnormal: SmoothActivations_KeepTheirSubnormalTails counts subnormal steps there, SubnormalSteps).
        // max |f′| (MaxSlope): GELU's 1.1289 (at √2, both forms within 1.129) and SiLU's 1.0998 (at 2.4), rounded up.

        // Measured f 4.59 / 5, f′ 3.53 / 4 (f = e^(−z²/2)·z·R(|z|) and 1 − that: about eight roundings of ½ ulp each,
        // the exponential's ≤ 1 ulp among them; f′ = Φ + z·φ). The tail: the exponential (within 2 ulps) comes last,
        // times u·R < ½: 4 more steps at most.
        new(ActivationKind.Gelu)
        {
            ForwardMatch = ReferenceMatch.MeasuredUlps,
            ForwardUlps = new(5.5, 6),
            DerivativeMatch = ReferenceMatch.MeasuredUlps,
            DerivativeUlps = new(4.5, 5),
            Accuracy = new((-13.0, 10.0), (-37.5, 40.0), SubnormalSteps: _ => 4),
            DerivativeScale = (_, z) => NormalDistributionReference.Cdf(z) + Math.Abs(z * NormalDistributionReference.Density(z)),
            MaxSlope = _ => 1.13,
            TwiceDifferentiable = true,
            Limits = _ => (0, double.PositiveInfinity),
        },

        // Divided by the conditioning: measured f 2.46 / 3.83, f′ 2.42 / 3.94. The tail: a subnormal σ (within 2 steps:
        // e and e/(1 + e) each round to one) times |z|, so 2|z| more steps; likewise SiLU.
        new(ActivationKind.GeluTanh)
        {
            ForwardMatch = ReferenceMatch.MeasuredUlps,
            ForwardUlps = new(3.5, 5),
            DerivativeMatch = ReferenceMatch.MeasuredUlps,
            DerivativeUlps = new(3.5, 5),
            Accuracy = new((-10.0, 10.0), (-20.0, 40.0), SubnormalSteps: z => 2 * Math.Abs(z)),
            Conditioning = z =>
            {
                // How much σ(x) amplifies a relative error of its argument x (computed in T): 1 + |x|·σ(−x).
                var x = ActivationsReference.GeluTanhArgument(z);
                return 1 + (Math.Abs(x) * ActivationsReference.Sigmoid(-x));
            },
            DerivativeScale = (_, z) =>
            {
                // σ(x) + |z·x′·σ(x)σ(−x)|.
                var x = ActivationsReference.GeluTanhArgument(z);
                var slope = 2 * Math.Sqrt(2 / Math.PI) * (1 + (3 * 0.044715 * z * z));
                return ActivationsReference.Sigmoid(x) + Math.Abs(z * slope * ActivationsReference.Sigmoid(x) * ActivationsReference.Sigmoid(-x));
            },
            MaxSlope = _ => 1.13,
            TwiceDifferentiable = true,
            Limits = _ => (0, double.PositiveInfinity),
        },

        // Measured f 2.95 / 3, f′ 3.65 / 4.
        new(ActivationKind.Silu)
        {
            ForwardMatch = ReferenceMatch.MeasuredUlps,
            ForwardUlps = new(4, 4),
            DerivativeMatch = ReferenceMatch.MeasuredUlps,
            DerivativeUlps = new(4.5, 5),
            Accuracy = new((-87.0, 20.0), (-708.0, 40.0), SubnormalSteps: z => 2 * Math.Abs(z)),
            DerivativeScale = (_, z) => ActivationsReference.Sigmoid(z) + Math.Abs(z * ActivationsReference.Sigmoid(z) * ActivationsReference.Sigmoid(-z)),
            MaxSlope = _ => 1.1,
            TwiceDifferentiable = true,
            Limits = _ => (0, double.PositiveInfinity),
        },

        // Measured f 2.85 / 4, f′ 2.26 / 2 (f′ = σ, the default DerivativeScale). The sweep reaches the subnormals:
        // log(1 + e) = e exactly for subnormal e, so there is no separate tail.
        new(ActivationKind.Softplus)
        {
            ForwardMatch = ReferenceMatch.MeasuredUlps,
            ForwardUlps = new(3.5, 5),
            DerivativeMatch = ReferenceMatch.MeasuredUlps,
            DerivativeUlps = new(3, 3),
            Accuracy = new((-104.0, 30.0), (-745.0, 40.0), SubnormalSteps: null),
            MaxSlope = _ => 1,
            TwiceDifferentiable = true,
            Limits = _ => (0, double.PositiveInfinity),
        },

        // Measured f 0.81 / 2 with α = 1, 1.99 / 4 with α = 1.7 (one more rounding, α·(e^z − 1)); f′ 0.52 / 0 (from a,
        // the reference's own formula, so the kernel test compares it bit for bit), in ulps of 2α: below 0, f′ = a + α
        // with |a| ≤ α cancels for very negative z. e^z − 1 rounds to −1 below the sweep: the results are never subnormal.
        new(ActivationKind.Elu)
        {
            ForwardMatch = ReferenceMatch.MeasuredUlps,
            ForwardUlps = new(3, 5),
            DerivativeMatch = ReferenceMatch.Identical,
            DerivativeUlps = new(1.5, 1),
            Accuracy = new((-30.0, 10.0), (-60.0, 10.0), SubnormalSteps: null),
            DerivativeScale = (a, z) => z > 0 ? 1 : 2 * a.Parameter,
            MaxSlope = a => Math.Max(1, a.Parameter),
            TwiceDifferentiable = false, // f″ jumps at 0 (for α = 1 too, where f′ is continuous)
            Limits = a => (-a.Parameter, double.PositiveInfinity),
            OtherParameter = 1.7,
        },
    ];

    /// <summary>Every kind at its default parameter, then each parameterised kind at <see cref="ActivationTestFacts.OtherParameter"/>.</summary>
    public static Activation[] All { get; } =
    [
        .. ActivationNames.All.Select(k => Activation.FromKind(k.Kind)),
        .. ActivationNames.All.Where(k => k.ParameterName is not null).Select(k => Activation.Create(k.Kind, OtherParameter(k.Kind))),
    ];

    public static IEnumerable<Activation> Elementwise => All.Where(a => a.IsElementwise);

    /// <summary>The rows, for the test that checks the table against <see cref="ActivationNames.All"/>.</summary>
    public static IReadOnlyList<ActivationTestFacts> Rows => s_facts;

    /// <summary>The row of <paramref name="kind"/>; a kind without one (a new kind) fails here, naming what to add.</summary>
    public static ActivationTestFacts Facts(ActivationKind kind)
    {
        foreach (var facts in s_facts)
        {
            if (facts.Kind == kind)
            {
                return facts;
            }
        }

        throw new ArgumentOutOfRangeException(
            nameof(kind), kind, $"Activation kind {kind} has no row in TestActivations' table: add one stating how its kernels compare with the reference, its accuracy bounds and the other facts of ActivationTestFacts.");
    }

    /// <summary>How much f amplifies a relative error of what it computes first (<see cref="ActivationTestFacts.Conditioning"/>).</summary>
    public static double Conditioning(Activation activation, double z) => Facts(activation.Kind).Conditioning(z);

    /// <summary>The magnitude f′'s error is counted in (<see cref="ActivationTestFacts.DerivativeScale"/>).</summary>
    public static double DerivativeScale(Activation activation, double z) => Facts(activation.Kind).DerivativeScale(activation, z);

    private static double OtherParameter(ActivationKind kind) =>
        Facts(kind).OtherParameter ?? throw new InvalidOperationException($"Give the parameterised kind {kind} an OtherParameter to test in TestActivations' table.");
}

/// <summary>How a kernel's result is compared with the scalar reference's (ActivationTests).</summary>
public enum ReferenceMatch
{
    /// <summary>The reference's operations in its order: bit for bit.</summary>
    Identical,

    /// <summary>Within <see cref="ActivationTestFacts.ForwardUlps"/> ulps (kernel and reference both err).</summary>
    Ulps,

    /// <summary>
    /// The reference computes in double: within the kernel's measured bound (<see cref="ActivationTestFacts.ForwardUlps"/>,
    /// <see cref="ActivationTestFacts.DerivativeUlps"/>) times the <see cref="ActivationTestFacts.Conditioning"/>, f′ in
    /// ulps of <see cref="ActivationTestFacts.DerivativeScale"/>, f plus subnormal steps where an exponential underflows.
    /// </summary>
    MeasuredUlps,

    /// <summary>Row-wise softmax: ulps that grow with the row (its sum), and its own backward rule.</summary>
    SoftmaxRow,
}

/// <summary>An ulp bound in float and in double.</summary>
public readonly record struct UlpBound(double InFloat, double InDouble)
{
    public double For<T>() => typeof(T) == typeof(float) ? InFloat : InDouble;
}

/// <summary>
/// The dense-sweep domains of TranscendentalAccuracyTests.SmoothActivations_AreWithinBound (where f is a normal
/// number), and the subnormal steps allowed below them in SmoothActivations_KeepTheirSubnormalTails (null: no such
/// tail, the row says why).
/// </summary>
public sealed record AccuracySweep((double Low, double High) InFloat, (double Low, double High) InDouble, Func<double, double>? SubnormalSteps);

/// <summary>What the tests need to know about one activation kind.</summary>
public sealed record ActivationTestFacts(ActivationKind Kind)
{
    /// <summary>How the kernels' f compares with the reference's.</summary>
    public required ReferenceMatch ForwardMatch { get; init; }

    /// <summary>How the kernels' dA·f′ compares with the reference's.</summary>
    public required ReferenceMatch DerivativeMatch { get; init; }

    /// <summary>f's bound in ulps, for <see cref="ReferenceMatch.Ulps"/> and <see cref="ReferenceMatch.MeasuredUlps"/>.</summary>
    public UlpBound? ForwardUlps { get; init; }

    /// <summary>f′'s bound in ulps of <see cref="DerivativeScale"/>, for <see cref="ReferenceMatch.MeasuredUlps"/> and the accuracy sweep.</summary>
    public UlpBound? DerivativeUlps { get; init; }

    /// <summary>The accuracy sweep against the double reference, for the kinds whose reference computes in double.</summary>
    public AccuracySweep? Accuracy { get; init; }

    /// <summary>How much f amplifies a relative error of its intermediate argument: 1 unless the row says otherwise.</summary>
    public Func<double, double> Conditioning { get; init; } = static _ => 1;

    /// <summary>
    /// The sum of the magnitudes of the terms f′ is made of (so near a zero of f′ the error is not counted in the ulps of
    /// that zero); by default |f′| itself.
    /// </summary>
    public Func<Activation, double, double> DerivativeScale { get; init; } =
        static (activation, z) => Math.Abs(ActivationsReference.Derivative(activation, z, ActivationsReference.Apply(activation, z), 1.0));

    /// <summary>max |f′| over the reals (≥ 1): how much the GEMM epilogue's Z error can grow through f.</summary>
    public required Func<Activation, double> MaxSlope { get; init; }

    /// <summary>Whether f has a continuous second derivative (the gradient check's stencil assumes one; see NetworkTestHelpers.CheckGradients).</summary>
    public required bool TwiceDifferentiable { get; init; }

    /// <summary>f(−∞) and f(+∞) of the reference; null for softmax (row-wise).</summary>
    public required Func<Activation, (double MinusInfinity, double PlusInfinity)>? Limits { get; init; }

    /// <summary>A second parameter for a parameterised kind (null for the others).</summary>
    public double? OtherParameter { get; init; }
}
