using System.Numerics;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

public static partial class Activations
{
    /// <summary>
    /// Computes <c>dZ = dA ⊙ f′(Z)</c> from the stored activation <c>A = f(Z)</c>, in one pass: <c>a(1−a)</c> for
    /// sigmoid, <c>1−a²</c> for tanh, the sign of A for relu and leaky relu, and the softmax Jacobian row by row.
    /// Activations whose f′ needs Z itself (<see cref="Activation.BackwardNeedsPreActivation"/>) take the overload
    /// with the pre-activation.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="activation">The function f.</param>
    /// <param name="a">The activation f(Z). Shape: [M, N].</param>
    /// <param name="gradA">The upstream gradient ∂L/∂A. Shape: [M, N].</param>
    /// <param name="gradZ">Receives ∂L/∂Z. Shape: [M, N]; may be the same memory as <paramref name="gradA"/>.</param>
    /// <param name="options">The kernel path.</param>
    /// <exception cref="ArgumentException">The shapes differ, the views partially overlap, or the activation needs Z.</exception>
    public static void Backward<T>(Activation activation, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (activation.BackwardNeedsPreActivation)
        {
            ThrowHelper.ThrowArgument(nameof(activation), $"The derivative of {activation} needs the pre-activation Z: call the overload that takes preActivation.");
        }

        Backward(activation, default, a, gradA, gradZ, options);
    }

    /// <summary>
    /// Computes <c>dZ = dA ⊙ f′(Z)</c> in one pass, from Z for the activations that need it (GELU, SiLU, softplus)
    /// and from the stored activation A for the others.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="activation">The function f.</param>
    /// <param name="preActivation">Z. Shape: [M, N]; may be empty (<see langword="default"/>) unless <see cref="Activation.BackwardNeedsPreActivation"/>.</param>
    /// <param name="a">The activation f(Z). Shape: [M, N].</param>
    /// <param name="gradA">The upstream gradient ∂L/∂A. Shape: [M, N].</param>
    /// <param name="gradZ">Receives ∂L/∂Z. Shape: [M, N]; may be the same memory as <paramref name="gradA"/>.</param>
    /// <param name="options">The kernel path.</param>
    /// <exception cref="ArgumentException">The shapes differ, the views partially overlap, or Z is missing where it is needed.</exception>
    public static void Backward<T>(Activation activation, ReadOnlyMatrixSpan<T> preActivation, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentValidation.SameShape(a, gradZ, nameof(a), nameof(gradZ));
        ArgumentValidation.SameShape(gradA, gradZ, nameof(gradA), nameof(gradZ));
        ArgumentValidation.SameOrDisjoint(gradA, gradZ, nameof(gradA), nameof(gradZ));
        ArgumentValidation.SameOrDisjoint(a, gradZ, nameof(a), nameof(gradZ));
        if (activation.BackwardNeedsPreActivation || !preActivation.IsEmpty)
        {
            ArgumentValidation.SameShape(gradZ.AsReadOnly(), preActivation, nameof(gradZ), nameof(preActivation));
            ArgumentValidation.SameOrDisjoint(preActivation, gradZ, nameof(preActivation), nameof(gradZ));
        }

        var path = options.ResolvePath();
        if (path == KernelPath.Reference)
        {
            ActivationsReference.Backward(activation, preActivation, a, gradA, gradZ);
            return;
        }

        ActivationKernels.Backward(activation, preActivation, a, gradA, gradZ, path);
    }
}
