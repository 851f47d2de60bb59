using System.Numerics;

namespace NeuralCore.Tests.Gemm;

/// <summary><see cref="NeuralCore.Gemm.Multiply{T}(ReadOnlyMatrixSpan{T}, MatrixOp, ReadOnlyMatrixSpan{T}, MatrixOp, T, T, MatrixSpan{T}, ComputeOptions)"/> against the double-accumulated oracle on every path.</summary>
[Trait("Category", "Kernels")]
public sealed class GemmMultiplyTests
{
    private static readonly int[] Sizes = [0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 257];

    public static TheoryData<KernelPath> Paths => [.. Kernels.Available];

    /// <summary>Every size on each axis with the other two small, plus a seeded sample of mixed triples.</summary>
    public static IEnumerable<(int M, int N, int K)> Shapes()
    {
        foreach (var s in Sizes)
        {
            yield return (s, 5, 3);
            yield return (9, s, 4);
            yield return (6, 11, s);
        }

        var random = new Random(20251123);
        for (var i = 0; i < 16; i++)
        {
            yield return (Sizes[random.Next(Sizes.Length)], Sizes[random.Next(Sizes.Length)], Sizes[random.Next(Sizes.Length)] % 130);
        }

        // The feature-major tiny layers (C' = W·X') and the batch-major ones (C = X·W) of the 2-4-6-6-4-1 net.
        yield return (4, 900, 2);
        yield return (6, 900, 4);
        yield return (1, 900, 4);
        yield return (900, 4, 2);
        yield return (900, 1, 4);
        yield return (900, 8, 8);

        // More than one K block (512) and row block (240), with tails on every axis.
        yield return (250, 70, 600);

        // One-vector panels (N ≤ 16 floats or 8 doubles) on 16-row tiles (TallMicroKernel) and their 8-row rest: full and
        // partial vectors, exact multiples of 16 rows and not, and a second K block that reads C back.
        yield return (16, 16, 9);
        yield return (32, 1, 5);
        yield return (47, 8, 600);
        yield return (241, 10, 33);
        yield return (241, 8, 33);

        // K = 0 with B rows 4 KB apart (a packed B, were there anything to pack): C = β·C only.
        yield return (64, 1024, 0);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Float_matches_oracle_for_all_shapes_and_transposes(KernelPath path) => Sweep<float>(path);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Double_matches_oracle_for_all_shapes_and_transposes(KernelPath path) => Sweep<double>(path);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Alpha_and_beta_scale_product_and_existing_C(KernelPath path)
    {
        var random = new Random(7);
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-0.5, 0.0), (1.5, 0.75), (0.0, -2.0), (2.0, 1.0) })
        {
            foreach (var (m, n, k) in new[] { (17, 33, 9), (8, 32, 300), (5, 3, 2), (65, 17, 31), (47, 16, 600) })
            {
                Check<float>(path, m, n, k, MatrixOp.None, MatrixOp.Transpose, alpha, beta, random);
                Check<double>(path, m, n, k, MatrixOp.Transpose, MatrixOp.None, alpha, beta, random);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Beta_zero_does_not_read_C(KernelPath path)
    {
        foreach (var (m, n, k) in new[] { (9, 40, 5), (3, 3, 0), (20, 7, 300) })
        {
            var a = new GuardedMatrix<float>(m, k, 0, 0);
            var b = new GuardedMatrix<float>(k, n, 0, 0);
            a.Fill(1);
            b.Fill(2);
            var c = new GuardedMatrix<float>(m, n, 3, -7);
            c.Fill(float.NaN);
            NeuralCore.Gemm.Multiply(a.View, MatrixOp.None, b.View, MatrixOp.None, 1f, 0f, c.View, ComputeOptions.For(path));
            Assert.All(c.Snapshot(), v => Assert.Equal(2f * k, v));
            c.AssertGuardIntact();
        }
    }

    private static void Sweep<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(42);
        foreach (var (m, n, k) in Shapes())
        {
            foreach (var opA in new[] { MatrixOp.None, MatrixOp.Transpose })
            {
                foreach (var opB in new[] { MatrixOp.None, MatrixOp.Transpose })
                {
                    Check<T>(path, m, n, k, opA, opB, 1.0, 0.0, random);
                }
            }
        }
    }

    internal static void Check<T>(KernelPath path, int m, int n, int k, MatrixOp opA, MatrixOp opB, double alpha, double beta, Random random, int maxThreads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Inputs are strided sub-views with NaN in the padding and around them: reading outside a view shows up as NaN.
        var a = opA == MatrixOp.None ? new GuardedMatrix<T>(m, k, random.Next(0, 5), T.NaN) : new GuardedMatrix<T>(k, m, random.Next(0, 5), T.NaN);
        var b = opB == MatrixOp.None ? new GuardedMatrix<T>(k, n, random.Next(0, 5), T.NaN) : new GuardedMatrix<T>(n, k, random.Next(0, 5), T.NaN);
        var c = new GuardedMatrix<T>(m, n, random.Next(0, 5), T.CreateTruncating(-12345.5));
        a.FillRandom(random);
        b.FillRandom(random);
        if (beta == 0)
        {
            c.Fill(T.NaN);
        }
        else
        {
            c.FillRandom(random, 4);
        }

        var c0 = c.Snapshot();
        var (sum, magnitude) = GemmOracle.Product(a, opA, b, opB, m, n, k);
        NeuralCore.Gemm.Multiply(a.View, opA, b.View, opB, T.CreateTruncating(alpha), T.CreateTruncating(beta), c.View, new ComputeOptions(path, maxThreads));

        var actual = c.Snapshot();
        for (var i = 0; i < actual.Length; i++)
        {
            var betaC = beta == 0 ? 0 : beta * double.CreateTruncating(c0[i]);
            var expected = (alpha * sum[i]) + betaC;
            var tolerance = GemmOracle.Tolerance<T>(k, Math.Abs(alpha) * magnitude[i], betaC);
            var error = Math.Abs(double.CreateTruncating(actual[i]) - expected);
            if (!(error <= tolerance))
            {
                Assert.Fail($"{path} {typeof(T).Name} M={m} N={n} K={k} {opA}/{opB} α={alpha} β={beta}: C[{i / n},{i % n}] = {actual[i]}, expected {expected} ± {tolerance}.");
            }
        }

        c.AssertGuardIntact();
    }
}
