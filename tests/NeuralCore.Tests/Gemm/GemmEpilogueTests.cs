using System.Numerics;
using NeuralCore.Internals.Reference;

namespace NeuralCore.Tests.Gemm;

/// <summary>The fused <c>Z = op(A)·op(B) + bias, output = f(Z)</c> against the oracle followed by the reference activation.</summary>
[Trait("Category", "Kernels")]
public sealed class GemmEpilogueTests
{
    public static TheoryData<KernelPath, Activation> PathsAndActivations()
    {
        var data = new TheoryData<KernelPath, Activation>();
        foreach (var path in Kernels.Available)
        {
            foreach (var activation in TestActivations.All)
            {
                data.Add(path, activation);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndActivations))]
    public void Fused_epilogue_matches_reference(KernelPath path, Activation activation)
    {
        var random = new Random(99 + (int)activation.Kind);
        // K = 0: one empty K block still adds the bias and applies f (driver and few-rows paths). 47×16 / 47×8 / 33×7 over
        // two K blocks: 16-row one-vector tiles (float full, double full, partial) reading C back before bias, Z and f.
        foreach (var (m, n, k) in new[] { (1, 1, 1), (9, 37, 5), (17, 4, 3), (4, 900, 6), (900, 6, 4), (8, 32, 600), (33, 65, 17), (1, 3, 0), (9, 37, 0), (300, 40, 0), (47, 16, 600), (47, 8, 600), (33, 7, 600) })
        {
            foreach (var storeZ in new[] { true, false })
            {
                foreach (var along in new[] { BiasAlong.Columns, BiasAlong.Rows })
                {
                    var opA = random.Next(2) == 0 ? MatrixOp.None : MatrixOp.Transpose;
                    var opB = random.Next(2) == 0 ? MatrixOp.None : MatrixOp.Transpose;
                    Check<float>(path, activation, m, n, k, opA, opB, storeZ, along, random, 1);
                    Check<double>(path, activation, m, n, k, opA, opB, storeZ, along, random, 1);
                }
            }
        }
    }

    internal static void Check<T>(KernelPath path, Activation activation, int m, int n, int k, MatrixOp opA, MatrixOp opB, bool storeZ, BiasAlong along, Random random, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = opA == MatrixOp.None ? new GuardedMatrix<T>(m, k, 1, T.NaN) : new GuardedMatrix<T>(k, m, 2, T.NaN);
        var b = opB == MatrixOp.None ? new GuardedMatrix<T>(k, n, 3, T.NaN) : new GuardedMatrix<T>(n, k, 0, T.NaN);
        a.FillRandom(random);
        b.FillRandom(random);
        var bias = new T[along == BiasAlong.Rows ? m : n];
        for (var i = 0; i < bias.Length; i++)
        {
            bias[i] = T.CreateTruncating((random.NextDouble() * 2) - 1);
        }

        var sentinel = T.CreateTruncating(-777.25);
        var z = new GuardedMatrix<T>(m, n, 2, sentinel);
        var output = new GuardedMatrix<T>(m, n, 1, sentinel);
        z.Fill(T.NaN);
        output.Fill(T.NaN);

        NeuralCore.Gemm.MultiplyBiasActivate(a.View, opA, b.View, opB, bias, along, activation, storeZ ? z.View : default, output.View, new ComputeOptions(path, maxThreads));

        var (sum, magnitude) = GemmOracle.Product(a, opA, b, opB, m, n, k);
        var expectedZ = new double[m * n];
        var toleranceZ = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var beta = double.CreateTruncating(bias[along == BiasAlong.Rows ? i : j]);
                expectedZ[(i * n) + j] = sum[(i * n) + j] + beta;

                // The bias add is one more rounding of a value bounded by the magnitude sum plus |bias|.
                toleranceZ[(i * n) + j] = GemmOracle.Tolerance<T>(k, magnitude[(i * n) + j] + Math.Abs(beta), 0);
            }
        }

        var eps = GemmOracle.Epsilon<T>();
        var actual = output.Snapshot();
        var actualZ = z.Snapshot();
        for (var i = 0; i < m; i++)
        {
            // Softmax couples the row: Σ_j |∂s_i/∂z_j| = 2·s_i(1 − s_i) ≤ 1/2, so an error δ in every z moves s_i by ≤ δ/2.
            var rowToleranceZ = 0.0;
            var rowExpected = new double[n];
            for (var j = 0; j < n; j++)
            {
                rowToleranceZ = Math.Max(rowToleranceZ, toleranceZ[(i * n) + j]);
                rowExpected[j] = expectedZ[(i * n) + j];
            }

            if (activation == Activation.Softmax)
            {
                ActivationsReference.SoftmaxRow<double>(rowExpected, rowExpected);
            }
            else
            {
                for (var j = 0; j < n; j++)
                {
                    rowExpected[j] = ActivationsReference.Apply(activation, rowExpected[j]);
                }
            }

            for (var j = 0; j < n; j++)
            {
                var index = (i * n) + j;
                if (storeZ)
                {
                    AssertClose(actualZ[index], expectedZ[index], toleranceZ[index], $"Z[{i},{j}]");
                }

                // Z's error passes through f scaled by at most max|f′| (the kind's MaxSlope in TestActivations); the vector
                // exp behind the transcendental activations adds a few ulp relative (at most 6: TranscendentalAccuracyTests),
                // and 1 − e^−2|z| near 0 a few ulp absolute: 16·ε·(1 + |f|).
                var propagated = TestActivations.Facts(activation.Kind).MaxSlope(activation) * (activation == Activation.Softmax ? rowToleranceZ : toleranceZ[index]);
                var tolerance = propagated + (16 * eps * (1 + Math.Abs(rowExpected[j])));
                AssertClose(actual[index], rowExpected[j], tolerance, $"output[{i},{j}]");
            }
        }

        z.AssertGuardIntact();
        output.AssertGuardIntact();

        void AssertClose(T actualValue, double expected, double tolerance, string what)
        {
            var error = Math.Abs(double.CreateTruncating(actualValue) - expected);
            if (!(error <= tolerance))
            {
                Assert.Fail($"{path} {typeof(T).Name} {activation} M={m} N={n} K={k} {opA}/{opB} Z={storeZ} bias along {along}: {what} = {actualValue}, expected {expected} ± {tolerance}.");
            }
        }
    }
}
