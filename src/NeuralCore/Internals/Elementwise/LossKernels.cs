using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Maps a <see cref="Loss"/> (and output activation) to its term and runs <see cref="LossKernel{T, TTerm}"/> over the
/// views: contiguous views as one span, strided views row by row. Shapes were validated at the public edge.
/// </summary>
internal static class LossKernels
{
    /// <summary>The summed loss (not yet divided by m); writes the gradient when <paramref name="gradient"/> is not empty.</summary>
    public static double Evaluate<T>(Loss loss, ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradient, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T> => loss switch
    {
        Loss.MeanSquaredError => Run<T, MeanSquaredErrorTerm<T>>(prediction, prediction, target, gradient, path),
        Loss.BinaryCrossEntropy => Run<T, BinaryCrossEntropyTerm<T>>(prediction, prediction, target, gradient, path),
        Loss.CrossEntropy => Run<T, CrossEntropyTerm<T>>(prediction, prediction, target, gradient, path),
        _ => ThrowUnknown(loss),
    };

    /// <summary>The summed loss through the output activation, and ∂L/∂Z (see <see cref="Losses.EvaluateWithOutputGradient{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double EvaluateFused<T>(
        Loss loss, Activation activation, ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradZ, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (loss == Loss.BinaryCrossEntropy && activation == Activation.Sigmoid)
        {
            return Run<T, SigmoidBinaryCrossEntropyTerm<T>>(z, a, target, gradZ, path);
        }

        if (loss == Loss.CrossEntropy && activation == Activation.Softmax)
        {
            return SoftmaxCrossEntropy(z, a, target, gradZ, path);
        }

        var total = Evaluate(loss, a, target, gradZ, path);
        ActivationKernels.Backward(activation, z, a, gradZ, gradZ, path);
        return total;
    }

    // Per row: max and Σ e^(z − max) first (nothing stored: gradZ may be Z's own memory), then one fused pass for the
    // loss and the gradient (a − y)/m.
    private static double SoftmaxCrossEntropy<T>(ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradZ, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = T.CreateTruncating(z.Rows);
        var total = 0.0;
        for (var r = 0; r < z.Rows; r++)
        {
            ref var zRow = ref z.DangerousGetReferenceAt(r, 0);
            var max = new RowMaxKernel<T>(ref zRow);
            ElementwiseDriver.Run<T, RowMaxKernel<T>>(ref max, z.Columns, path);
            var exp = new ExpSumKernel<T>(ref zRow, ref Unsafe.NullRef<T>(), max.Result);
            ElementwiseDriver.Run<T, ExpSumKernel<T>>(ref exp, z.Columns, path);
            var kernel = new LossKernel<T, SoftmaxCrossEntropyTerm<T>>(
                ref zRow, ref a.DangerousGetReferenceAt(r, 0), ref target.DangerousGetReferenceAt(r, 0), ref gradZ.DangerousGetReferenceAt(r, 0),
                m, max.Result, T.Log(exp.Result));
            ElementwiseDriver.Run<T, LossKernel<T, SoftmaxCrossEntropyTerm<T>>>(ref kernel, z.Columns, path);
            total += kernel.Result;
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Run<T, TTerm>(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradient, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTerm : ILossTerm<T>
    {
        var m = T.CreateTruncating(x.Rows);
        var write = !gradient.IsEmpty;
        if (x.IsContiguous && a.IsContiguous && target.IsContiguous && (!write || gradient.IsContiguous))
        {
            var kernel = new LossKernel<T, TTerm>(
                ref x.DangerousGetReference(), ref a.DangerousGetReference(), ref target.DangerousGetReference(),
                ref write ? ref gradient.DangerousGetReference() : ref Unsafe.NullRef<T>(), m);
            ElementwiseDriver.Run<T, LossKernel<T, TTerm>>(ref kernel, (nint)x.Length, path);
            return kernel.Result;
        }

        var total = 0.0;
        for (var r = 0; r < x.Rows; r++)
        {
            var kernel = new LossKernel<T, TTerm>(
                ref x.DangerousGetReferenceAt(r, 0), ref a.DangerousGetReferenceAt(r, 0), ref target.DangerousGetReferenceAt(r, 0),
                ref write ? ref gradient.DangerousGetReferenceAt(r, 0) : ref Unsafe.NullRef<T>(), m);
            ElementwiseDriver.Run<T, LossKernel<T, TTerm>>(ref kernel, x.Columns, path);
            total += kernel.Result;
        }

        return total;
    }

    private static double ThrowUnknown(Loss loss)
    {
        ThrowHelper.ThrowArgumentOutOfRange(nameof(loss), $"{loss} is not a loss.");
        return 0;
    }
}
