using System.Numerics;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>Huber on every path: the definition at and around |d| = δ, and its quadratic part as our MSE.</summary>
[Trait("Category", "Kernels")]
public sealed class HuberLossTests
{
    public static TheoryData<KernelPath> AllPaths => [.. Kernels.Available];

    private static readonly double[] Deltas = [1, 0.4, 2.5];

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void IsHalfTheSquareWithinDelta_AndTheTangentLineBeyond(KernelPath path)
    {
        foreach (var delta in Deltas)
        {
            foreach (var length in new[] { 1, 7, 16, 37, 64, 100 })
            {
                Check<float>(path, delta, length);
                Check<double>(path, delta, length);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void WithinDelta_IsOurMeanSquaredError(KernelPath path)
    {
        foreach (var delta in Deltas)
        {
            foreach (var n in Lengths.Where(n => n < 1000))
            {
                var rows = (n % 3) + 1;
                var p = Random<double>(rows * n, -delta / 2, delta / 2, seed: n);
                var y = Random<double>(rows * n, -delta / 2, delta / 2, seed: n + 1);
                var (huber, huberGradient) = Evaluate(Loss.CreateHuber(delta), p, y, rows, n, path);
                var (mse, mseGradient) = Evaluate(Loss.MeanSquaredError, p, y, rows, n, path);
                Assert.Equal(mse, huber);
                AssertIdentical<double>(mseGradient, huberGradient, $"Huber δ={delta} within δ, {rows}×{n} on {path}");
            }
        }
    }

    [Fact]
    public void Delta_MustBeFiniteAndPositive()
    {
        foreach (var bad in new[] { 0.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Loss.CreateHuber(bad));
            Assert.Equal("delta", ex.ParamName);
            Assert.Contains("huber's delta must be finite and > 0", ex.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// One row of differences d = x − 0 chosen at the edges: 0, ±δ/2, exactly ±δ, one ulp inside and outside ±δ, ±2δ,
    /// ±10δ, then seeded ones in ±4δ; δ itself rounded to T as the kernel sees it.
    /// </summary>
    private static void Check<T>(KernelPath path, double delta, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = T.CreateTruncating(delta);
        T[] edges = [T.Zero, d / T.CreateTruncating(2), -d / T.CreateTruncating(2), d, -d, T.BitDecrement(d), -T.BitDecrement(d), T.BitIncrement(d), -T.BitIncrement(d),
            d * T.CreateTruncating(2), -d * T.CreateTruncating(2), d * T.CreateTruncating(10), -d * T.CreateTruncating(10)];
        var x = edges.Concat(Random<T>(Math.Max(0, length - edges.Length), -4 * delta, 4 * delta, seed: length)).Take(length).ToArray();
        var y = new T[length];
        var (value, gradient) = Evaluate(Loss.CreateHuber(delta), x, y, 1, length, path);

        var expected = 0.0;
        var magnitudes = 0.0;
        var dd = double.CreateTruncating(d);
        for (var i = 0; i < length; i++)
        {
            var di = double.CreateTruncating(x[i]);
            var term = Math.Abs(di) <= dd ? 0.5 * di * di : dd * (Math.Abs(di) - (0.5 * dd));
            expected += term;
            magnitudes += Math.Abs(term);

            // The gradient is d itself within δ (one row: m = 1) and exactly ±δ on and beyond it.
            var clipped = Math.Abs(di) <= dd ? x[i] : T.CopySign(d, x[i]);
            if (!gradient[i].Equals(clipped))
            {
                Assert.Fail($"Huber δ={delta} {typeof(T).Name} gradient at d = {x[i]:R} on {path}: {gradient[i]:R}, expected {clipped:R}");
            }
        }

        // Each term is a few roundings in T of numbers up to itself (d², δ·|d|): 4ε of the sum of magnitudes.
        var epsilon = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        AssertClose(T.CreateTruncating(expected), value, 1, 4 * epsilon * magnitudes, $"Huber δ={delta} {typeof(T).Name} value, n={length} on {path}");

        // At |d| = δ both parts give ½δ², which a missing ½ or a wrong line would not.
        var (boundary, _) = Evaluate(Loss.CreateHuber(delta), [d, -d], [T.Zero, T.Zero], 1, 2, path);
        AssertClose(T.CreateTruncating(dd * dd), boundary, 2, 0, $"Huber δ={delta} {typeof(T).Name} at |d| = δ on {path}");
    }

    private static (T Value, T[] Gradient) Evaluate<T>(Loss loss, T[] p, T[] y, int rows, int columns, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gradient = new T[p.Length];
        var value = Losses.Evaluate(loss, new ReadOnlyMatrixSpan<T>(p, rows, columns), new ReadOnlyMatrixSpan<T>(y, rows, columns), new MatrixSpan<T>(gradient, rows, columns), ComputeOptions.For(path));
        return (value, gradient);
    }
}
