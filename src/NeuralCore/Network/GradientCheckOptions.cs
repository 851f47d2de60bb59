namespace NeuralCore;

/// <summary>How <see cref="GradientCheck"/> compares backpropagation with finite differences.</summary>
public readonly record struct GradientCheckOptions
{
    /// <summary>The finite-difference step h; 0 (the default) picks 1e-3 for double and 1e-2 for float.</summary>
    public double Step { get; init; }

    /// <summary>
    /// The smallest denominator of the relative error, <c>|a − n| / max(|a|, |n|, Floor)</c>; 0 (the default) picks
    /// 1e-6 for double and 1e-3 for float. Below it, gradients are compared on an absolute scale, because the
    /// finite difference itself carries an absolute rounding noise of about ε·|L|/h.
    /// </summary>
    public double Floor { get; init; }

    /// <summary>Check at most this many weights and this many biases per layer, a seeded random sample; 0 (the default) checks every parameter.</summary>
    public int MaxParametersPerLayer { get; init; }

    /// <summary>The seed of the sample when <see cref="MaxParametersPerLayer"/> limits it.</summary>
    public ulong Seed { get; init; }

    /// <summary>The kernel path and threads used for the forward and backward passes.</summary>
    public ComputeOptions Compute { get; init; }
}
