using System.Numerics;
using NeuralCore.Internals;

namespace NeuralCore;

/// <summary>Optimizer update rules, each one fused pass over a parameter block and its gradient.</summary>
/// <remarks>
/// Weight decay is L2 regularisation added to the gradient, <c>g′ = g + λ·p</c> (PyTorch's <c>weight_decay</c>).
/// </remarks>
public static partial class ParameterUpdates
{
    /// <summary>Plain gradient descent: <c>p ← p − η·g′</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient, same length.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="weightDecay">λ (0 for none).</param>
    /// <param name="options">The kernel path.</param>
    public static void Sgd<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T learningRate, T weightDecay, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementwiseValidation.SameLength<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        _ = options.ResolvePath();
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i] + (weightDecay * parameters[i]);
            parameters[i] -= learningRate * g;
        }
    }

    /// <summary>
    /// Heavy-ball momentum (PyTorch's form): <c>v ← μ·v + g′</c>, then <c>p ← p − η·v</c>, or with Nesterov
    /// <c>p ← p − η·(g′ + μ·v)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient, same length.</param>
    /// <param name="velocity">The velocity state, same length; start at zero.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ.</param>
    /// <param name="nesterov">Whether to use Nesterov's look-ahead form.</param>
    /// <param name="weightDecay">λ (0 for none).</param>
    /// <param name="options">The kernel path.</param>
    public static void Momentum<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> velocity, T learningRate, T momentum, bool nesterov, T weightDecay, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementwiseValidation.SameLength<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ElementwiseValidation.SameLength<T>(parameters, velocity, nameof(parameters), nameof(velocity));
        _ = options.ResolvePath();
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i] + (weightDecay * parameters[i]);
            var v = (momentum * velocity[i]) + g;
            velocity[i] = v;
            parameters[i] -= learningRate * (nesterov ? g + (momentum * v) : v);
        }
    }

    /// <summary>
    /// Adam: <c>m ← β₁m + (1−β₁)g′</c>, <c>v ← β₂v + (1−β₂)g′²</c>,
    /// <c>p ← p − η·m̂/(√v̂ + ε)</c> with <c>m̂ = m/(1−β₁ᵗ)</c>, <c>v̂ = v/(1−β₂ᵗ)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient, same length.</param>
    /// <param name="firstMoment">m, same length; start at zero.</param>
    /// <param name="secondMoment">v, same length; start at zero.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="beta1">β₁ (0.9 in the paper).</param>
    /// <param name="beta2">β₂ (0.999 in the paper).</param>
    /// <param name="epsilon">ε (1e-8 in the paper).</param>
    /// <param name="step">t, the 1-based step number, for the bias correction.</param>
    /// <param name="weightDecay">λ (0 for none).</param>
    /// <param name="options">The kernel path.</param>
    public static void Adam<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> firstMoment, Span<T> secondMoment,
        T learningRate, T beta1, T beta2, T epsilon, int step, T weightDecay, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementwiseValidation.SameLength<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ElementwiseValidation.SameLength<T>(parameters, firstMoment, nameof(parameters), nameof(firstMoment));
        ElementwiseValidation.SameLength<T>(parameters, secondMoment, nameof(parameters), nameof(secondMoment));
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        _ = options.ResolvePath();
        var correction1 = T.One - T.Pow(beta1, T.CreateTruncating(step));
        var correction2 = T.One - T.Pow(beta2, T.CreateTruncating(step));
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i] + (weightDecay * parameters[i]);
            var m = (beta1 * firstMoment[i]) + ((T.One - beta1) * g);
            var v = (beta2 * secondMoment[i]) + ((T.One - beta2) * g * g);
            firstMoment[i] = m;
            secondMoment[i] = v;
            parameters[i] -= learningRate * (m / correction1) / (T.Sqrt(v / correction2) + epsilon);
        }
    }
}
