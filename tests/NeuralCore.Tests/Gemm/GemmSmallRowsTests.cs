using System.Numerics;
using NeuralCore.Internals.Gemm;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Tests.Gemm;

/// <summary>
/// The few-rows path (M ≤ <see cref="SmallRows{T, TVector, TSimd}.MaxRows"/>: single-sample inference) against the
/// double-accumulated oracle, on every path, around its strips (16 vectors for one row, 8 or 6 for more), its
/// masked or scalar column tails, the dot kernel's K tails, and one row past the threshold (the tile path).
/// </summary>
[Trait("Category", "Kernels")]
public sealed class GemmSmallRowsTests
{
    private static readonly int[] Sizes = [0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 257];

    private static readonly MatrixOp[] Ops = [MatrixOp.None, MatrixOp.Transpose];

    private const int Threshold = SmallRows<float, float, SimdScalar<float>>.MaxRows;

    /// <summary>
    /// Every row count of one register tile, every group size of a taller product (2 + 3 at M = 5, 3, 4), whole
    /// groups, the threshold, and one past it (the tile path).
    /// </summary>
    private static readonly int[] RowCounts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, Threshold, Threshold + 1];

    public static TheoryData<KernelPath> Paths => [.. Kernels.Available];

    public static TheoryData<KernelPath> FastPaths => [.. Kernels.Available.Where(p => p != KernelPath.Reference)];

    /// <summary>Every size on N with K fixed and on K with N fixed, more than one strip, and a seeded sample of pairs.</summary>
    private static IEnumerable<(int N, int K)> Shapes(int m)
    {
        foreach (var s in Sizes)
        {
            yield return (s, 37);
            yield return (45, s);
        }

        // Several one-row strips of 256 floats (or 128 doubles) plus tails of 1, 44 and 9 … 15 vectors.
        yield return (300, 5);
        yield return (513, 3);
        yield return (480, 2);
        var random = new Random(1000 + m);
        for (var i = 0; i < 10; i++)
        {
            yield return (Sizes[random.Next(Sizes.Length)], Sizes[random.Next(Sizes.Length)]);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Float_matches_oracle_for_few_rows_all_transposes(KernelPath path)
    {
        using var grouped = new GroupedAtAnySize();
        Sweep<float>(path);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Double_matches_oracle_for_few_rows_all_transposes(KernelPath path)
    {
        using var grouped = new GroupedAtAnySize();
        Sweep<double>(path);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Alpha_and_beta_scale_product_and_existing_C(KernelPath path)
    {
        using var grouped = new GroupedAtAnySize();
        var random = new Random(17);
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-0.5, 0.0), (1.5, 0.75), (0.0, -2.0), (2.0, 1.0) })
        {
            foreach (var m in RowCounts)
            {
                foreach (var (n, k) in new[] { (33, 9), (257, 31), (5, 2), (17, 0), (7, 2100) })
                {
                    var opA = Ops[random.Next(2)];
                    var opB = Ops[random.Next(2)];
                    GemmMultiplyTests.Check<float>(path, m, n, k, opA, opB, alpha, beta, random);
                    GemmMultiplyTests.Check<double>(path, m, n, k, opA, opB, alpha, beta, random);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Fused_epilogue_matches_reference_for_every_activation(KernelPath path)
    {
        using var grouped = new GroupedAtAnySize();
        var random = new Random(23);
        foreach (var activation in TestActivations.All)
        {
            foreach (var m in RowCounts)
            {
                foreach (var (n, k) in new[] { (10, 128), (257, 20), (33, 7), (1, 1), (40, 0) })
                {
                    foreach (var storeZ in new[] { true, false })
                    {
                        var along = random.Next(2) == 0 ? BiasAlong.Columns : BiasAlong.Rows;
                        var opA = Ops[random.Next(2)];
                        var opB = Ops[random.Next(2)];
                        GemmEpilogueTests.Check<float>(path, activation, m, n, k, opA, opB, storeZ, along, random, 1);
                        GemmEpilogueTests.Check<double>(path, activation, m, n, k, opA, opB, storeZ, along, random, 1);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Threaded_few_rows_are_bit_identical_to_single_threaded(KernelPath path)
    {
        using var grouped = new GroupedAtAnySize();
        // op(B) of 784 × 257 floats (≈ 800 KB) is past the few-rows threading threshold; tails on N and K.
        foreach (var (m, opA, opB) in new[] { (1, MatrixOp.None, MatrixOp.None), (3, MatrixOp.Transpose, MatrixOp.None), (2, MatrixOp.None, MatrixOp.Transpose), (4, MatrixOp.None, MatrixOp.None), (8, MatrixOp.None, MatrixOp.None), (13, MatrixOp.Transpose, MatrixOp.None) })
        {
            const int n = 257, k = 785;
            GemmThreadingTests.AssertThreadedMatchesSingleThreaded(path, m, n, k, opA, opB, bGuard: 3, runs: 3);
            var random = new Random(m);
            GemmMultiplyTests.Check<float>(path, m, n, k, opA, opB, 0.5, 0.25, random, 2);
        }

        GemmEpilogueTests.Check<float>(path, Activation.Relu, 1, 300, 784, MatrixOp.None, MatrixOp.None, true, BiasAlong.Columns, new Random(8), 2);
    }

    /// <summary>
    /// An op(B) of at least <see cref="SmallRowsKernel.ChunkBytes"/> is summed in K-chunks whose visiting order flips
    /// on every call (so each call starts on what the previous one read last); the partial sums are added in chunk
    /// order, so consecutive calls, which read the chunks in both orders, give the same bits, for every row count and
    /// an odd K, and agree with the oracle.
    /// </summary>
    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Large_op_B_gives_the_same_bits_whichever_order_its_chunks_are_read(KernelPath path)
    {
        using var grouped = new GroupedAtAnySize();
        const int n = 300, k = 791;
        Assert.True((long)k * n * sizeof(float) >= SmallRowsKernel.ChunkBytes);
        var random = new Random(77);
        foreach (var m in RowCounts.Where(m => m <= Threshold))
        {
            var a = new float[m * k];
            var b = new float[k * n];
            for (var i = 0; i < a.Length; i++)
            {
                a[i] = (float)((random.NextDouble() * 2) - 1);
            }

            for (var i = 0; i < b.Length; i++)
            {
                b[i] = (float)((random.NextDouble() * 2) - 1);
            }

            var results = new float[3][];
            for (var call = 0; call < results.Length; call++)
            {
                results[call] = new float[m * n];
                NeuralCore.Gemm.Multiply(new ReadOnlyMatrixSpan<float>(a, m, k), MatrixOp.None, new ReadOnlyMatrixSpan<float>(b, k, n), MatrixOp.None, 1f, 0f, new MatrixSpan<float>(results[call], m, n), new ComputeOptions(path, 1));
            }

            Assert.Equal(results[0], results[1]);
            Assert.Equal(results[0], results[2]);
            GemmMultiplyTests.Check<float>(path, m, n, k, MatrixOp.None, MatrixOp.None, 1.0, 0.0, random);
        }
    }

    /// <summary>
    /// Taller products run as row groups that carry their sums across L1 blocks of op(B), so each row is one FMA chain
    /// per column (per K-chunk) whatever the row count: every row of an M-row product, taken from a strided view of a
    /// larger A into a strided C, has the bits of the same row computed alone — below and above the K-chunk size,
    /// with K tails, on every path.
    /// </summary>
    [Theory]
    [MemberData(nameof(FastPaths))]
    public void A_row_gives_the_same_bits_in_any_product_up_to_the_threshold(KernelPath path)
    {
        using var grouped = new GroupedAtAnySize();
        var random = new Random(91);
        foreach (var (n, k) in new[] { (300, 791), (97, 45), (1024, 67), (33, 1), (1030, 530), (7, 2100), (17, 2100) })
        {
            var b = new float[k * n];
            for (var i = 0; i < b.Length; i++)
            {
                b[i] = (float)((random.NextDouble() * 2) - 1);
            }

            const int aStride = 3, cStride = 5;
            var a = new float[Threshold * (k + aStride)];
            for (var i = 0; i < a.Length; i++)
            {
                a[i] = (float)((random.NextDouble() * 2) - 1);
            }

            var single = new float[Threshold * n];
            for (var r = 0; r < Threshold; r++)
            {
                NeuralCore.Gemm.Multiply(new ReadOnlyMatrixSpan<float>(a.AsSpan(r * (k + aStride), k), 1, k), MatrixOp.None, new ReadOnlyMatrixSpan<float>(b, k, n), MatrixOp.None, 1f, 0f, new MatrixSpan<float>(single.AsSpan(r * n, n), 1, n), new ComputeOptions(path, 1));
            }

            foreach (var m in RowCounts.Where(m => m <= Threshold))
            {
                var c = new float[m * (n + cStride)];
                NeuralCore.Gemm.Multiply(new ReadOnlyMatrixSpan<float>(a, m, k, k + aStride), MatrixOp.None, new ReadOnlyMatrixSpan<float>(b, k, n), MatrixOp.None, 1f, 0f, new MatrixSpan<float>(c, m, n, n + cStride), new ComputeOptions(path, 2));
                for (var r = 0; r < m; r++)
                {
                    Assert.True(single.AsSpan(r * n, n).SequenceEqual(c.AsSpan(r * (n + cStride), n)), $"M = {m}, row {r}, N = {n}, K = {k}: not the bits of the row alone.");
                }
            }
        }
    }

    private static void Sweep<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(42);
        foreach (var m in RowCounts)
        {
            foreach (var (n, k) in Shapes(m))
            {
                foreach (var opA in Ops)
                {
                    foreach (var opB in Ops)
                    {
                        GemmMultiplyTests.Check<T>(path, m, n, k, opA, opB, 1.0, 0.0, random);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Products of 5 … 16 rows take the few-rows path at these small sizes too, on this thread (where each test body
    /// runs, and where the executor decides the path), until disposed.
    /// </summary>
    private readonly ref struct GroupedAtAnySize
    {
        public GroupedAtAnySize() => SmallRowsKernel.GroupedAnySize = true;

        public void Dispose() => SmallRowsKernel.GroupedAnySize = false;
    }
}
