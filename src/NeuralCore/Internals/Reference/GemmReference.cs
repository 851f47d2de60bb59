using System.Numerics;

namespace NeuralCore.Internals.Reference;

/// <summary>
/// The scalar reference GEMM, written straight from the definition <c>C_ij = α·Σ_k op(A)_ik·op(B)_kj + β·C_ij</c>.
/// It is the oracle the fast kernels are tested against and the baseline the benchmarks divide by; it is not tuned.
/// </summary>
internal static class GemmReference
{
    public static void Multiply<T>(ReadOnlyMatrixSpan<T> a, MatrixOp opA, ReadOnlyMatrixSpan<T> b, MatrixOp opB, T alpha, T beta, MatrixSpan<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var k = opA == MatrixOp.None ? a.Columns : a.Rows;
        for (var i = 0; i < c.Rows; i++)
        {
            for (var j = 0; j < c.Columns; j++)
            {
                var sum = T.Zero;
                for (var p = 0; p < k; p++)
                {
                    sum += ElementA(a, opA, i, p) * ElementB(b, opB, p, j);
                }

                // β = 0 must not read C (BLAS semantics: C may hold NaN or garbage).
                c[i, j] = beta == T.Zero ? alpha * sum : (alpha * sum) + (beta * c[i, j]);
            }
        }
    }

    public static void MultiplyBiasActivate<T>(
        ReadOnlyMatrixSpan<T> a, MatrixOp opA, ReadOnlyMatrixSpan<T> b, MatrixOp opB, ReadOnlySpan<T> bias, BiasAlong biasAlong, Activation activation,
        MatrixSpan<T> preActivation, MatrixSpan<T> output, bool storeZ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var z = storeZ ? preActivation : output;
        Multiply(a, opA, b, opB, T.One, T.Zero, z);
        for (var i = 0; i < z.Rows; i++)
        {
            var row = z.GetRowSpan(i);
            for (var j = 0; j < row.Length; j++)
            {
                row[j] += biasAlong == BiasAlong.Rows ? bias[i] : bias[j];
            }
        }

        ActivationsReference.Forward(activation, z, output);
    }

    private static T ElementA<T>(ReadOnlyMatrixSpan<T> a, MatrixOp op, int i, int p) => op == MatrixOp.None ? a[i, p] : a[p, i];

    private static T ElementB<T>(ReadOnlyMatrixSpan<T> b, MatrixOp op, int p, int j) => op == MatrixOp.None ? b[p, j] : b[j, p];
}
