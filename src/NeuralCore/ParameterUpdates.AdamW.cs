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
    /// AdamW (PyTorch's <c>AdamW</c>): the decoupled decay <c>p ← p·(1 − η·λ)</c>, then the <see cref="Adam"/> step on
    /// the raw gradient, <c>m ← β₁m + (1−β₁)g</c>, <c>v ← β₂v + (1−β₂)g²</c>, <c>p ← p − η·m̂/(√v̂ + ε)</c>.
    /// </summary>
    /// <remarks>
    /// λ here is not L2: it never enters the gradient or the moments, so it is not divided by √v̂ and every parameter
    /// shrinks by the same factor. η is this step's (scheduled) rate, for the decay as for the step.
    /// </remarks>
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
    /// <param name="decoupledWeightDecay">λ (0.01 in PyTorch; 0 makes this Adam without weight decay).</param>
    /// <param name="options">The kernel path.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two of the spans overlap.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AdamW<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> firstMoment, Span<T> secondMoment,
        T learningRate, T beta1, T beta2, T epsilon, int step, T decoupledWeightDecay, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ValidateAdamBuffers(parameters, gradient, firstMoment, secondMoment, step);
        AdamWCore(parameters, gradient, firstMoment, secondMoment, learningRate, beta1, beta2, epsilon, step, decoupledWeightDecay, options.ResolvePath());
    }

    /// <summary><see cref="AdamW"/> on arguments already validated (the trainer's own buffers, every step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AdamWCore<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> firstMoment, Span<T> secondMoment,
        T learningRate, T beta1, T beta2, T epsilon, int step, T decoupledWeightDecay, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (path == KernelPath.Reference)
        {
            ParameterUpdatesReference.AdamW(parameters, gradient, firstMoment, secondMoment, learningRate, beta1, beta2, epsilon, step, decoupledWeightDecay);
            return;
        }

        var kernel = new AdamKernel<T, Yes>(ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradient), ref MemoryMarshal.GetReference(firstMoment), ref MemoryMarshal.GetReference(secondMoment), learningRate, beta1, beta2, epsilon, step, decoupledWeightDecay);
        ElementwiseDriver.Run<T, AdamKernel<T, Yes>>(ref kernel, parameters.Length, path);
    }
}
