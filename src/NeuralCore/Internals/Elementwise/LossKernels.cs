using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Runs a <see cref="Loss"/> (and output activation), as <see cref="LossDispatch"/> maps it to its term, over the
/// views: element-wise terms through <see cref="LossKernel{T, TTerm}"/> (contiguous views as one span, strided views
/// row by row), the row-wise forms row by row. Shapes and class ids were validated at the public edge.
/// </summary>
internal static class LossKernels
{
    /// <summary>The summed loss (not yet divided by m); writes the gradient when <paramref name="gradient"/> is not empty.</summary>
    public static double Evaluate<T>(Loss loss, ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradient, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var visitor = new EvaluateVisitor<T>(prediction, target, gradient, path);
        LossDispatch.Dispatch<T, EvaluateVisitor<T>>(loss, ref visitor);
        return visitor.Result;
    }

    /// <summary>The summed loss through the output activation, and ∂L/∂Z (see <see cref="Losses.EvaluateWithOutputGradient{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double EvaluateFused<T>(
        Loss loss, Activation activation, ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradZ, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var visitor = new FusedVisitor<T>(loss, activation, z, a, target, gradZ, path);
        LossDispatch.DispatchFused<T, FusedVisitor<T>>(loss, activation, ref visitor);
        return visitor.Result;
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
    private static double Run<T, TTerm>(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradient, T parameter, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTerm : ILossTerm<T>
    {
        var m = T.CreateTruncating(x.Rows);
        var write = !gradient.IsEmpty;
        if (x.IsContiguous && a.IsContiguous && target.IsContiguous && (!write || gradient.IsContiguous))
        {
            var kernel = new LossKernel<T, TTerm>(
                ref x.DangerousGetReference(), ref a.DangerousGetReference(), ref target.DangerousGetReference(),
                ref write ? ref gradient.DangerousGetReference() : ref Unsafe.NullRef<T>(), m, parameter);
            ElementwiseDriver.Run<T, LossKernel<T, TTerm>>(ref kernel, (nint)x.Length, path);
            return kernel.Result;
        }

        var total = 0.0;
        for (var r = 0; r < x.Rows; r++)
        {
            var kernel = new LossKernel<T, TTerm>(
                ref x.DangerousGetReferenceAt(r, 0), ref a.DangerousGetReferenceAt(r, 0), ref target.DangerousGetReferenceAt(r, 0),
                ref write ? ref gradient.DangerousGetReferenceAt(r, 0) : ref Unsafe.NullRef<T>(), m, parameter);
            ElementwiseDriver.Run<T, LossKernel<T, TTerm>>(ref kernel, x.Columns, path);
            total += kernel.Result;
        }

        return total;
    }

    private ref struct EvaluateVisitor<T>(ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradient, KernelPath path) : ILossVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _prediction = prediction;
        private readonly ReadOnlyMatrixSpan<T> _target = target;
        private readonly MatrixSpan<T> _gradient = gradient;

        public double Result { get; private set; }

        public void Visit<TTerm>(T parameter)
            where TTerm : ILossTerm<T> => Result = Run<T, TTerm>(_prediction, _prediction, _target, _gradient, parameter, path);

        public void VisitSparseCrossEntropy() => Result = SparseCrossEntropyKernels.Evaluate(_prediction, _target, _gradient);
    }

    private ref struct FusedVisitor<T>(
        Loss loss, Activation activation, ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> target, MatrixSpan<T> gradZ, KernelPath path) : IFusedLossVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _z = z;
        private readonly ReadOnlyMatrixSpan<T> _a = a;
        private readonly ReadOnlyMatrixSpan<T> _target = target;
        private readonly MatrixSpan<T> _gradZ = gradZ;

        public double Result { get; private set; }

        public void VisitElementwise<TTerm>()
            where TTerm : ILossTerm<T> => Result = Run<T, TTerm>(_z, _a, _target, _gradZ, T.Zero, path);

        public void VisitSoftmaxCrossEntropy() => Result = SoftmaxCrossEntropy(_z, _a, _target, _gradZ, path);

        public void VisitSoftmaxSparseCrossEntropy() => Result = SparseCrossEntropyKernels.EvaluateSoftmax(_z, _a, _target, _gradZ, path);

        public void VisitComposed()
        {
            Result = Evaluate(loss, _a, _target, _gradZ, path);
            ActivationKernels.Backward(activation, _z, _a, _gradZ, _gradZ, path);
        }
    }
}
