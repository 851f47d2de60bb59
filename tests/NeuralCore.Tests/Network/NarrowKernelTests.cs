using System.Numerics;
using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Tests.Network;

/// <summary>The narrow (feature-major) kernels against their scalar reference, at every batch length and path.</summary>
[Trait("Category", "Kernels")]
public sealed class NarrowKernelTests
{
    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    /// <summary>The kernels' oracle is NarrowKernelsReference, which the reference path itself runs.</summary>
    public static TheoryData<KernelPath> FastPaths => NetworkTestHelpers.FastPaths();

    // Around every register tile edge: one and two column vectors of 16 (float, V512), 8 and 4 (narrower paths), the
    // scalar tail, and the moons batch.
    private static readonly int[] Lengths = [0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 255, 257, 900];

    // Widths 1…32 with every remainder of the 4-row tiles (4k, 4k+1, 4k+2, 4k+3) on both sides, odd ones included.
    private static readonly (int In, int Out)[] Shapes =
        [(1, 1), (2, 4), (4, 6), (6, 6), (6, 4), (4, 1), (5, 3), (3, 7), (1, 5), (7, 2), (9, 13), (17, 9), (2, 31), (31, 3), (32, 32)];

    private static readonly Activation[] Elementwise = [.. TestActivations.Elementwise];

    /// <summary>A feature-major [rows, columns] view whose stride is padded past the columns (as the engine's buffers are).</summary>
    private static MatrixSpan<T> View<T>(T[] storage, int rows, int columns) => new(storage, rows, columns, columns + 5);

    private static T[] Storage<T>(int rows, int columns, Random random, double scale = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[Math.Max(1, rows * (columns + 5))];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating(((random.NextDouble() * 2) - 1) * scale);
        }

        return values;
    }

    private static void Run<T>(KernelPath path, double linearTolerance, double transcendentalTolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(17);
        foreach (var (inputs, outputs) in Shapes)
        {
            foreach (var m in Lengths)
            {
                var x = Storage<T>(inputs, m, random, 2);
                var w = Storage<T>(inputs, outputs, random);
                var b = Storage<T>(1, outputs, random)[..outputs];
                var delta = Storage<T>(outputs, m, random);
                var weights = new ReadOnlyMatrixSpan<T>(w, inputs, outputs, outputs + 5);
                foreach (var activation in Elementwise)
                {
                    // Forward: Z within one rounding per term (fused multiply-add vs the reference's multiply then add),
                    // A within the activation's ulp budget on top.
                    var z = new T[Math.Max(1, outputs * (m + 5))];
                    var a = new T[z.Length];
                    var zr = new T[z.Length];
                    var ar = new T[z.Length];
                    NarrowKernels.Forward(View(x, inputs, m), weights, b, activation, View(z, outputs, m), View(a, outputs, m), path);
                    NarrowKernelsReference.Forward<T>(View(x, inputs, m), weights, b, activation, View(zr, outputs, m), View(ar, outputs, m));
                    AssertClose(zr, z, linearTolerance * (inputs + 1), $"forward Z {activation} {inputs}→{outputs} m={m}");
                    AssertClose(ar, a, transcendentalTolerance + (linearTolerance * (inputs + 1)), $"forward {activation} {inputs}→{outputs} m={m}");

                    // Backward data, f′ taken from the activation just computed.
                    var d = new T[x.Length];
                    var dr = new T[x.Length];
                    var aPrev = Storage<T>(inputs, m, random);
                    if (activation == Activation.Sigmoid)
                    {
                        for (var i = 0; i < aPrev.Length; i++)
                        {
                            aPrev[i] = T.Abs(aPrev[i]); // a sigmoid output lies in (0, 1)
                        }
                    }

                    // Z_prev, read by the activations whose f′ needs it (GELU, SiLU, softplus); empty for the others, as the engine passes it.
                    var zPrev = Storage<T>(inputs, m, random, 4);
                    ReadOnlyMatrixSpan<T> previousZ = activation.BackwardNeedsPreActivation ? View(zPrev, inputs, m) : default;
                    NarrowKernels.BackwardData(View(delta, outputs, m), weights, activation, previousZ, View(aPrev, inputs, m), View(d, inputs, m), path);
                    NarrowKernelsReference.BackwardData<T>(View(delta, outputs, m), weights, activation, previousZ, View(aPrev, inputs, m), View(dr, inputs, m));

                    // f′ from Z is a transcendental (within a few ulps of its terms, ≤ 1.13 in size: TranscendentalAccuracyTests).
                    var derivativeTolerance = activation.BackwardNeedsPreActivation ? transcendentalTolerance : 0;
                    AssertClose(dr, d, derivativeTolerance + (linearTolerance * (outputs + 1)), $"backward {activation} {inputs}→{outputs} m={m}");
                }

                // Weight gradient: sums in a different order (lanes, then across), so a tolerance scaled by Σ|terms|.
                var gw = new T[inputs * (outputs + 5)];
                var gwr = new T[gw.Length];
                var gb = new T[outputs];
                var gbr = new T[outputs];
                NarrowKernels.WeightGradient(View(delta, outputs, m), View(x, inputs, m), new MatrixSpan<T>(gw, inputs, outputs, outputs + 5), gb, path);
                NarrowKernelsReference.WeightGradient<T>(View(delta, outputs, m), View(x, inputs, m), new MatrixSpan<T>(gwr, inputs, outputs, outputs + 5), gbr);
                var bound = T.CreateTruncating(linearTolerance * Math.Max(1, m) * 2);
                for (var i = 0; i < gw.Length; i++)
                {
                    Assert.True(T.Abs(gw[i] - gwr[i]) <= bound, $"dW[{i}] {inputs}→{outputs} m={m}: {gw[i]} vs {gwr[i]}");
                }

                for (var o = 0; o < outputs; o++)
                {
                    Assert.True(T.Abs(gb[o] - gbr[o]) <= bound, $"db[{o}] m={m}: {gb[o]} vs {gbr[o]}");
                }
            }
        }
    }

    private static void Transposes<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(23);
        foreach (var n in new[] { 1, 2, 3, 5 })
        {
            foreach (var m in Lengths)
            {
                // Row-major [m, n], contiguous and with a padded stride (the de-interleave only takes the first).
                foreach (var stride in new[] { n, n + 3 })
                {
                    var source = Storage<T>(m, stride, random);
                    var rows = new ReadOnlyMatrixSpan<T>(source, m, n, stride);
                    var featureMajor = new T[Math.Max(1, n * (m + 5))];
                    NarrowEngine.ToFeatureMajor(rows, new MatrixSpan<T>(featureMajor, n, m, m + 5), path);
                    for (var r = 0; r < m; r++)
                    {
                        for (var c = 0; c < n; c++)
                        {
                            Assert.True(featureMajor[(c * (m + 5)) + r] == rows[r, c], $"n={n} m={m} stride={stride} [{r}, {c}]");
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ToFeatureMajor_IsAnExactTranspose(KernelPath path)
    {
        Transposes<float>(path);
        Transposes<double>(path);
    }

    [Fact]
    public void AsRow_ViewsOnlyAContiguousOutputColumn()
    {
        var storage = new float[12];
        var contiguous = new MatrixSpan<float>(storage, 12, 1);
        var row = NarrowEngine.AsRow(contiguous);
        Assert.Equal((1, 12), (row.Rows, row.Columns));
        row[0, 5] = 7;
        Assert.Equal(7, storage[5]);
        Assert.Equal(0, NarrowEngine.AsRow(new MatrixSpan<float>(storage, 4, 1, 3)).Rows);
        Assert.Equal(0, NarrowEngine.AsRow(new MatrixSpan<float>(storage, 4, 3)).Rows);
    }

    private static void AssertClose<T>(T[] expected, T[] actual, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < expected.Length; i++)
        {
            var e = double.CreateTruncating(expected[i]);
            var a = double.CreateTruncating(actual[i]);
            Assert.True(Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e)), $"{what} [{i}]: {a} vs {e}");
        }
    }

    // Tolerances (relative to 1 + |value|, inputs of magnitude ≤ 2): "linear" is about 4 ulps per accumulated term — the
    // fast paths fuse each multiply-add, the reference rounds twice — scaled by the term count at each use; the
    // activations use the vector exp/tanh (≤ 4 ulp by their own tests), hence the separate transcendental budget.
    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Float_MatchesTheReference(KernelPath path) => Run<float>(path, 5e-7, 1e-6);

    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Double_MatchesTheReference(KernelPath path) => Run<double>(path, 1e-15, 2e-15);
}
