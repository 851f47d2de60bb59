using System.Numerics;

namespace NeuralCore.Tests.Gemm;

/// <summary>The exact-ish GEMM: the same inputs accumulated in double, plus the error bound each element may show.</summary>
internal static class GemmOracle
{
    public static double Epsilon<T>()
        where T : IFloatingPointIeee754<T> => typeof(T) == typeof(double) ? Math.Pow(2, -52) : Math.Pow(2, -23); // unit roundoff ×2 (T.Epsilon is the smallest subnormal, not this)

    public static T OpA<T>(GuardedMatrix<T> a, MatrixOp op, int i, int k)
        where T : unmanaged, IFloatingPointIeee754<T> => op == MatrixOp.None ? a[i, k] : a[k, i];

    public static T OpB<T>(GuardedMatrix<T> b, MatrixOp op, int k, int j)
        where T : unmanaged, IFloatingPointIeee754<T> => op == MatrixOp.None ? b[k, j] : b[j, k];

    /// <summary>
    /// Σ_k op(A)_ik·op(B)_kj in double, and Σ_k |op(A)_ik·op(B)_kj|, the magnitude the rounding error scales with.
    /// </summary>
    public static (double[] Sum, double[] Magnitude) Product<T>(GuardedMatrix<T> a, MatrixOp opA, GuardedMatrix<T> b, MatrixOp opB, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = new double[m * n];
        var magnitude = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double s = 0, g = 0;
                for (var p = 0; p < k; p++)
                {
                    var term = double.CreateTruncating(OpA(a, opA, i, p)) * double.CreateTruncating(OpB(b, opB, p, j));
                    s += term;
                    g += Math.Abs(term);
                }

                sum[(i * n) + j] = s;
                magnitude[(i * n) + j] = g;
            }
        }

        return (sum, magnitude);
    }

    /// <summary>
    /// The tolerance for one element: a dot product of K terms evaluated in T, in any order and with or without
    /// FMA, is within γ(K)·Σ|terms| of the exact value, γ(K) ≈ K·ε (Higham, Accuracy and Stability, §3.1); the
    /// α scale, the β·C term and a split into K blocks (one more rounding each) add a few ε. So
    /// (K + 4)·ε·(|α|·Σ|a·b| + |β·c|), doubled because the double oracle is itself rounded when T is double.
    /// The absolute term covers K = 0 and exact zeros. A wrong or missing term errs by about |a·b|, far above this.
    /// </summary>
    public static double Tolerance<T>(int k, double alphaMagnitude, double betaC)
        where T : IFloatingPointIeee754<T> => (2.0 * (k + 4) * Epsilon<T>() * (alphaMagnitude + Math.Abs(betaC))) + 1e-300;
}
