using NeuralCore.Internals;

namespace NeuralCore;

// Shape and aliasing checks, done once at the public edge; the kernels trust them.
public static partial class Gemm
{
    internal static void Validate<T>(ReadOnlyMatrixSpan<T> a, MatrixOp opA, ReadOnlyMatrixSpan<T> b, MatrixOp opB, MatrixSpan<T> c, string cName)
    {
        var (m, k) = opA == MatrixOp.None ? (a.Rows, a.Columns) : (a.Columns, a.Rows);
        var (kb, n) = opB == MatrixOp.None ? (b.Rows, b.Columns) : (b.Columns, b.Rows);
        if (k != kb)
        {
            ThrowHelper.ThrowArgument(
                nameof(b),
                $"Inner dimensions differ: op(a) is {m}×{k} (a is {a.Shape}, {opA}) but op(b) is {kb}×{n} (b is {b.Shape}, {opB}).");
        }

        if (c.Rows != m || c.Columns != n)
        {
            ThrowHelper.ThrowArgument(
                cName,
                $"{cName} must be {m}×{n} for op(a) {m}×{k} (a is {a.Shape}) times op(b) {kb}×{n} (b is {b.Shape}); got {c.Shape}.");
        }

        ArgumentValidation.Disjoint(a, c, nameof(a), cName);
        ArgumentValidation.Disjoint(b, c, nameof(b), cName);
    }
}
