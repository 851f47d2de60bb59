using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

public static partial class Losses
{
    /// <summary>
    /// Computes the mean loss and <c>∂L/∂Z</c> through the output activation in one pass. The pairs
    /// <see cref="Loss.IsFusedWith"/> names (sigmoid + binary cross-entropy, softmax + either categorical
    /// cross-entropy) use the fused gradient <c>(A − Y)/m</c> and evaluate the loss from the logits Z (no log(0));
    /// other pairs compose the loss gradient with the activation derivative.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="loss">The loss function.</param>
    /// <param name="activation">The output layer's activation.</param>
    /// <param name="preActivation">The output layer's Z. Shape: [m, n].</param>
    /// <param name="output">The output layer's A = f(Z). Shape: [m, n].</param>
    /// <param name="target">Shape: [m, n]; for softmax + cross-entropy each row should sum to 1; for <see cref="Loss.SparseCrossEntropy"/> [m, 1], class ids 0 … n−1.</param>
    /// <param name="gradZ">Receives ∂L/∂Z. Shape: [m, n].</param>
    /// <param name="options">The kernel path.</param>
    /// <returns>The loss, averaged over the m rows.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit, a class id is not an integer in [0, n) (the message names the row), or the gradient overlaps an input.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T EvaluateWithOutputGradient<T>(
        Loss loss, Activation activation, ReadOnlyMatrixSpan<T> preActivation, ReadOnlyMatrixSpan<T> output, ReadOnlyMatrixSpan<T> target,
        MatrixSpan<T> gradZ, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentValidation.SameShape(output, preActivation, nameof(output), nameof(preActivation));
        ArgumentValidation.LossTarget(loss, output, target, nameof(output), nameof(target));
        ArgumentValidation.SameShape(output, gradZ, nameof(output), nameof(gradZ));
        ArgumentValidation.SameOrDisjoint(output, gradZ, nameof(output), nameof(gradZ));
        ArgumentValidation.SameOrDisjoint(target, gradZ, nameof(target), nameof(gradZ));
        var path = options.ResolvePath();
        if (path == KernelPath.Reference)
        {
            return LossesReference.EvaluateFused(loss, activation, preActivation, output, target, gradZ);
        }

        var total = LossKernels.EvaluateFused(loss, activation, preActivation, output, target, gradZ, path);
        return output.Rows == 0 ? T.Zero : T.CreateTruncating(total / output.Rows);
    }
}
