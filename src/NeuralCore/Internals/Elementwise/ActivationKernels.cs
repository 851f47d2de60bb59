using System.Numerics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Runs an activation's operator (from <see cref="ActivationDispatch"/>) over a matrix: contiguous views as one span,
/// strided views row by row; softmax row by row. Shapes were validated at the public edge.
/// </summary>
internal static class ActivationKernels
{
    public static void Forward<T>(Activation activation, ReadOnlyMatrixSpan<T> z, MatrixSpan<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var visitor = new ForwardVisitor<T>(z, a, path);
        ActivationDispatch.Dispatch<T, ForwardVisitor<T>>(activation, ref visitor);
    }

    /// <summary>dZ = dA ⊙ f′; <paramref name="z"/> is read only for the activations that need it (it may be empty otherwise).</summary>
    public static void Backward<T>(Activation activation, ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var visitor = new BackwardVisitor<T>(z, a, gradA, gradZ, path);
        ActivationDispatch.Dispatch<T, BackwardVisitor<T>>(activation, ref visitor);
    }

    public static void Forward<T, TOperator>(ReadOnlyMatrixSpan<T> z, MatrixSpan<T> a, T parameter, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : IActivationOperator<T>
    {
        if (z.IsContiguous && a.IsContiguous)
        {
            var kernel = new ActivationForwardKernel<T, TOperator>(ref z.DangerousGetReference(), ref a.DangerousGetReference(), parameter);
            ElementwiseDriver.Run<T, ActivationForwardKernel<T, TOperator>>(ref kernel, (nint)z.Length, path);
            return;
        }

        for (var r = 0; r < z.Rows; r++)
        {
            var kernel = new ActivationForwardKernel<T, TOperator>(ref z.DangerousGetReferenceAt(r, 0), ref a.DangerousGetReferenceAt(r, 0), parameter);
            ElementwiseDriver.Run<T, ActivationForwardKernel<T, TOperator>>(ref kernel, z.Columns, path);
        }
    }

    public static void Backward<T, TOperator>(ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ, T parameter, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : IActivationOperator<T>
    {
        // Without Z the kernel is handed A in its place (never read as Z, see ActivationDerivativeKernel).
        var source = TOperator.NeedsZ ? z : a;
        if (source.IsContiguous && a.IsContiguous && gradA.IsContiguous && gradZ.IsContiguous)
        {
            var kernel = new ActivationDerivativeKernel<T, TOperator>(
                ref source.DangerousGetReference(), ref a.DangerousGetReference(), ref gradA.DangerousGetReference(), ref gradZ.DangerousGetReference(), parameter);
            ElementwiseDriver.Run<T, ActivationDerivativeKernel<T, TOperator>>(ref kernel, (nint)a.Length, path);
            return;
        }

        for (var r = 0; r < a.Rows; r++)
        {
            var kernel = new ActivationDerivativeKernel<T, TOperator>(
                ref source.DangerousGetReferenceAt(r, 0), ref a.DangerousGetReferenceAt(r, 0), ref gradA.DangerousGetReferenceAt(r, 0), ref gradZ.DangerousGetReferenceAt(r, 0), parameter);
            ElementwiseDriver.Run<T, ActivationDerivativeKernel<T, TOperator>>(ref kernel, a.Columns, path);
        }
    }

    private readonly ref struct ForwardVisitor<T>(ReadOnlyMatrixSpan<T> z, MatrixSpan<T> a, KernelPath path) : IActivationVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _z = z;
        private readonly MatrixSpan<T> _a = a;

        public void Visit<TOperator>(T parameter)
            where TOperator : struct, IActivationOperator<T> => Forward<T, TOperator>(_z, _a, parameter, path);

        public void VisitSoftmax()
        {
            for (var r = 0; r < _z.Rows; r++)
            {
                SoftmaxRow.Forward(ref _z.DangerousGetReferenceAt(r, 0), ref _a.DangerousGetReferenceAt(r, 0), _z.Columns, path);
            }
        }
    }

    private readonly ref struct BackwardVisitor<T>(ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ, KernelPath path) : IActivationVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _z = z;
        private readonly ReadOnlyMatrixSpan<T> _a = a;
        private readonly ReadOnlyMatrixSpan<T> _gradA = gradA;
        private readonly MatrixSpan<T> _gradZ = gradZ;

        public void Visit<TOperator>(T parameter)
            where TOperator : struct, IActivationOperator<T> => Backward<T, TOperator>(_z, _a, _gradA, _gradZ, parameter, path);

        public void VisitSoftmax()
        {
            for (var r = 0; r < _a.Rows; r++)
            {
                SoftmaxRow.Backward(
                    ref _a.DangerousGetReferenceAt(r, 0), ref _gradA.DangerousGetReferenceAt(r, 0), ref _gradZ.DangerousGetReferenceAt(r, 0), _a.Columns, path);
            }
        }
    }
}
