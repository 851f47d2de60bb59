namespace NeuralCore.Tests.Gemm;

/// <summary>
/// Multi-threaded products: the partition of C is fixed by the shape and every element is summed in the same order
/// as on one thread, so the result must be bit-identical to the single-threaded one, run after run.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class GemmThreadingTests
{
    public static TheoryData<KernelPath> Paths => [.. Kernels.Available.Where(p => p != KernelPath.Reference)];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Threaded_result_is_bit_identical_to_single_threaded_and_repeatable(KernelPath path)
    {
        // Column split (wide N), row split (narrow N), transposed operands, tails on every axis, > 1 K block.
        foreach (var (m, n, k, opA, opB) in new[]
        {
            (301, 203, 100, MatrixOp.None, MatrixOp.None),
            (1000, 20, 200, MatrixOp.Transpose, MatrixOp.None),
            (130, 250, 530, MatrixOp.None, MatrixOp.Transpose),

            // One-vector panels on 16-row tiles, split by rows, one full and one partial vector, two K blocks.
            (1016, 16, 600, MatrixOp.None, MatrixOp.None),
            (1016, 10, 600, MatrixOp.Transpose, MatrixOp.Transpose),
        })
        {
            AssertThreadedMatchesSingleThreaded(path, m, n, k, opA, opB, bGuard: 1, runs: 4);
        }
    }

    /// <summary>
    /// C = 0.5·op(A)·op(B) + 0.25·C on 2 threads, <paramref name="runs"/> times from the same C, each bit-identical to the
    /// one-thread result, with every guard band (NaN around A and B, −5 around C) untouched.
    /// </summary>
    internal static void AssertThreadedMatchesSingleThreaded(KernelPath path, int m, int n, int k, MatrixOp opA, MatrixOp opB, int bGuard, int runs)
    {
        var random = new Random(m);
        var a = opA == MatrixOp.None ? new GuardedMatrix<float>(m, k, 1, float.NaN) : new GuardedMatrix<float>(k, m, 1, float.NaN);
        var b = opB == MatrixOp.None ? new GuardedMatrix<float>(k, n, bGuard, float.NaN) : new GuardedMatrix<float>(n, k, bGuard, float.NaN);
        a.FillRandom(random);
        b.FillRandom(random);
        var c = new GuardedMatrix<float>(m, n, 1, -5f);
        c.FillRandom(random);
        var c0 = c.Snapshot();

        NeuralCore.Gemm.Multiply(a.View, opA, b.View, opB, 0.5f, 0.25f, c.View, new ComputeOptions(path, 1));
        var single = c.Snapshot();
        for (var run = 0; run < runs; run++)
        {
            c.Load(c0);
            NeuralCore.Gemm.Multiply(a.View, opA, b.View, opB, 0.5f, 0.25f, c.View, new ComputeOptions(path, 2));
            Assert.Equal(single, c.Snapshot());
            c.AssertGuardIntact();
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Threaded_fused_epilogue_matches_reference(KernelPath path)
    {
        var random = new Random(5);
        GemmEpilogueTests.Check<float>(path, Activation.Tanh, 300, 200, 70, MatrixOp.None, MatrixOp.Transpose, true, BiasAlong.Columns, random, 2);
        GemmEpilogueTests.Check<double>(path, Activation.Softmax, 1200, 10, 200, MatrixOp.None, MatrixOp.None, true, BiasAlong.Columns, random, 2);
        GemmEpilogueTests.Check<float>(path, Activation.Relu, 100, 900, 50, MatrixOp.None, MatrixOp.None, false, BiasAlong.Rows, random, 2);
        GemmEpilogueTests.Check<float>(path, Activation.Sigmoid, 1016, 16, 600, MatrixOp.Transpose, MatrixOp.None, true, BiasAlong.Rows, random, 2);
    }

    [Fact]
    public void Concurrent_callers_each_get_the_single_threaded_result()
    {
        // Two user threads asking for 2 threads at once: one gets the pool, the other runs its parts itself.
        const int m = 200, n = 150, k = 120;
        var random = new Random(3);
        var a = new float[m * k];
        var b = new float[k * n];
        foreach (ref var v in a.AsSpan())
        {
            v = (float)random.NextDouble();
        }

        foreach (ref var v in b.AsSpan())
        {
            v = (float)random.NextDouble();
        }

        var expected = new float[m * n];
        NeuralCore.Gemm.Multiply(new ReadOnlyMatrixSpan<float>(a, m, k), new ReadOnlyMatrixSpan<float>(b, k, n), new MatrixSpan<float>(expected, m, n));
        var results = new float[4][];
        Parallel.For(0, 4, t =>
        {
            var c = new float[m * n];
            for (var r = 0; r < 20; r++)
            {
                NeuralCore.Gemm.Multiply(new ReadOnlyMatrixSpan<float>(a, m, k), MatrixOp.None, new ReadOnlyMatrixSpan<float>(b, k, n), MatrixOp.None, 1f, 0f, new MatrixSpan<float>(c, m, n), new ComputeOptions(null, 2));
            }

            results[t] = c;
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
