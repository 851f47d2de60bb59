using System.Numerics;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>Losses and their gradients on every fast path, against the scalar reference.</summary>
[Trait("Category", "Kernels")]
public sealed class LossTests
{
    public static TheoryData<KernelPath, Loss> PathsAndLosses
    {
        get
        {
            var data = new TheoryData<KernelPath, Loss>();
            foreach (var path in FastPaths)
            {
                foreach (var loss in TestLosses.All)
                {
                    data.Add(path, loss);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndLosses))]
    public void Evaluate_MatchesReference_AtEveryLength(KernelPath path, Loss loss)
    {
        foreach (var n in Lengths)
        {
            CheckEvaluate<float>(loss, path, (n % 4) + 1, n);
            CheckEvaluate<double>(loss, path, (n % 4) + 1, n);
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void SigmoidBinaryCrossEntropy_Fused_MatchesReference(KernelPath path)
    {
        foreach (var n in Lengths)
        {
            CheckSigmoidBce<float>(path, (n % 3) + 1, n);
            CheckSigmoidBce<double>(path, (n % 3) + 1, n);
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void SoftmaxCrossEntropy_Fused_MatchesReference(KernelPath path)
    {
        foreach (var loss in new[] { Loss.CrossEntropy, Loss.SparseCrossEntropy })
        {
            foreach (var n in Lengths.Where(n => n > 0 && n < 1000).Append(4096 + 7))
            {
                CheckSoftmaxCe<float>(loss, path, (n % 3) + 1, n);
                CheckSoftmaxCe<double>(loss, path, (n % 3) + 1, n);
            }
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void OtherPairs_ComposeTheLossGradientWithTheActivationDerivative(KernelPath path)
    {
        (Loss Loss, Activation Activation)[] pairs =
        [
            (Loss.MeanSquaredError, Activation.Sigmoid), (Loss.MeanSquaredError, Activation.Tanh), (Loss.BinaryCrossEntropy, Activation.Linear),
            (Loss.MeanSquaredError, Activation.Relu), (Loss.Huber, Activation.Tanh), (Loss.CreateHuber(0.4), Activation.CreateLeakyRelu(0.2)),
            (Loss.SparseCrossEntropy, Activation.Sigmoid),
        ];
        foreach (var (loss, activation) in pairs)
        {
            Assert.False(loss.IsFusedWith(activation));
            foreach (var n in new[] { 1, 7, 16, 17, 33, 257 })
            {
                var z = Random<float>(3 * n, -4, 4, seed: n);
                var a = new float[z.Length];
                Activations.Forward(activation, new ReadOnlyMatrixSpan<float>(z, 3, n), new MatrixSpan<float>(a, 3, n), ComputeOptions.For(KernelPath.Reference));
                if (loss == Loss.BinaryCrossEntropy)
                {
                    a = [.. a.Select(v => Math.Clamp(v, 0.01f, 0.99f))];
                }

                var y = loss.TargetsAreClassIds ? ClassIds<float>(3, n, seed: n + 1) : Random<float>(z.Length, 0, 1, seed: n + 1);
                var (expectedValue, expectedGradient) = Fused(loss, activation, z, a, y, 3, n, KernelPath.Reference);
                var (actualValue, actualGradient) = Fused(loss, activation, z, a, y, 3, n, path);
                AssertIdentical<float>(expectedGradient, actualGradient, $"{loss}+{activation} gradient n={n}");
                AssertClose(expectedValue, actualValue, 8, SummationOrder(expectedValue, 3 * n), $"{loss}+{activation} value n={n}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndLosses))]
    public void StridedViews_AndInPlaceGradient_MatchReference(KernelPath path, Loss loss)
    {
        foreach (var columns in new[] { 1, 3, 16, 17, 33, 65 })
        {
            const int rows = 4;
            var stride = columns + 3;
            var length = ((rows - 1) * stride) + columns;
            var p = Random<float>(length, 0.02, 0.98, seed: columns);

            // Class ids: one strided column, ids of the row's classes.
            var targetColumns = loss.TargetColumns(columns);
            var y = loss.TargetsAreClassIds
                ? [.. Enumerable.Range(0, length).Select(i => (float)((i / stride * 5) % columns))]
                : Random<float>(length, 0, 1, seed: columns + 1);
            var target = new ReadOnlyMatrixSpan<float>(y, rows, targetColumns, stride);
            var expectedGradient = new float[length];
            var actualGradient = new float[length];
            var expected = Losses.Evaluate(loss, new ReadOnlyMatrixSpan<float>(p, rows, columns, stride), target, new MatrixSpan<float>(expectedGradient, rows, columns, stride), ComputeOptions.For(KernelPath.Reference));
            var actual = Losses.Evaluate(loss, new ReadOnlyMatrixSpan<float>(p, rows, columns, stride), target, new MatrixSpan<float>(actualGradient, rows, columns, stride), ComputeOptions.For(path));
            AssertIdentical<float>(expectedGradient, actualGradient, $"{loss} strided {rows}×{columns}/{stride}");
            AssertClose(expected, actual, 8, SummationOrder(expected, rows * columns), $"{loss} strided value {rows}×{columns}/{stride}");

            // The gradient written over the prediction itself (the same view): allowed, and each element is read before it is written.
            var inPlace = (float[])p.Clone();
            var view = new MatrixSpan<float>(inPlace, rows, columns, stride);
            var inPlaceValue = Losses.Evaluate(loss, view, target, view, ComputeOptions.For(path));
            Assert.Equal(actual, inPlaceValue);
            for (var i = 0; i < length; i++)
            {
                Assert.Equal(i % stride < columns ? actualGradient[i] : p[i], inPlace[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void Losses_AreFinite_AtTheEdges(KernelPath path)
    {
        float[] p = [0f, 1f, 0f, 1f, 0.5f];
        float[] y = [0f, 1f, 1f, 0f, 1f];
        var bce = Losses.Evaluate(Loss.BinaryCrossEntropy, new ReadOnlyMatrixSpan<float>(p, 1, 5), new ReadOnlyMatrixSpan<float>(y, 1, 5), default, ComputeOptions.For(path));
        Assert.True(float.IsFinite(bce), $"BCE at 0/1 = {bce}");

        float[] logits = [1000f, 1000f, 0f, -1000f];
        float[] oneHot = [0f, 1f, 0f, 0f];
        var softmax = new float[4];
        Activations.Forward(Activation.Softmax, new ReadOnlyMatrixSpan<float>(logits, 1, 4), new MatrixSpan<float>(softmax, 1, 4), ComputeOptions.For(path));
        var gradient = new float[4];
        var ce = Losses.EvaluateWithOutputGradient(
            Loss.CrossEntropy, Activation.Softmax, new ReadOnlyMatrixSpan<float>(logits, 1, 4), new ReadOnlyMatrixSpan<float>(softmax, 1, 4),
            new ReadOnlyMatrixSpan<float>(oneHot, 1, 4), new MatrixSpan<float>(gradient, 1, 4), ComputeOptions.For(path));
        Assert.Equal(MathF.Log(2), ce, 6);

        var sigmoid = new float[4];
        Activations.Forward(Activation.Sigmoid, new ReadOnlyMatrixSpan<float>(logits, 1, 4), new MatrixSpan<float>(sigmoid, 1, 4), ComputeOptions.For(path));
        var bceLogits = Losses.EvaluateWithOutputGradient(
            Loss.BinaryCrossEntropy, Activation.Sigmoid, new ReadOnlyMatrixSpan<float>(logits, 1, 4), new ReadOnlyMatrixSpan<float>(sigmoid, 1, 4),
            new ReadOnlyMatrixSpan<float>(oneHot, 1, 4), new MatrixSpan<float>(gradient, 1, 4), ComputeOptions.For(path));
        Assert.Equal((1000f + MathF.Log(2)) / 1, bceLogits, 3);

        Assert.Equal(0f, Losses.Evaluate<float>(Loss.MeanSquaredError, default, default, default, ComputeOptions.For(path)));
    }

    private static void CheckEvaluate<T>(Loss loss, KernelPath path, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var count = rows * columns;
        var (p, y) = loss.Kind switch
        {
            LossKind.MeanSquaredError or LossKind.Huber => (Random<T>(count, -3, 3, seed: count), Random<T>(count, -3, 3, seed: count + 1)),
            LossKind.BinaryCrossEntropy => (Random<T>(count, -0.05, 1.05, seed: count).Select(v => T.Clamp(v, T.Zero, T.One)).ToArray(), Random<T>(count, 0, 1, seed: count + 1)),
            LossKind.CrossEntropy => (Probabilities<T>(count, seed: count), Random<T>(count, 0, 1, seed: count + 1)),
            LossKind.SparseCrossEntropy => (Probabilities<T>(count, seed: count), ClassIds<T>(rows, columns, seed: count + 1)),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Give the new loss its test data."),
        };
        var target = new ReadOnlyMatrixSpan<T>(y, rows, loss.TargetColumns(columns));
        if (loss.TargetsAreClassIds && columns == 0)
        {
            // No class for an id to name.
            Assert.Throws<ArgumentException>(() => Losses.Evaluate(loss, new ReadOnlyMatrixSpan<T>(p, rows, columns), new ReadOnlyMatrixSpan<T>(y, rows, 1), default, ComputeOptions.For(path)));
            return;
        }

        var expectedGradient = new T[count];
        var actualGradient = new T[count];
        var expected = Losses.Evaluate(loss, new ReadOnlyMatrixSpan<T>(p, rows, columns), target, new MatrixSpan<T>(expectedGradient, rows, columns), ComputeOptions.For(KernelPath.Reference));
        var actual = Losses.Evaluate(loss, new ReadOnlyMatrixSpan<T>(p, rows, columns), target, new MatrixSpan<T>(actualGradient, rows, columns), ComputeOptions.For(path));
        var withoutGradient = Losses.Evaluate(loss, new ReadOnlyMatrixSpan<T>(p, rows, columns), target, default, ComputeOptions.For(path));

        // The gradient is the reference's operations in its order: bit for bit. Every loss term is ≥ 0, so the
        // per-element differences (MathF.Log vs the vector log, ≤ 1 ulp each) stay within a few ε of the total: 8 ulps
        // of it; plus the double sum's order, at most n·2^−53 of the total.
        AssertIdentical<T>(expectedGradient, actualGradient, $"{loss} {typeof(T).Name} gradient {rows}×{columns}");
        AssertClose(expected, actual, 8, SummationOrder(expected, count), $"{loss} {typeof(T).Name} value {rows}×{columns}");
        Assert.Equal(actual, withoutGradient);
    }

    private static void CheckSigmoidBce<T>(KernelPath path, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var count = rows * columns;
        var z = Random<T>(count, -10, 10, seed: count);
        var a = new T[count];
        Activations.Forward(Activation.Sigmoid, new ReadOnlyMatrixSpan<T>(z, rows, columns), new MatrixSpan<T>(a, rows, columns), ComputeOptions.For(KernelPath.Reference));
        var y = Random<T>(count, 0, 1, seed: count + 1);
        var (expected, expectedGradient) = Fused(Loss.BinaryCrossEntropy, Activation.Sigmoid, z, a, y, rows, columns, KernelPath.Reference);
        var (actual, actualGradient) = Fused(Loss.BinaryCrossEntropy, Activation.Sigmoid, z, a, y, rows, columns, path);
        AssertIdentical<T>(expectedGradient, actualGradient, $"sigmoid+BCE {typeof(T).Name} gradient {rows}×{columns}");

        // Oracle: the reference in double (T's LogP1 is log(1+u), which loses u's digits below ε). Each term
        // max(z,0) − z·y + log1p(e^−|z|) is rounded a few times in T: 4ε of the sum of its parts' magnitudes.
        var (exact, _) = Fused(Loss.BinaryCrossEntropy, Activation.Sigmoid, Widen(z), Widen(a), Widen(y), rows, columns, KernelPath.Reference);
        var epsilon = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        var magnitude = z.Zip(y, (zz, yy) => Math.Max(double.CreateTruncating(zz), 0) + Math.Abs(double.CreateTruncating(zz * yy)) + 1).Sum() / Math.Max(rows, 1);
        AssertClose(T.CreateTruncating(exact), actual, 2, (4 * epsilon * magnitude) + SummationOrder(actual, count), $"sigmoid+BCE {typeof(T).Name} value {rows}×{columns}");
    }

    private static void CheckSoftmaxCe<T>(Loss loss, KernelPath path, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var count = rows * columns;
        var z = Random<T>(count, -10, 10, seed: count);
        var a = new T[count];
        Activations.Forward(Activation.Softmax, new ReadOnlyMatrixSpan<T>(z, rows, columns), new MatrixSpan<T>(a, rows, columns), ComputeOptions.For(KernelPath.Reference));
        var y = new T[loss.TargetsAreClassIds ? rows : count];
        for (var r = 0; r < rows; r++)
        {
            var hot = (r * 7) % columns;
            if (loss.TargetsAreClassIds)
            {
                y[r] = T.CreateTruncating(hot);
            }
            else
            {
                y[(r * columns) + hot] = T.One;
            }
        }

        var (expected, expectedGradient) = Fused(loss, Activation.Softmax, z, a, y, rows, columns, KernelPath.Reference);
        var (actual, actualGradient) = Fused(loss, Activation.Softmax, z, a, y, rows, columns, path);
        AssertIdentical<T>(expectedGradient, actualGradient, $"softmax+{loss} {typeof(T).Name} gradient {rows}×{columns}");

        // −(z − max − log Σ): three roundings of numbers up to |z| + |max| + log n in T, plus log Σ's own (the sum's
        // order differs): 4ε of that magnitude per row.
        var epsilon = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        AssertClose(expected, actual, 4, (4 * epsilon * (20 + 10 + Math.Log(columns) + 1)) + SummationOrder(expected, count), $"softmax+{loss} {typeof(T).Name} value {rows}×{columns}");
    }

    private static (T Value, T[] Gradient) Fused<T>(Loss loss, Activation activation, T[] z, T[] a, T[] y, int rows, int columns, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gradient = new T[z.Length];
        var value = Losses.EvaluateWithOutputGradient(
            loss, activation, new ReadOnlyMatrixSpan<T>(z, rows, columns), new ReadOnlyMatrixSpan<T>(a, rows, columns), new ReadOnlyMatrixSpan<T>(y, rows, loss.TargetColumns(columns)),
            new MatrixSpan<T>(gradient, rows, columns), ComputeOptions.For(path));
        return (value, gradient);
    }

    /// <summary>Probability-like predictions in [0, 1], with some exact zeros (the ε floor of the log).</summary>
    internal static T[] Probabilities<T>(int count, int seed)
        where T : IFloatingPointIeee754<T> => [.. Random<T>(count, -0.05, 1, seed).Select(v => T.Max(v, T.Zero))];

    /// <summary>One seeded class id in [0, <paramref name="classes"/>) per row (0 when there are no classes).</summary>
    internal static T[] ClassIds<T>(int rows, int classes, int seed)
        where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, rows).Select(_ => T.CreateTruncating(classes == 0 ? 0 : random.Next(classes)))];
    }

    // A sum of n non-negative terms in double moves by at most n·2^−53 of itself when the order changes.
    private static double SummationOrder<T>(T total, int count)
        where T : IFloatingPointIeee754<T> => count * Math.ScaleB(1, -53) * Math.Abs(double.CreateTruncating(total));

    private static double[] Widen<T>(T[] values)
        where T : IFloatingPointIeee754<T> => [.. values.Select(double.CreateTruncating)];
}
