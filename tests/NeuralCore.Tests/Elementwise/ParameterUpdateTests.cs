using System.Numerics;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>Optimizer updates on every fast path, against the scalar reference.</summary>
[Trait("Category", "Kernels")]
public sealed class ParameterUpdateTests
{
    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void Sgd_MatchesReference_BitForBit(KernelPath path)
    {
        foreach (var n in Lengths)
        {
            CheckSgd<float>(path, n);
            CheckSgd<double>(path, n);
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void Momentum_MatchesReference_BitForBit_WithAndWithoutNesterov(KernelPath path)
    {
        foreach (var n in Lengths)
        {
            CheckMomentum<float>(path, n, nesterov: false);
            CheckMomentum<float>(path, n, nesterov: true);
            CheckMomentum<double>(path, n, nesterov: true);
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void Adam_MatchesReference(KernelPath path)
    {
        foreach (var n in Lengths)
        {
            foreach (var step in new[] { 1, 2, 100 })
            {
                CheckAdam<float>(path, n, step);
                CheckAdam<double>(path, n, step);
            }
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void RmsProp_MatchesReference_BitForBit_WithAndWithoutWeightDecay(KernelPath path)
    {
        foreach (var n in Lengths)
        {
            CheckRmsProp<float>(path, n, weightDecay: 0);
            CheckRmsProp<float>(path, n, weightDecay: 1e-2);
            CheckRmsProp<double>(path, n, weightDecay: 1e-2);
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void AdamW_MatchesReference(KernelPath path)
    {
        foreach (var n in Lengths)
        {
            foreach (var step in new[] { 1, 2, 100 })
            {
                CheckAdamW<float>(path, n, step);
                CheckAdamW<double>(path, n, step);
            }
        }
    }

    private static void CheckSgd<T>(KernelPath path, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var expected = Random<T>(n, -1, 1, seed: n);
        var actual = (T[])expected.Clone();
        var gradient = Random<T>(n, -1, 1, seed: n + 1);
        var (learningRate, decay) = (T.CreateTruncating(0.05), T.CreateTruncating(1e-3));
        for (var step = 0; step < 3; step++)
        {
            ParameterUpdates.Sgd<T>(expected, gradient, learningRate, decay, ComputeOptions.For(KernelPath.Reference));
            ParameterUpdates.Sgd<T>(actual, gradient, learningRate, decay, ComputeOptions.For(path));
        }

        AssertIdentical<T>(expected, actual, $"SGD {typeof(T).Name} n={n}");
    }

    private static void CheckMomentum<T>(KernelPath path, int n, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var expected = Random<T>(n, -1, 1, seed: n);
        var actual = (T[])expected.Clone();
        var gradient = Random<T>(n, -1, 1, seed: n + 1);
        var expectedVelocity = new T[n];
        var actualVelocity = new T[n];
        var (learningRate, momentum, decay) = (T.CreateTruncating(0.05), T.CreateTruncating(0.9), T.CreateTruncating(1e-3));
        for (var step = 0; step < 3; step++)
        {
            ParameterUpdates.Momentum<T>(expected, gradient, expectedVelocity, learningRate, momentum, nesterov, decay, ComputeOptions.For(KernelPath.Reference));
            ParameterUpdates.Momentum<T>(actual, gradient, actualVelocity, learningRate, momentum, nesterov, decay, ComputeOptions.For(path));
        }

        AssertIdentical<T>(expected, actual, $"momentum {typeof(T).Name} n={n} nesterov={nesterov}");
        AssertIdentical<T>(expectedVelocity, actualVelocity, $"velocity {typeof(T).Name} n={n}");
    }

    private static void CheckAdam<T>(KernelPath path, int n, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var start = Random<T>(n, -1, 1, seed: n);
        var expected = (T[])start.Clone();
        var actual = (T[])start.Clone();
        var gradient = Random<T>(n, -1, 1, seed: n + 1);
        var expectedFirst = Random<T>(n, -0.1, 0.1, seed: n + 2);
        var actualFirst = (T[])expectedFirst.Clone();
        var expectedSecond = Random<T>(n, 0, 0.01, seed: n + 3);
        var actualSecond = (T[])expectedSecond.Clone();
        var (learningRate, beta1, beta2, epsilon, decay) =
            (T.CreateTruncating(1e-3), T.CreateTruncating(0.9), T.CreateTruncating(0.999), T.CreateTruncating(1e-8), T.CreateTruncating(1e-2));
        ParameterUpdates.Adam<T>(expected, gradient, expectedFirst, expectedSecond, learningRate, beta1, beta2, epsilon, step, decay, ComputeOptions.For(KernelPath.Reference));
        ParameterUpdates.Adam<T>(actual, gradient, actualFirst, actualSecond, learningRate, beta1, beta2, epsilon, step, decay, ComputeOptions.For(path));

        // The moments are the reference's operations in its order: bit for bit. The update is arranged as PyTorch
        // does (lr/c₁ and √v/√c₂ instead of m/c₁ and √(v/c₂)): about six roundings move, so the update agrees to 8ε
        // of itself, and subtracting it from p adds half an ulp of p.
        AssertIdentical<T>(expectedFirst, actualFirst, $"Adam m {typeof(T).Name} n={n}");
        AssertIdentical<T>(expectedSecond, actualSecond, $"Adam v {typeof(T).Name} n={n}");
        var eps = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        for (var i = 0; i < n; i++)
        {
            var update = Math.Abs(double.CreateTruncating(start[i] - expected[i]));
            AssertClose(expected[i], actual[i], 1, 8 * eps * update, $"Adam p {typeof(T).Name} n={n} t={step}", i);
        }
    }

    private static void CheckRmsProp<T>(KernelPath path, int n, double weightDecay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var expected = Random<T>(n, -1, 1, seed: n);
        var actual = (T[])expected.Clone();
        var gradient = Random<T>(n, -1, 1, seed: n + 1);
        var expectedAverage = Random<T>(n, 0, 0.01, seed: n + 2);
        var actualAverage = (T[])expectedAverage.Clone();
        var (learningRate, alpha, epsilon, decay) = (T.CreateTruncating(0.01), T.CreateTruncating(0.9), T.CreateTruncating(1e-8), T.CreateTruncating(weightDecay));
        for (var step = 0; step < 3; step++)
        {
            ParameterUpdates.RmsProp<T>(expected, gradient, expectedAverage, learningRate, alpha, epsilon, decay, ComputeOptions.For(KernelPath.Reference));
            ParameterUpdates.RmsProp<T>(actual, gradient, actualAverage, learningRate, alpha, epsilon, decay, ComputeOptions.For(path));
        }

        AssertIdentical<T>(expected, actual, $"RMSprop p {typeof(T).Name} n={n} λ={weightDecay}");
        AssertIdentical<T>(expectedAverage, actualAverage, $"RMSprop v {typeof(T).Name} n={n} λ={weightDecay}");
    }

    private static void CheckAdamW<T>(KernelPath path, int n, int step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var start = Random<T>(n, -1, 1, seed: n);
        var expected = (T[])start.Clone();
        var actual = (T[])start.Clone();
        var gradient = Random<T>(n, -1, 1, seed: n + 1);
        var expectedFirst = Random<T>(n, -0.1, 0.1, seed: n + 2);
        var actualFirst = (T[])expectedFirst.Clone();
        var expectedSecond = Random<T>(n, 0, 0.01, seed: n + 3);
        var actualSecond = (T[])expectedSecond.Clone();

        // A decay large enough (η·λ = 0.05) that using it as L2, or not at all, moves p far beyond the tolerance.
        var (learningRate, beta1, beta2, epsilon, decay) =
            (T.CreateTruncating(1e-3), T.CreateTruncating(0.9), T.CreateTruncating(0.999), T.CreateTruncating(1e-8), T.CreateTruncating(50));
        ParameterUpdates.AdamW<T>(expected, gradient, expectedFirst, expectedSecond, learningRate, beta1, beta2, epsilon, step, decay, ComputeOptions.For(KernelPath.Reference));
        ParameterUpdates.AdamW<T>(actual, gradient, actualFirst, actualSecond, learningRate, beta1, beta2, epsilon, step, decay, ComputeOptions.For(path));

        // As for Adam: the moments bit for bit, the step to 8ε of itself; the decay p·(1 − η·λ) is the same
        // operation on both sides, so the step is measured from the decayed p.
        AssertIdentical<T>(expectedFirst, actualFirst, $"AdamW m {typeof(T).Name} n={n}");
        AssertIdentical<T>(expectedSecond, actualSecond, $"AdamW v {typeof(T).Name} n={n}");
        var eps = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        var factor = T.One - (learningRate * decay);
        for (var i = 0; i < n; i++)
        {
            var update = Math.Abs(double.CreateTruncating((start[i] * factor) - expected[i]));
            AssertClose(expected[i], actual[i], 1, 8 * eps * update, $"AdamW p {typeof(T).Name} n={n} t={step}", i);
        }
    }
}
