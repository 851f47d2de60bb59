using System.Numerics;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

/// <summary>Activation functions forward, and their derivatives fused with the upstream gradient.</summary>
public static partial class Activations
{
    /// <summary>Computes <c>A = f(Z)</c> element-wise (row-wise for <see cref="Activation.Softmax"/>).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="activation">The function f.</param>
    /// <param name="z">Shape: [M, N].</param>
    /// <param name="a">Shape: [M, N]; may be the same memory as <paramref name="z"/> (in place).</param>
    /// <param name="options">The kernel path.</param>
    /// <exception cref="ArgumentException">The shapes differ, or the views partially overlap.</exception>
    public static void Forward<T>(Activation activation, ReadOnlyMatrixSpan<T> z, MatrixSpan<T> a, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentValidation.SameShape(z, a, nameof(z), nameof(a));
        ArgumentValidation.SameOrDisjoint(z, a, nameof(z), nameof(a));
        var path = options.ResolvePath();
        if (path == KernelPath.Reference)
        {
            ActivationsReference.Forward(activation, z, a);
            return;
        }

        ActivationKernels.Forward(activation, z, a, path);
    }
}
