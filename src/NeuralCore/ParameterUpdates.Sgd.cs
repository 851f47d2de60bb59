using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

public static partial class ParameterUpdates
{
    /// <summary>Plain gradient descent: <c>p ← p − η·g′</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient, same length.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="weightDecay">λ (0 for none).</param>
    /// <param name="options">The kernel path.</param>
    /// <exception cref="ArgumentException">The lengths differ, or two of the spans overlap.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgd<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T learningRate, T weightDecay, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentValidation.SameLength<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        ArgumentValidation.Disjoint<T>(parameters, gradient, nameof(parameters), nameof(gradient));
        SgdCore(parameters, gradient, learningRate, weightDecay, options.ResolvePath());
    }

    /// <summary><see cref="Sgd"/> on arguments already validated (the trainer's own buffers, every step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SgdCore<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T learningRate, T weightDecay, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (path == KernelPath.Reference)
        {
            ParameterUpdatesReference.Sgd(parameters, gradient, learningRate, weightDecay);
            return;
        }

        var kernel = new SgdKernel<T>(ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(gradient), learningRate, weightDecay);
        ElementwiseDriver.Run<T, SgdKernel<T>>(ref kernel, parameters.Length, path);
    }
}
