using System.Numerics;
using NeuralCore.Network.Internals;
using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Tests.Network;

/// <summary>
/// The fused sigmoid + binary cross-entropy head (output layer, loss, δ, accuracy, previous layer's δ) against its
/// scalar reference, and bit for bit against the separate fast kernels it replaces, at every path, batch length and
/// input width.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class NarrowHeadKernelTests
{
    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    // Every tile and width edge of the driver (16/8/4 floats, 8/4/2 doubles, the scalar tail) and the moons batch.
    private static readonly int[] Lengths = [0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 257, 900];

    // Every input width the narrow engine takes (1…32): each remainder of the 4-input logit unroll and the 2-input
    // δ_prev unroll.
    private static readonly int[] Inputs = [.. Enumerable.Range(1, 32)];

    private static readonly Activation[] Previous = [.. TestActivations.Elementwise];

    private sealed record Case<T>(T[] X, T[] Z, T[] W, T Bias, T[] Y, int Inputs, int M)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public ReadOnlyMatrixSpan<T> Input => new(X, Inputs, M, M + 3);

        /// <summary>The previous layer's Z (any values: the kernels read it only for the activations whose f′ needs it).</summary>
        public ReadOnlyMatrixSpan<T> PreviousZ(Activation previous) => previous.BackwardNeedsPreActivation ? new(Z, Inputs, M, M + 3) : default;

        public ReadOnlyMatrixSpan<T> Weights => new(W, Inputs, 1, 2);
    }

    private static Case<T> MakeCase<T>(int inputs, int m, double scale, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T Next(double s) => T.CreateTruncating(((random.NextDouble() * 2) - 1) * s);
        var x = new T[Math.Max(1, inputs * (m + 3))];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = Next(scale);
        }

        var z = new T[x.Length];
        for (var i = 0; i < z.Length; i++)
        {
            z[i] = Next(4);
        }

        var w = new T[inputs * 2];
        for (var i = 0; i < w.Length; i++)
        {
            w[i] = Next(1);
        }

        // Hard labels mostly, some soft ones (the loss and δ take any y in [0, 1]).
        var y = new T[m];
        for (var j = 0; j < m; j++)
        {
            y[j] = j % 7 == 3 ? T.CreateTruncating(random.NextDouble()) : (random.Next(2) == 0 ? T.Zero : T.One);
        }

        return new Case<T>(x, z, w, Next(1), y, inputs, m);
    }

    private static void MatchesTheReference<T>(KernelPath path, double linear, double transcendental)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(31);
        foreach (var inputs in Inputs)
        {
            foreach (var m in Lengths)
            {
                // Scale 2: logits of a few units; scale 40: saturated outputs, e^−|z| underflowing.
                foreach (var scale in new[] { 2.0, 40.0 })
                {
                    var c = MakeCase<T>(inputs, m, scale, random);
                    var previous = Previous[(inputs + m) % Previous.Length];
                    var a = new T[m];
                    var delta = new T[m];
                    var previousDelta = new T[Math.Max(1, inputs * (m + 3))];
                    // With scale 40 the m columns are one part of a batch of m + 7 (a two-thread training step): δ divides by the batch.
                    var batch = scale > 10 ? m + 7 : m;
                    var (loss, correct) = NarrowKernels.SigmoidCrossEntropyHead(
                        c.Input, c.Weights, c.Bias, c.Y, a, delta, previous, c.PreviousZ(previous), new MatrixSpan<T>(previousDelta, inputs, m, m + 3), batch, path);

                    var ar = new T[m];
                    var dr = new T[m];
                    var (lossReference, correctReference) = NarrowKernelsReference.SigmoidCrossEntropyHead<T>(c.Input, c.Weights, c.Bias, c.Y, ar, dr, batch);
                    var zr = new T[Math.Max(1, m + 3)];
                    var unused = new T[zr.Length];
                    NarrowKernelsReference.Forward<T>(c.Input, c.Weights, [c.Bias], Activation.Linear, new MatrixSpan<T>(zr, 1, m, m + 3), new MatrixSpan<T>(unused, 1, m, m + 3));
                    var previousDeltaReference = new T[previousDelta.Length];
                    NarrowKernelsReference.BackwardData<T>(
                        new ReadOnlyMatrixSpan<T>(dr, 1, m), c.Weights, previous, c.PreviousZ(previous), c.Input, new MatrixSpan<T>(previousDeltaReference, inputs, m, m + 3));

                    // z carries one rounding per term against the reference's multiply-then-add ((inputs + 1) terms); a
                    // that error through σ′ ≤ ¼ plus the vector sigmoid's few ulps; δ = (a − y)/m the same over m.
                    var what = $"{typeof(T).Name} {path} inputs={inputs} m={m} scale={scale} previous={previous}";
                    var zTolerance = linear * (inputs + 1) * (1 + scale);
                    var ambiguous = 0;
                    double sumAbsZ = 0;
                    for (var j = 0; j < m; j++)
                    {
                        var z = double.CreateTruncating(zr[j]);
                        sumAbsZ += 1 + Math.Abs(z);
                        var expected = double.CreateTruncating(ar[j]);
                        var tolerance = (zTolerance * Math.Abs(z)) + (transcendental * (1 + expected));
                        Assert.True(Math.Abs(double.CreateTruncating(a[j]) - expected) <= tolerance, $"a[{j}] {what}: {a[j]} vs {ar[j]}");
                        Assert.True(Math.Abs(double.CreateTruncating(delta[j] - dr[j])) <= tolerance / batch, $"δ[{j}] {what}: {delta[j]} vs {dr[j]}");
                        ambiguous += Math.Abs(expected - 0.5) <= tolerance ? 1 : 0;
                    }

                    // The count differs only where a lies within the tolerance of ½ (none, with these data, in practice).
                    Assert.True(Math.Abs(correct - correctReference) <= ambiguous, $"correct {what}: {correct} vs {correctReference} ({ambiguous} ambiguous)");

                    // Each loss term moves by at most |Δz| (its slope is within [−1, 1]) plus the log1p's few ulps.
                    var lossTolerance = (zTolerance * sumAbsZ) + (transcendental * (1 + Math.Abs(lossReference)));
                    Assert.True(Math.Abs(loss - lossReference) <= lossTolerance, $"loss {what}: {loss} vs {lossReference}");

                    // δ_prev = f′(X)·(w·δ): one product on top of δ's own error.
                    for (var i = 0; i < inputs; i++)
                    {
                        for (var j = 0; j < m; j++)
                        {
                            var k = (i * (m + 3)) + j;
                            var expected = double.CreateTruncating(previousDeltaReference[k]);
                            var tolerance = ((zTolerance * scale) + transcendental) * (1 + Math.Abs(expected)) / Math.Max(1, m);
                            Assert.True(Math.Abs(double.CreateTruncating(previousDelta[k]) - expected) <= tolerance, $"δ_prev[{i}, {j}] {what}: {previousDelta[k]} vs {expected}");
                        }
                    }
                }
            }
        }
    }

    // Tolerances as in NarrowKernelTests: "linear" about 4 ulps per accumulated term, "transcendental" the vector
    // exp/sigmoid/log1p budget (≤ 4 ulp by their own tests).
    [Theory]
    [MemberData(nameof(Paths))]
    public void Float_MatchesTheReference(KernelPath path) => MatchesTheReference<float>(path, 5e-7, 1e-6);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Double_MatchesTheReference(KernelPath path) => MatchesTheReference<double>(path, 1e-15, 2e-15);

    private static void CompareWithTheSeparateKernels<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(37);
        foreach (var inputs in Inputs)
        {
            foreach (var m in Lengths)
            {
                var c = MakeCase<T>(inputs, m, 3, random);
                foreach (var previous in Previous)
                {
                    var a = new T[m];
                    var delta = new T[m];
                    var previousDelta = new T[Math.Max(1, inputs * (m + 3))];
                    var (loss, correct) = NarrowKernels.SigmoidCrossEntropyHead(
                        c.Input, c.Weights, c.Bias, c.Y, a, delta, previous, c.PreviousZ(previous), new MatrixSpan<T>(previousDelta, inputs, m, m + 3), m, path);

                    // What the trainer ran before the head: forward (Z and A), the public fused loss, the accuracy count,
                    // then backward-data for the output layer.
                    var z2 = new T[Math.Max(1, m)];
                    var a2 = new T[Math.Max(1, m)];
                    var delta2 = new T[Math.Max(1, m)];
                    NarrowKernels.Forward(c.Input, c.Weights, [c.Bias], Activation.Sigmoid, new MatrixSpan<T>(z2, 1, m), new MatrixSpan<T>(a2, 1, m), path);
                    var column = new ReadOnlyMatrixSpan<T>(c.Y, m, 1);
                    var loss2 = Losses.EvaluateWithOutputGradient(
                        Loss.BinaryCrossEntropy, Activation.Sigmoid, new ReadOnlyMatrixSpan<T>(z2, m, 1), new ReadOnlyMatrixSpan<T>(a2, m, 1), column,
                        new MatrixSpan<T>(delta2, m, 1), ComputeOptions.For(path));
                    var correct2 = Metrics.CountCorrect(new ReadOnlyMatrixSpan<T>(a2, m, 1), column, path);
                    var previousDelta2 = new T[previousDelta.Length];
                    NarrowKernels.BackwardData(new ReadOnlyMatrixSpan<T>(delta2, 1, m), c.Weights, previous, c.PreviousZ(previous), c.Input, new MatrixSpan<T>(previousDelta2, inputs, m, m + 3), path);

                    var what = $"{typeof(T).Name} {path} inputs={inputs} m={m} previous={previous}";
                    Assert.True(a.AsSpan().SequenceEqual(a2.AsSpan(0, m)), $"a {what}");
                    Assert.True(delta.AsSpan().SequenceEqual(delta2.AsSpan(0, m)), $"δ {what}");
                    Assert.True(previousDelta.AsSpan().SequenceEqual(previousDelta2), $"δ_prev {what}");
                    Assert.Equal(correct2, correct);
                    Assert.Equal(loss2, m == 0 ? T.Zero : T.CreateTruncating(loss / m));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void IsBitIdenticalToTheSeparateKernels(KernelPath path)
    {
        // The reference path is the oracle's own composition (separate scalar kernels), not what the head fuses.
        if (path == KernelPath.Reference)
        {
            return;
        }

        CompareWithTheSeparateKernels<float>(path);
        CompareWithTheSeparateKernels<double>(path);
    }
}
