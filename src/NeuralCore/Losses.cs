using System.Numerics;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

/// <summary>Loss functions with their gradients, averaged over the rows (samples) of a batch.</summary>
public static partial class Losses
{
    /// <summary>Computes the mean loss and, optionally, <c>∂L/∂prediction</c> (the 1/m included).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="loss">The loss function (see <see cref="Loss"/> for the exact formulas).</param>
    /// <param name="prediction">Shape: [m, n].</param>
    /// <param name="target">Shape: [m, n]; for <see cref="Loss.SparseCrossEntropy"/> [m, 1], class ids 0 … n−1.</param>
    /// <param name="gradient">Shape: [m, n] to receive the gradient, or <see langword="default"/> (empty) to skip it.</param>
    /// <param name="options">The kernel path.</param>
    /// <returns>The loss, averaged over the m rows (0 for an empty batch).</returns>
    /// <exception cref="ArgumentException">The shapes do not fit, a class id is not an integer in [0, n) (the message names the row), or the gradient overlaps an input.</exception>
    public static T Evaluate<T>(Loss loss, ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradient = default, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentValidation.LossTarget(loss, prediction, target, nameof(prediction), nameof(target));
        var writeGradient = !gradient.IsEmpty;
        if (writeGradient)
        {
            ArgumentValidation.SameShape(prediction, gradient, nameof(prediction), nameof(gradient));
            ArgumentValidation.SameOrDisjoint(prediction, gradient, nameof(prediction), nameof(gradient));
            ArgumentValidation.SameOrDisjoint(target, gradient, nameof(target), nameof(gradient));
        }

        var path = options.ResolvePath();
        if (path == KernelPath.Reference)
        {
            return LossesReference.Evaluate(loss, prediction, target, gradient, writeGradient);
        }

        var total = LossKernels.Evaluate(loss, prediction, target, gradient, path);
        return prediction.Rows == 0 ? T.Zero : T.CreateTruncating(total / prediction.Rows);
    }
}
