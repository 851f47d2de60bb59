using System.Numerics;
using NeuralCore.Internals.Gemm;

namespace NeuralCore.Tests.Gemm;

/// <summary>
/// Shapes large enough to cross every blocking boundary of <see cref="GemmDriver{T, TVector, TSimd}"/> at once: two
/// column blocks (2 MB of packed B: 1024 floats or 512 doubles wide), two K blocks (512), two row blocks (240 floats or
/// 120 doubles), B rows ≥ 4 KB apart (so even a contiguous B is packed, and the packed panels of the first row block
/// are reused by the second), and tails on every axis. The oracle is computed once per shape and shared by every path.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class GemmBlockingTests
{
    [Theory]
    [InlineData(MatrixOp.None)]
    [InlineData(MatrixOp.Transpose)]
    public void Float_crosses_column_K_and_row_blocks_on_every_path(MatrixOp opB) => Check<float>(248, 1030, 520, opB);

    [Theory]
    [InlineData(MatrixOp.None)]
    [InlineData(MatrixOp.Transpose)]
    public void Double_crosses_column_K_and_row_blocks_on_every_path(MatrixOp opB) => Check<double>(128, 530, 520, opB);

    private static void Check<T>(int m, int n, int k, MatrixOp opB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const double Alpha = 0.75, Beta = 0.5;
        var random = new Random(n);
        var a = new GuardedMatrix<T>(m, k, 3, T.NaN);
        var b = opB == MatrixOp.None ? new GuardedMatrix<T>(k, n, 1, T.NaN) : new GuardedMatrix<T>(n, k, 1, T.NaN);
        a.FillRandom(random);
        b.FillRandom(random);
        var c = new GuardedMatrix<T>(m, n, 2, T.CreateTruncating(-12345.5));
        c.FillRandom(random, 4);
        var c0 = c.Snapshot();
        var (sum, magnitude) = GemmOracle.Product(a, MatrixOp.None, b, opB, m, n, k);

        foreach (var path in Kernels.Available)
        {
            c.Load(c0);
            NeuralCore.Gemm.Multiply(a.View, MatrixOp.None, b.View, opB, T.CreateTruncating(Alpha), T.CreateTruncating(Beta), c.View, new ComputeOptions(path, 1));
            var actual = c.Snapshot();
            for (var i = 0; i < actual.Length; i++)
            {
                // The tolerance of GemmOracle.Tolerance (K-term dot product, α, β·C, K-block splits).
                var betaC = Beta * double.CreateTruncating(c0[i]);
                var expected = (Alpha * sum[i]) + betaC;
                var tolerance = GemmOracle.Tolerance<T>(k, Alpha * magnitude[i], betaC);
                var error = Math.Abs(double.CreateTruncating(actual[i]) - expected);
                if (!(error <= tolerance))
                {
                    Assert.Fail($"{path} {typeof(T).Name} M={m} N={n} K={k} {opB}: C[{i / n},{i % n}] = {actual[i]}, expected {expected} ± {tolerance}.");
                }
            }

            c.AssertGuardIntact();
            if (path == KernelPath.Reference)
            {
                continue;
            }

            // Two threads split the columns; every element must still see the same FMAs in the same order.
            c.Load(c0);
            NeuralCore.Gemm.Multiply(a.View, MatrixOp.None, b.View, opB, T.CreateTruncating(Alpha), T.CreateTruncating(Beta), c.View, new ComputeOptions(path, 2));
            Assert.Equal(actual, c.Snapshot());
            c.AssertGuardIntact();
        }
    }
}
