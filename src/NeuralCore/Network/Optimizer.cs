using System.Globalization;

namespace NeuralCore;

/// <summary>
/// An optimizer and its hyper-parameters; create one with <see cref="Sgd"/>, <see cref="WithMomentum"/>,
/// <see cref="Adam"/>, <see cref="RmsProp"/> or <see cref="AdamW"/>.
/// </summary>
/// <remarks>
/// <para>The update runs over the network's whole flat parameter vector in one fused <see cref="ParameterUpdates"/>
/// call per step; its state (velocity, RMSprop's square average, or Adam's two moments) is preallocated by the
/// <see cref="Trainer{T}"/>. The learning rate of each step comes from <see cref="Schedule"/> (constant by default).</para>
/// <para>Two different weight decays:</para>
/// <list type="bullet">
/// <item><see cref="WeightDecay"/> is L2 regularisation added to the gradient, <c>g′ = g + λ·p</c> (PyTorch's
/// <c>weight_decay</c> of SGD, Adam and RMSprop), applied to weights and biases alike. With Adam or RMSprop the
/// added term is then divided by the adaptive denominator, so parameters with large gradients are decayed less.</item>
/// <item><see cref="DecoupledWeightDecay"/> is AdamW's: the parameters shrink by <c>p ← p·(1 − η_t·λ)</c> before the
/// Adam step, outside the gradient, so every parameter decays at the same rate (PyTorch's <c>weight_decay</c> of
/// <c>AdamW</c>, default 0.01). Only <see cref="OptimizerKind.AdamW"/> uses it, and AdamW uses only it.</item>
/// </list>
/// </remarks>
public readonly record struct Optimizer
{
    /// <summary>The update rule.</summary>
    public OptimizerKind Kind { get; init; }

    /// <summary>The learning rate η (&gt; 0); the <see cref="Schedule"/> scales it per step.</summary>
    public double LearningRate { get; init; }

    /// <summary>How the learning rate changes over the steps (<see cref="LearningRateSchedule.Constant"/> by default).</summary>
    public LearningRateSchedule Schedule { get; init; }

    /// <summary>μ for <see cref="OptimizerKind.Momentum"/> (in [0, 1)).</summary>
    public double Momentum { get; init; }

    /// <summary>Whether momentum uses Nesterov's look-ahead form.</summary>
    public bool Nesterov { get; init; }

    /// <summary>β₁ of Adam and AdamW (in [0, 1)).</summary>
    public double Beta1 { get; init; }

    /// <summary>β₂ of Adam and AdamW (in [0, 1)).</summary>
    public double Beta2 { get; init; }

    /// <summary>α of RMSprop, the square average's smoothing constant (in [0, 1)).</summary>
    public double Alpha { get; init; }

    /// <summary>ε of Adam, AdamW and RMSprop, added to the denominator's square root (finite, &gt; 0).</summary>
    public double Epsilon { get; init; }

    /// <summary>
    /// L2 weight decay λ added to the gradient, <c>g′ = g + λ·p</c> (≥ 0; 0 for none). Every kind but
    /// <see cref="OptimizerKind.AdamW"/>, which decays through <see cref="DecoupledWeightDecay"/> instead and requires this to be 0.
    /// </summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// AdamW's decoupled weight decay λ: <c>p ← p·(1 − η_t·λ)</c> before each Adam step, not through the gradient
    /// (≥ 0, with η·λ ≤ 1). Only <see cref="OptimizerKind.AdamW"/>; must be 0 for the other kinds, which use <see cref="WeightDecay"/>.
    /// </summary>
    public double DecoupledWeightDecay { get; init; }

    /// <summary>The number of parameter-sized state vectors the kind keeps (velocity, square average, moments).</summary>
    internal int StateVectors => Kind switch
    {
        OptimizerKind.Sgd => 0,
        OptimizerKind.Momentum or OptimizerKind.RmsProp => 1,
        OptimizerKind.Adam or OptimizerKind.AdamW => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, $"Not a defined optimizer kind; expected one of: {OptimizerNames.ValidNames}."),
    };

    /// <summary>
    /// The optimizer of <paramref name="kind"/> with that kind's defaults (as its own factory gives them: momentum 0.9,
    /// Adam's and RMSprop's paper/PyTorch constants, AdamW's decoupled λ 0.01), for code that picks the kind at run time
    /// (a CLI flag, a config file); change the rest with <c>with { … }</c>.
    /// </summary>
    /// <param name="kind">The kind.</param>
    /// <param name="learningRate">η.</param>
    /// <returns>The optimizer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined kind.</exception>
    public static Optimizer Create(OptimizerKind kind, double learningRate) => kind switch
    {
        OptimizerKind.Sgd => Sgd(learningRate),
        OptimizerKind.Momentum => WithMomentum(learningRate),
        OptimizerKind.Adam => Adam(learningRate),
        OptimizerKind.RmsProp => RmsProp(learningRate),
        OptimizerKind.AdamW => AdamW(learningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Not a defined optimizer kind; expected one of: {OptimizerNames.ValidNames}."),
    };

    /// <summary>Plain gradient descent.</summary>
    /// <param name="learningRate">η.</param>
    /// <param name="weightDecay">L2 λ.</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer Sgd(double learningRate, double weightDecay = 0) =>
        new() { Kind = OptimizerKind.Sgd, LearningRate = learningRate, WeightDecay = weightDecay };

    /// <summary>Gradient descent with (optionally Nesterov) momentum.</summary>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ, typically 0.9.</param>
    /// <param name="nesterov">Whether to use Nesterov's form.</param>
    /// <param name="weightDecay">L2 λ.</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer WithMomentum(double learningRate, double momentum = 0.9, bool nesterov = false, double weightDecay = 0) =>
        new() { Kind = OptimizerKind.Momentum, LearningRate = learningRate, Momentum = momentum, Nesterov = nesterov, WeightDecay = weightDecay };

    /// <summary>Adam with the paper's defaults.</summary>
    /// <param name="learningRate">η, typically 0.001–0.01.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="weightDecay">L2 λ (for decoupled decay use <see cref="AdamW"/>).</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0) =>
        new() { Kind = OptimizerKind.Adam, LearningRate = learningRate, Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, WeightDecay = weightDecay };

    /// <summary>RMSprop with PyTorch's defaults (no momentum, not centred).</summary>
    /// <param name="learningRate">η.</param>
    /// <param name="alpha">α, the square average's smoothing constant.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="weightDecay">L2 λ.</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer RmsProp(double learningRate = 0.01, double alpha = 0.99, double epsilon = 1e-8, double weightDecay = 0) =>
        new() { Kind = OptimizerKind.RmsProp, LearningRate = learningRate, Alpha = alpha, Epsilon = epsilon, WeightDecay = weightDecay };

    /// <summary>AdamW with PyTorch's defaults.</summary>
    /// <param name="learningRate">η.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="decoupledWeightDecay">The decoupled λ: <c>p ← p·(1 − η_t·λ)</c> each step (not L2; see <see cref="DecoupledWeightDecay"/>).</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer AdamW(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double decoupledWeightDecay = 0.01) =>
        new() { Kind = OptimizerKind.AdamW, LearningRate = learningRate, Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, DecoupledWeightDecay = decoupledWeightDecay };

    /// <summary>The learning rate η_t of step <paramref name="step"/>: <see cref="Schedule"/> applied to <see cref="LearningRate"/>.</summary>
    /// <param name="step">t, the 1-based optimizer step.</param>
    /// <returns>η_t.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is below 1, or <see cref="LearningRate"/> is not finite and &gt; 0.</exception>
    /// <exception cref="InvalidOperationException">The schedule's values are out of range.</exception>
    public double LearningRateAt(int step) => Schedule.LearningRateAt(LearningRate, step);

    /// <summary>Checks the hyper-parameters and the schedule.</summary>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <param name="displayName">How the optimizer is called in the message (for example <c>options.Optimizer</c>); <paramref name="paramName"/> when null.</param>
    /// <exception cref="ArgumentException">A value is out of range or NaN; the message gives the expected range and the actual value.</exception>
    public void Validate(string paramName, string? displayName = null)
    {
        var name = displayName ?? paramName;
        if (!Enum.IsDefined(Kind))
        {
            Fail($"{name}.Kind must be one of {OptimizerNames.ValidNames}; got {(int)Kind}.");
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            Fail($"{name}.LearningRate must be finite and > 0; got {LearningRate}.");
        }

        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
        {
            Fail($"{name}.WeightDecay must be finite and ≥ 0; got {WeightDecay}.");
        }

        if (!(DecoupledWeightDecay >= 0) || !double.IsFinite(DecoupledWeightDecay))
        {
            Fail($"{name}.DecoupledWeightDecay must be finite and ≥ 0; got {DecoupledWeightDecay}.");
        }

        var adam = Kind is OptimizerKind.Adam or OptimizerKind.AdamW;
        if (Kind == OptimizerKind.AdamW)
        {
            if (WeightDecay != 0)
            {
                Fail($"{name}.WeightDecay (L2, added to the gradient) must be 0 for AdamW, which decays through DecoupledWeightDecay; got {WeightDecay}.");
            }

            // The schedules never exceed η, so this bounds every step's factor 1 − η_t·λ to [0, 1].
            if (LearningRate * DecoupledWeightDecay > 1)
            {
                Fail($"{name}.DecoupledWeightDecay × LearningRate must be ≤ 1 (each step multiplies p by 1 − η·λ); got {DecoupledWeightDecay} × {LearningRate}.");
            }
        }
        else if (DecoupledWeightDecay != 0)
        {
            Fail($"{name}.DecoupledWeightDecay is AdamW's and must be 0 for {OptimizerNames.GetName(Kind)} (use WeightDecay for L2); got {DecoupledWeightDecay}.");
        }

        if (Kind == OptimizerKind.Momentum && !(Momentum >= 0 && Momentum < 1))
        {
            Fail($"{name}.Momentum must be in [0, 1); got {Momentum}.");
        }

        if (adam && (!(Beta1 >= 0 && Beta1 < 1) || !(Beta2 >= 0 && Beta2 < 1)))
        {
            Fail($"{name}.Beta1 and Beta2 must be in [0, 1); got {Beta1} and {Beta2}.");
        }

        if (Kind == OptimizerKind.RmsProp && !(Alpha >= 0 && Alpha < 1))
        {
            Fail($"{name}.Alpha must be in [0, 1); got {Alpha}.");
        }

        if ((adam || Kind == OptimizerKind.RmsProp) && (!(Epsilon > 0) || !double.IsFinite(Epsilon)))
        {
            Fail($"{name}.Epsilon must be finite and > 0; got {Epsilon}.");
        }

        Schedule.Validate(LearningRate, paramName, $"{name}.Schedule");

        void Fail(FormattableString message) => throw new ArgumentException(message.ToString(CultureInfo.InvariantCulture), paramName);
    }
}
