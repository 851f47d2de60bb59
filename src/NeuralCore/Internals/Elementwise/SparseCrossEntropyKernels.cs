using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Cross-entropy against class ids (targets [m, 1], validated at the public edge), row by row: the one-hot row is
/// never built. Each element is computed by the same operations as <see cref="CrossEntropyTerm{T}"/> and
/// <see cref="SoftmaxCrossEntropyTerm{T}"/> do for a target of 1, so the values and gradients equal cross-entropy's
/// with the one-hot rows (the fused ones bit for bit; on probabilities the zeros away from the id are +0 where
/// cross-entropy's −0/p are −0, and the one log is the scalar one where cross-entropy's vector lanes use the vector log).
/// </summary>
internal static class SparseCrossEntropyKernels
{
    /// <summary>On probabilities: the summed −log max(p_id, ε), and optionally the gradient −1/max(p_id, ε)/m at the id, 0 elsewhere.</summary>
    public static double Evaluate<T>(ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> ids, MatrixSpan<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = T.CreateTruncating(prediction.Rows);
        var write = !gradient.IsEmpty;
        var total = 0.0;
        for (var r = 0; r < prediction.Rows; r++)
        {
            var id = Id(ids, r);

            // Read before the row is cleared: the gradient may be the prediction's own view.
            var p = prediction[r, id];
            total += double.CreateTruncating(CrossEntropyTerm<T>.Value(p, T.One, T.Zero, T.Zero));
            if (write)
            {
                var row = gradient.GetRowSpan(r);
                row.Clear();
                row[id] = CrossEntropyTerm<T>.Gradient(p, p, T.One, T.Zero) / m;
            }
        }

        return total;
    }

    /// <summary>
    /// Softmax + sparse cross-entropy from the logits: per row −(z_id − max − log Σe^(z−max)), and the gradient
    /// (a − onehot(id))/m.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double EvaluateSoftmax<T>(ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> ids, MatrixSpan<T> gradZ, KernelPath path)
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

            // z and a are read before the gradient pass: gradZ may be either one's memory.
            var id = Id(ids, r);
            total += double.CreateTruncating(SoftmaxCrossEntropyTerm<T>.Value(z[r, id], T.One, max.Result, T.Log(exp.Result)));
            var hot = a[r, id];
            var scale = new DivideKernel<T>(ref a.DangerousGetReferenceAt(r, 0), ref gradZ.DangerousGetReferenceAt(r, 0), m);
            ElementwiseDriver.Run<T, DivideKernel<T>>(ref scale, z.Columns, path);
            gradZ[r, id] = SoftmaxCrossEntropyTerm<T>.Gradient(hot, hot, T.One, T.Zero) / m;
        }

        return total;
    }

    /// <summary>The id of row <paramref name="row"/>, already checked to be an integer in [0, C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Id<T>(ReadOnlyMatrixSpan<T> ids, int row)
        where T : unmanaged, IFloatingPointIeee754<T> => int.CreateTruncating(ids[row, 0]);

    /// <summary>g_i = a_i / m: the gradient a − 0 away from the id, with the true division of the one-hot kernels.</summary>
    private readonly ref struct DivideKernel<T> : IElementwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ref T _a;
        private readonly ref T _gradient;
        private readonly T _m;

        public DivideKernel(ref T a, ref T gradient, T m)
        {
            _a = ref a;
            _gradient = ref gradient;
            _m = m;
        }

        public void Invoke(nint i) => Unsafe.Add(ref _gradient, i) = Unsafe.Add(ref _a, i) / _m;

        public void Invoke128(nint i) => (Vector128.LoadUnsafe(ref _a, (nuint)i) / _m).StoreUnsafe(ref _gradient, (nuint)i);

        public void Invoke256(nint i) => (Vector256.LoadUnsafe(ref _a, (nuint)i) / _m).StoreUnsafe(ref _gradient, (nuint)i);

        public void Invoke512(nint i) => (Vector512.LoadUnsafe(ref _a, (nuint)i) / _m).StoreUnsafe(ref _gradient, (nuint)i);
    }
}
