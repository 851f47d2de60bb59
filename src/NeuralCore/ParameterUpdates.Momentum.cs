using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

public static partial class ParameterUpdates
{
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
    /// <exception cref="ArgumentException">The lengths differ, or two of the spans overlap.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Momentum<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> velocity, T learningRate, T momentum, bool nesterov, T weightDecay, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentValidation.SameLength<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ArgumentValidation.SameLength<T>(parameters, velocity, nameof(parameters), nameof(velocity));
        ArgumentValidation.Disjoint<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ArgumentValidation.Disjoint<T>(parameters, velocity, nameof(parameters), nameof(velocity));
        ArgumentValidation.Disjoint<T>(gradient, velocity, nameof(gradient), nameof(velocity));
        MomentumCore(parameters, gradient, velocity, learningRate, momentum, nesterov, weightDecay, options.ResolvePath());
    }

    /// <summary><see cref="Momentum"/> on arguments already validated (the trainer's own buffers, every step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MomentumCore<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> velocity, T learningRate, T momentum, bool nesterov, T weightDecay, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (path == KernelPath.Reference)
        {
            ParameterUpdatesReference.Momentum(parameters, gradient, velocity, learningRate, momentum, nesterov, weightDecay);
            return;
        }

        var kernel = new MomentumKernel<T>(ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradient), ref MemoryMarshal.GetReference(velocity), learningRate, momentum, nesterov, weightDecay);
        ElementwiseDriver.Run<T, MomentumKernel<T>>(ref kernel, parameters.Length, path);
    }
}
