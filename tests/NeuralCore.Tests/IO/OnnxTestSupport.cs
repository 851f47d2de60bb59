using System.Numerics;

namespace NeuralCore.Tests.IO;

/// <summary>Paths of the ONNX fixtures and the tolerance rule shared by the ONNX tests.</summary>
internal static class OnnxTestSupport
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Onnx", name);

    /// <summary>The tolerance of the issue: 1e-6 for float32, 1e-12 for float64.</summary>
    public static double Tolerance<T>() => typeof(T) == typeof(float) ? 1e-6 : 1e-12;

    /// <summary>
    /// Asserts |actual − expected| ≤ tol · max(1, |expected|) element by element: relative for values above 1, absolute
    /// below, where the erf/tanh forms of GELU cancel for negative inputs and a relative bound would measure that
    /// cancellation instead of the model.
    /// </summary>
    public static void AssertClose<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var e = double.CreateChecked(expected[i]);
            var a = double.CreateChecked(actual[i]);
            var error = Math.Abs(a - e) / Math.Max(1, Math.Abs(e));
            if (!(error <= worst))
            {
                worst = error;
                at = i;
            }
        }

        Assert.True(worst <= tolerance, $"{what}: element {at} differs by {worst:E3} (tolerance {tolerance:E0}): expected {(at >= 0 ? expected[at] : default)}, got {(at >= 0 ? actual[at] : default)}.");
    }
}
