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
    /// RMSprop (PyTorch's <c>RMSprop</c> without momentum, not centred): <c>v ← α·v + (1−α)·g′²</c>,
    /// <c>p ← p − η·g′/(√v + ε)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient, same length.</param>
    /// <param name="squareAverage">v, the running average of g′², same length; start at zero.</param>
    /// <param name="learningRate">η (0.01 in PyTorch).</param>
    /// <param name="alpha">α (0.99 in PyTorch).</param>
    /// <param name="epsilon">ε (1e-8 in PyTorch).</param>
    /// <param name="weightDecay">L2 λ (0 for none).</param>
    /// <param name="options">The kernel path.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two of the spans overlap.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsProp<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> squareAverage, T learningRate, T alpha, T epsilon, T weightDecay, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentValidation.SameLength<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ArgumentValidation.SameLength<T>(parameters, squareAverage, nameof(parameters), nameof(squareAverage));
        ArgumentValidation.Disjoint<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ArgumentValidation.Disjoint<T>(parameters, squareAverage, nameof(parameters), nameof(squareAverage));
        ArgumentValidation.Disjoint<T>(gradient, squareAverage, nameof(gradient), nameof(squareAverage));
        RmsPropCore(parameters, gradient, squareAverage, learningRate, alpha, epsilon, weightDecay, options.ResolvePath());
    }

    /// <summary><see cref="RmsProp"/> on arguments already validated (the trainer's own buffers, every step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RmsPropCore<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> squareAverage, T learningRate, T alpha, T epsilon, T weightDecay, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (path == KernelPath.Reference)
        {
            ParameterUpdatesReference.RmsProp(parameters, gradient, squareAverage, learningRate, alpha, epsilon, weightDecay);
            return;
        }

        var kernel = new RmsPropKernel<T>(ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradient), ref MemoryMarshal.GetReference(squareAverage), learningRate, alpha, epsilon, weightDecay);
        ElementwiseDriver.Run<T, RmsPropKernel<T>>(ref kernel, parameters.Length, path);
    }
}
