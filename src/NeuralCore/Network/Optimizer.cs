namespace NeuralCore;

/// <summary>An optimizer and its hyper-parameters; create one with <see cref="Sgd"/>, <see cref="WithMomentum"/> or <see cref="Adam"/>.</summary>
/// <remarks>
/// The update runs over the network's whole flat parameter vector in one fused <see cref="ParameterUpdates"/> call per
/// step; its state (velocity, or Adam's two moments) is preallocated by the <see cref="Trainer{T}"/>.
/// Weight decay is L2 added to the gradient, <c>g′ = g + λ·p</c>, applied to weights and biases alike (PyTorch's default).
/// </remarks>
public readonly record struct Optimizer
{
    /// <summary>The update rule.</summary>
    public OptimizerKind Kind { get; init; }

    /// <summary>The learning rate η (&gt; 0).</summary>
    public double LearningRate { get; init; }

    /// <summary>μ for <see cref="OptimizerKind.Momentum"/> (in [0, 1)).</summary>
    public double Momentum { get; init; }

    /// <summary>Whether momentum uses Nesterov's look-ahead form.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam's β₁ (in [0, 1)).</summary>
    public double Beta1 { get; init; }

    /// <summary>Adam's β₂ (in [0, 1)).</summary>
    public double Beta2 { get; init; }

    /// <summary>Adam's ε (&gt; 0).</summary>
    public double Epsilon { get; init; }

    /// <summary>L2 weight decay λ (≥ 0; 0 for none).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Plain gradient descent.</summary>
    /// <param name="learningRate">η.</param>
    /// <param name="weightDecay">λ.</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer Sgd(double learningRate, double weightDecay = 0) =>
        new() { Kind = OptimizerKind.Sgd, LearningRate = learningRate, WeightDecay = weightDecay };

    /// <summary>Gradient descent with (optionally Nesterov) momentum.</summary>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ, typically 0.9.</param>
    /// <param name="nesterov">Whether to use Nesterov's form.</param>
    /// <param name="weightDecay">λ.</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer WithMomentum(double learningRate, double momentum = 0.9, bool nesterov = false, double weightDecay = 0) =>
        new() { Kind = OptimizerKind.Momentum, LearningRate = learningRate, Momentum = momentum, Nesterov = nesterov, WeightDecay = weightDecay };

    /// <summary>Adam with the paper's defaults.</summary>
    /// <param name="learningRate">η, typically 0.001–0.01.</param>
    /// <param name="beta1">β₁.</param>
    /// <param name="beta2">β₂.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="weightDecay">λ.</param>
    /// <returns>The optimizer.</returns>
    public static Optimizer Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0) =>
        new() { Kind = OptimizerKind.Adam, LearningRate = learningRate, Beta1 = beta1, Beta2 = beta2, Epsilon = epsilon, WeightDecay = weightDecay };

    /// <summary>Checks the hyper-parameters.</summary>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <param name="displayName">How the optimizer is called in the message (for example <c>options.Optimizer</c>); <paramref name="paramName"/> when null.</param>
    /// <exception cref="ArgumentException">A value is out of range or NaN; the message gives the expected range and the actual value.</exception>
    public void Validate(string paramName, string? displayName = null)
    {
        var name = displayName ?? paramName;
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentException($"{name}.Kind must be Sgd, Momentum or Adam; got {(int)Kind}.", paramName);
        }

        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentException($"{name}.LearningRate must be finite and > 0; got {LearningRate}.", paramName);
        }

        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
        {
            throw new ArgumentException($"{name}.WeightDecay must be finite and ≥ 0; got {WeightDecay}.", paramName);
        }

        if (Kind == OptimizerKind.Momentum && !(Momentum >= 0 && Momentum < 1))
        {
            throw new ArgumentException($"{name}.Momentum must be in [0, 1); got {Momentum}.", paramName);
        }

        if (Kind == OptimizerKind.Adam)
        {
            if (!(Beta1 >= 0 && Beta1 < 1) || !(Beta2 >= 0 && Beta2 < 1))
            {
                throw new ArgumentException($"{name}.Beta1 and Beta2 must be in [0, 1); got {Beta1} and {Beta2}.", paramName);
            }

            if (!(Epsilon > 0) || !double.IsFinite(Epsilon))
            {
                throw new ArgumentException($"{name}.Epsilon must be finite and > 0; got {Epsilon}.", paramName);
            }
        }
    }
}
