using System.Numerics;
using NeuralCore.Internals.Elementwise;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>
/// The "all finite" kernel behind Fit's divergence check and the network's data validation, against its scalar twin
/// <c>values.All(T.IsFinite)</c>: every length, one special value at every position (so each vector width and the
/// scalar tail see it): NaN and ±∞, and ±0, ±100 and subnormals, which are finite.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class FiniteKernelTests
{
    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void All_MatchesIsFinite_WithOneSpecialValueAtEveryPosition(KernelPath path)
    {
        Check<float>(path);
        Check<double>(path);
    }

    private static void Check<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var specials = SpecialValues<T>();
        for (var n = 0; n <= 70; n++)
        {
            var values = Random<T>(n, -100, 100, seed: n);
            Assert.Equal(values.All(T.IsFinite), FiniteKernel<T>.All(values, path));
            for (var i = 0; i < n; i++)
            {
                foreach (var special in specials)
                {
                    var saved = values[i];
                    values[i] = special;
                    Assert.True(
                        values.All(T.IsFinite) == FiniteKernel<T>.All(values, path),
                        $"{typeof(T).Name} n={n}, {special} at {i}, path {path}");
                    values[i] = saved;
                }
            }
        }
    }
}
