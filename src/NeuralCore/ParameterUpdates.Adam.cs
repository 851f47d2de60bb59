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
    /// <exception cref="ArgumentException">The lengths differ, or two of the spans overlap.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Adam<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> firstMoment, Span<T> secondMoment,
        T learningRate, T beta1, T beta2, T epsilon, int step, T weightDecay, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateAdamBuffers(parameters, gradient, firstMoment, secondMoment, step);
        AdamCore(parameters, gradient, firstMoment, secondMoment, learningRate, beta1, beta2, epsilon, step, weightDecay, options.ResolvePath());
    }

    /// <summary><see cref="Adam"/> on arguments already validated (the trainer's own buffers, every step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AdamCore<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> firstMoment, Span<T> secondMoment,
        T learningRate, T beta1, T beta2, T epsilon, int step, T weightDecay, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (path == KernelPath.Reference)
        {
            ParameterUpdatesReference.Adam(parameters, gradient, firstMoment, secondMoment, learningRate, beta1, beta2, epsilon, step, weightDecay);
            return;
        }

        var kernel = new AdamKernel<T, No>(ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradient), ref MemoryMarshal.GetReference(firstMoment), ref MemoryMarshal.GetReference(secondMoment), learningRate, beta1, beta2, epsilon, step, weightDecay);
        ElementwiseDriver.Run<T, AdamKernel<T, No>>(ref kernel, parameters.Length, path);
    }

    /// <summary>The checks <see cref="Adam"/> and <see cref="AdamW"/> share: four equal lengths, no two spans overlapping, t ≥ 1.</summary>
    private static void ValidateAdamBuffers<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> gradient, ReadOnlySpan<T> firstMoment, ReadOnlySpan<T> secondMoment, int step)
        where T : unmanaged
    {
        ArgumentValidation.SameLength<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ArgumentValidation.SameLength<T>(parameters, firstMoment, nameof(parameters), nameof(firstMoment));
        ArgumentValidation.SameLength<T>(parameters, secondMoment, nameof(parameters), nameof(secondMoment));
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentValidation.Disjoint<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ArgumentValidation.Disjoint<T>(parameters, firstMoment, nameof(parameters), nameof(firstMoment));
        ArgumentValidation.Disjoint<T>(parameters, secondMoment, nameof(parameters), nameof(secondMoment));
        ArgumentValidation.Disjoint<T>(gradient, firstMoment, nameof(gradient), nameof(firstMoment));
        ArgumentValidation.Disjoint<T>(gradient, secondMoment, nameof(gradient), nameof(secondMoment));
        ArgumentValidation.Disjoint<T>(firstMoment, secondMoment, nameof(firstMoment), nameof(secondMoment));
    }
}
