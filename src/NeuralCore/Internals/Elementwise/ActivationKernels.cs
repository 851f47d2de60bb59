using System.Numerics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Maps an <see cref="Activation"/> to its operator struct and runs the driver over a matrix: contiguous views as one
/// span, strided views row by row. Shapes were validated at the public edge.
/// </summary>
internal static class ActivationKernels
{
    public static void Forward<T>(Activation activation, ReadOnlyMatrixSpan<T> z, MatrixSpan<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case Activation.Linear:
                Forward<T, LinearOperator<T>>(z, a, path);
                break;
            case Activation.Sigmoid:
                Forward<T, SigmoidOperator<T>>(z, a, path);
                break;
            case Activation.Relu:
                Forward<T, ReluOperator<T>>(z, a, path);
                break;
            case Activation.LeakyRelu:
                Forward<T, LeakyReluOperator<T>>(z, a, path);
                break;
            case Activation.Tanh:
                Forward<T, TanhOperator<T>>(z, a, path);
                break;
            case Activation.Softmax:
                for (var r = 0; r < z.Rows; r++)
                {
                    SoftmaxRow.Forward(ref z.DangerousGetReferenceAt(r, 0), ref a.DangerousGetReferenceAt(r, 0), z.Columns, path);
                }

                break;
            default:
                ThrowHelper.ThrowArgumentOutOfRange(nameof(activation), $"{activation} is not an activation.");
                break;
        }
    }

    public static void Backward<T>(Activation activation, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case Activation.Linear:
                Backward<T, LinearOperator<T>>(a, gradA, gradZ, path);
                break;
            case Activation.Sigmoid:
                Backward<T, SigmoidOperator<T>>(a, gradA, gradZ, path);
                break;
            case Activation.Relu:
                Backward<T, ReluOperator<T>>(a, gradA, gradZ, path);
                break;
            case Activation.LeakyRelu:
                Backward<T, LeakyReluOperator<T>>(a, gradA, gradZ, path);
                break;
            case Activation.Tanh:
                Backward<T, TanhOperator<T>>(a, gradA, gradZ, path);
                break;
            case Activation.Softmax:
                for (var r = 0; r < a.Rows; r++)
                {
                    SoftmaxRow.Backward(
                        ref a.DangerousGetReferenceAt(r, 0), ref gradA.DangerousGetReferenceAt(r, 0), ref gradZ.DangerousGetReferenceAt(r, 0), a.Columns, path);
                }

                break;
            default:
                ThrowHelper.ThrowArgumentOutOfRange(nameof(activation), $"{activation} is not an activation.");
                break;
        }
    }

    public static void Forward<T, TOperator>(ReadOnlyMatrixSpan<T> z, MatrixSpan<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : IActivationOperator<T>
    {
        if (z.IsContiguous && a.IsContiguous)
        {
            var kernel = new ActivationForwardKernel<T, TOperator>(ref z.DangerousGetReference(), ref a.DangerousGetReference());
            ElementwiseDriver.Run<T, ActivationForwardKernel<T, TOperator>>(ref kernel, (nint)z.Length, path);
            return;
        }

        for (var r = 0; r < z.Rows; r++)
        {
            var kernel = new ActivationForwardKernel<T, TOperator>(ref z.DangerousGetReferenceAt(r, 0), ref a.DangerousGetReferenceAt(r, 0));
            ElementwiseDriver.Run<T, ActivationForwardKernel<T, TOperator>>(ref kernel, z.Columns, path);
        }
    }

    public static void Backward<T, TOperator>(ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : IActivationOperator<T>
    {
        if (a.IsContiguous && gradA.IsContiguous && gradZ.IsContiguous)
        {
            var kernel = new ActivationDerivativeKernel<T, TOperator>(
                ref a.DangerousGetReference(), ref gradA.DangerousGetReference(), ref gradZ.DangerousGetReference());
            ElementwiseDriver.Run<T, ActivationDerivativeKernel<T, TOperator>>(ref kernel, (nint)a.Length, path);
            return;
        }

        for (var r = 0; r < a.Rows; r++)
        {
            var kernel = new ActivationDerivativeKernel<T, TOperator>(
                ref a.DangerousGetReferenceAt(r, 0), ref gradA.DangerousGetReferenceAt(r, 0), ref gradZ.DangerousGetReferenceAt(r, 0));
            ElementwiseDriver.Run<T, ActivationDerivativeKernel<T, TOperator>>(ref kernel, a.Columns, path);
        }
    }
}
