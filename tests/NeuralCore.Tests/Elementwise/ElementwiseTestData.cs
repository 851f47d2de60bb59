using System.Numerics;

namespace NeuralCore.Tests.Elementwise;

/// <summary>Shared inputs for the element-wise kernel tests: paths, lengths, seeded data and special values.</summary>
internal static class ElementwiseTestData
{
    /// <summary>Every kernel path this machine runs except the reference (the oracle itself).</summary>
    public static IEnumerable<KernelPath> FastPaths => Kernels.Available.Where(p => p != KernelPath.Reference);

    public static TheoryData<KernelPath> FastPathData
    {
        get
        {
            var data = new TheoryData<KernelPath>();
            foreach (var path in FastPaths)
            {
                data.Add(path);
            }

            return data;
        }
    }

    /// <summary>Every length 0..300 (every tail of every width), then a few large ones (odd on purpose).</summary>
    public static IEnumerable<int> Lengths => Enumerable.Range(0, 301).Concat([1000, 4096 + 7, (6 * 64) + 7, 65536 + 3]);

    public static T[] Random<T>(int length, double low, double high, int seed)
        where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating(low + ((high - low) * random.NextDouble()));
        }

        return values;
    }

    /// <summary>NaN, ±∞, ±0, ±100, ±1000, subnormals and the exp overflow/underflow edges of both float and double.</summary>
    public static T[] SpecialValues<T>()
        where T : IFloatingPointIeee754<T>
    {
        double[] values =
        [
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 100, -100, 1000, -1000,
            1e-40, -1e-40, 1e-310, -1e-310, 1e-7, -1e-7, 1e-5, -1e-5, 0.5, -0.5, 0.625, -0.625, 0.62, -0.63,
            87, -87, 87.3, -87.3, 88.72, 88.73, -88.72, -103.9, -104, -110, 89, 16.6, -16.6, 9.1, -9.1,
            708, -708, 709.78, 709.79, -709.78, -745.1, -745.2, -746, 710, 20, -20, 44, -44, 1, -1,
        ];
        return [.. values.Select(T.CreateTruncating)];
    }

    /// <summary>The distance between two adjacent T values at <paramref name="value"/>'s magnitude (the subnormal step below the normals).</summary>
    public static double Ulp<T>(T value)
        where T : IFloatingPointIeee754<T>
    {
        var magnitude = T.Abs(value);
        return T.IsFinite(magnitude) ? double.CreateTruncating(T.BitIncrement(magnitude) - magnitude) : double.NaN;
    }

    /// <summary>
    /// |actual − expected| in units of expected's ulp (T's precision); 0 when both are the same NaN/∞, +∞ when only one is.
    /// </summary>
    public static double UlpError<T>(T actual, double expected)
        where T : IFloatingPointIeee754<T>
    {
        var actualDouble = double.CreateTruncating(actual);
        if (double.IsNaN(expected) || double.IsNaN(actualDouble))
        {
            return double.IsNaN(expected) && double.IsNaN(actualDouble) ? 0 : double.PositiveInfinity;
        }

        var rounded = T.CreateTruncating(expected);
        if (T.IsInfinity(rounded) || T.IsInfinity(actual))
        {
            return rounded == actual ? 0 : double.PositiveInfinity;
        }

        return Math.Abs(actualDouble - expected) / Ulp(rounded);
    }

    /// <summary>Asserts actual equals expected to within <paramref name="ulps"/> ulps of expected plus <paramref name="absolute"/>.</summary>
    /// <remarks>The message is only formatted on failure: these run millions of times per test.</remarks>
    public static void AssertClose<T>(T expected, T actual, double ulps, double absolute, string context, int index = -1)
        where T : IFloatingPointIeee754<T>
    {
        if (T.IsNaN(expected) || T.IsNaN(actual))
        {
            if (!(T.IsNaN(expected) && T.IsNaN(actual)))
            {
                Assert.Fail($"{context} [{index}]: expected {expected:R}, got {actual:R}");
            }

            return;
        }

        if (T.IsInfinity(expected) || T.IsInfinity(actual))
        {
            if (expected != actual)
            {
                Assert.Fail($"{context} [{index}]: expected {expected:R}, got {actual:R}");
            }

            return;
        }

        var difference = Math.Abs(double.CreateTruncating(actual) - double.CreateTruncating(expected));
        var tolerance = absolute + (ulps * Ulp(expected));
        if (!(difference <= tolerance))
        {
            Assert.Fail($"{context} [{index}]: expected {expected:R}, got {actual:R} (|Δ| = {difference:R} > {tolerance:R})");
        }
    }

    /// <summary>Asserts bit-for-bit equality (NaN payloads aside), for kernels that do the reference's operations in its order.</summary>
    public static void AssertIdentical<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string context)
        where T : IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var same = expected[i].Equals(actual[i]) && (T.IsNegative(expected[i]) == T.IsNegative(actual[i]));
            if (!same && !(T.IsNaN(expected[i]) && T.IsNaN(actual[i])))
            {
                Assert.Fail($"{context} [{i}]: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }
}
