using System.Numerics;
using NeuralCore.Network.Internals;

namespace NeuralCore;

/// <summary>Seeded toy data sets, and conversion from the NumPy tutorials' column-major (features × samples) layout.</summary>
public static class Datasets
{
    /// <summary>
    /// Two interleaving half circles (scikit-learn's <c>make_moons</c>, seeded by our own generator): class 0 on
    /// <c>(cos t, sin t)</c>, class 1 on <c>(1 − cos t, 0.5 − sin t)</c>, t evenly spaced over [0, π], plus N(0, noise²)
    /// on each coordinate; rows shuffled when <paramref name="shuffle"/> is set.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="samples">The number of points (≥ 1); class 0 gets ⌊samples/2⌋ of them, as in scikit-learn.</param>
    /// <param name="noise">The standard deviation of the Gaussian noise (≥ 0; the two-moons tutorial uses 0.2).</param>
    /// <param name="seed">The seed of the noise and the shuffle.</param>
    /// <param name="shuffle">Whether to shuffle the rows (scikit-learn's default).</param>
    /// <returns>X [samples, 2] and Y [samples, 1] with labels 0 and 1; dispose it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static Dataset<T> MakeMoons<T>(int samples, double noise, ulong seed, bool shuffle = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (!(noise >= 0) || !double.IsFinite(noise))
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "noise must be finite and ≥ 0.");
        }

        var outer = samples / 2;
        var inner = samples - outer;
        var xs = new double[samples];
        var ys = new double[samples];
        var labels = new int[samples];
        for (var i = 0; i < outer; i++)
        {
            var t = Linspace(i, outer);
            xs[i] = Math.Cos(t);
            ys[i] = Math.Sin(t);
        }

        for (var i = 0; i < inner; i++)
        {
            var t = Linspace(i, inner);
            xs[outer + i] = 1 - Math.Cos(t);
            ys[outer + i] = 1 - Math.Sin(t) - 0.5;
            labels[outer + i] = 1;
        }

        var random = new SeededRandom(seed);
        var order = new int[samples];
        for (var i = 0; i < samples; i++)
        {
            order[i] = i;
        }

        if (shuffle)
        {
            for (var i = samples - 1; i > 0; i--)
            {
                var j = random.NextInt32(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        var features = new Matrix<T>(samples, 2);
        var targets = new Matrix<T>(samples, 1);
        for (var r = 0; r < samples; r++)
        {
            var source = order[r];
            features[r, 0] = T.CreateTruncating(xs[source] + (noise * random.NextGaussian()));
            features[r, 1] = T.CreateTruncating(ys[source] + (noise * random.NextGaussian()));
            targets[r, 0] = T.CreateTruncating(labels[source]);
        }

        return new Dataset<T>(features, targets);
    }

    /// <summary>
    /// Converts data stored as in the NumPy tutorials, one column per sample (<c>X</c> is features × samples), into the
    /// network's layout, one row per sample (samples × features). It is a transpose into a new matrix.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="featuresBySamples">Shape: [n, m].</param>
    /// <returns>A new [m, n] matrix; dispose it.</returns>
    public static Matrix<T> FromColumnMajor<T>(ReadOnlyMatrixSpan<T> featuresBySamples)
        where T : unmanaged
    {
        var result = new Matrix<T>(featuresBySamples.Columns, featuresBySamples.Rows);
        FromColumnMajor(featuresBySamples, result.Span);
        return result;
    }

    /// <summary>Transposes seed-layout data (features × samples) into a caller-owned row-per-sample matrix.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="featuresBySamples">Shape: [n, m].</param>
    /// <param name="destination">Shape: [m, n].</param>
    /// <exception cref="ArgumentException">The destination shape is not the transpose.</exception>
    public static void FromColumnMajor<T>(ReadOnlyMatrixSpan<T> featuresBySamples, MatrixSpan<T> destination)
        where T : unmanaged
    {
        if (destination.Rows != featuresBySamples.Columns || destination.Columns != featuresBySamples.Rows)
        {
            throw new ArgumentException(
                $"destination must be {featuresBySamples.Columns}×{featuresBySamples.Rows} (samples × features) for a {featuresBySamples.Rows}×{featuresBySamples.Columns} source; got {destination.Rows}×{destination.Columns}.",
                nameof(destination));
        }

        featuresBySamples.TransposeTo(destination);
    }

    // numpy.linspace(0, π, n): i·π/(n−1), a single point at 0.
    private static double Linspace(int i, int count) => count == 1 ? 0 : i * Math.PI / (count - 1);
}
