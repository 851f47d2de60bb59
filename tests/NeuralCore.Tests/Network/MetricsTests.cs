using NeuralCore.Network.Internals;

namespace NeuralCore.Tests.Network;

[Trait("Category", "Kernels")]
public sealed class MetricsTests
{
    /// <summary>The oracle is Metrics.CountCorrectReference, which the reference path itself runs.</summary>
    public static TheoryData<KernelPath> FastPaths => NetworkTestHelpers.FastPaths();

    private static readonly int[] Lengths = [0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 255, 257, 1000];

    [Theory]
    [MemberData(nameof(FastPaths))]
    public void ThresholdAgreement_MatchesTheReference_AtEveryLength(KernelPath path)
    {
        var random = new Random(4);
        foreach (var length in Lengths)
        {
            // Values around the 0.5 threshold, exactly 0.5, and NaN (compares false on every path).
            float[] special = [0.5f, float.NaN, 0.49999997f, 0.50000006f, float.PositiveInfinity, float.NegativeInfinity, -0f];
            var p = new float[length];
            var t = new float[length];
            for (var i = 0; i < length; i++)
            {
                p[i] = random.Next(8) == 0 ? special[random.Next(special.Length)] : (float)random.NextDouble();
                t[i] = random.Next(2);
            }

            var expected = Metrics.CountCorrectReference(new ReadOnlyMatrixSpan<float>(p, length, 1), new ReadOnlyMatrixSpan<float>(t, length, 1));
            Assert.Equal(expected, Metrics.CountCorrect(new ReadOnlyMatrixSpan<float>(p, length, 1), new ReadOnlyMatrixSpan<float>(t, length, 1), path));

            var pd = Array.ConvertAll(p, v => (double)v);
            var td = Array.ConvertAll(t, v => (double)v);
            Assert.Equal(expected, Metrics.CountCorrect(new ReadOnlyMatrixSpan<double>(pd, length, 1), new ReadOnlyMatrixSpan<double>(td, length, 1), path));
        }
    }

    [Fact]
    public void ArgMax_CountsMatchingClasses()
    {
        double[] p = [0.1, 0.7, 0.2, /**/ 0.5, 0.3, 0.2, /**/ 0.3, 0.3, 0.4];
        double[] t = [0, 1, 0, /**/ 0, 0, 1, /**/ 0, 0, 1];

        Assert.Equal(2, Metrics.CountCorrect(new ReadOnlyMatrixSpan<double>(p, 3, 3), new ReadOnlyMatrixSpan<double>(t, 3, 3), Kernels.Default));
    }
}
