using System.Numerics;
using NeuralCore.Internals;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

/// <summary>Loss functions with their gradients, averaged over the rows (samples) of a batch.</summary>
public static partial class Losses
{
    /// <summary>Computes the mean loss and, optionally, <c>∂L/∂prediction</c> (the 1/m included).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="loss">The loss function (see <see cref="Loss"/> for the exact formulas).</param>
    /// <param name="prediction">Shape: [m, n].</param>
    /// <param name="target">Shape: [m, n].</param>
    /// <param name="gradient">Shape: [m, n] to receive the gradient, or <see langword="default"/> (empty) to skip it.</param>
    /// <param name="options">The kernel path.</param>
    /// <returns>The loss, averaged over the m rows (0 for an empty batch).</returns>
    /// <exception cref="ArgumentException">The shapes differ, or the gradient overlaps an input.</exception>
    public static T Evaluate<T>(Loss loss, ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradient = default, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementwiseValidation.SameShape(prediction, target, nameof(prediction), nameof(target));
        var writeGradient = !gradient.IsEmpty;
        if (writeGradient)
        {
            ElementwiseValidation.SameShape(prediction, gradient, nameof(prediction), nameof(gradient));
            ElementwiseValidation.SameOrDisjoint(prediction, gradient, nameof(prediction), nameof(gradient));
            ElementwiseValidation.SameOrDisjoint(target, gradient, nameof(target), nameof(gradient));
        }

        _ = options.ResolvePath();
        return LossesReference.Evaluate(loss, prediction, target, gradient, writeGradient);
    }

    /// <summary>
    /// Computes the mean loss and <c>∂L/∂Z</c> through the output activation in one pass. Sigmoid + binary
    /// cross-entropy and softmax + cross-entropy use the fused gradient <c>(A − Y)/m</c> and evaluate the loss from
    /// the logits Z (no log(0)); other pairs compose the loss gradient with the activation derivative.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="loss">The loss function.</param>
    /// <param name="activation">The output layer's activation.</param>
    /// <param name="preActivation">The output layer's Z. Shape: [m, n].</param>
    /// <param name="output">The output layer's A = f(Z). Shape: [m, n].</param>
    /// <param name="target">Shape: [m, n]; for softmax + cross-entropy each row should sum to 1.</param>
    /// <param name="gradZ">Receives ∂L/∂Z. Shape: [m, n].</param>
    /// <param name="options">The kernel path.</param>
    /// <returns>The loss, averaged over the m rows.</returns>
    /// <exception cref="ArgumentException">The shapes differ, or the gradient overlaps an input.</exception>
    public static T EvaluateWithOutputGradient<T>(
        Loss loss, Activation activation, ReadOnlyMatrixSpan<T> preActivation, ReadOnlyMatrixSpan<T> output, ReadOnlyMatrixSpan<T> target,
        MatrixSpan<T> gradZ, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ElementwiseValidation.SameShape(output, preActivation, nameof(output), nameof(preActivation));
        ElementwiseValidation.SameShape(output, target, nameof(output), nameof(target));
        ElementwiseValidation.SameShape(output, gradZ, nameof(output), nameof(gradZ));
        ElementwiseValidation.SameOrDisjoint(output, gradZ, nameof(output), nameof(gradZ));
        ElementwiseValidation.SameOrDisjoint(target, gradZ, nameof(target), nameof(gradZ));
        _ = options.ResolvePath();
        return LossesReference.EvaluateFused(loss, activation, preActivation, output, target, gradZ);
    }
}
