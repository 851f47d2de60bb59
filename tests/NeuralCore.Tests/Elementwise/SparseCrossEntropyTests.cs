using System.Numerics;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>Sparse cross-entropy (class-id targets) against cross-entropy with the one-hot rows, and its argument checks.</summary>
[Trait("Category", "Kernels")]
public sealed class SparseCrossEntropyTests
{
    public static TheoryData<KernelPath> AllPaths => [.. Kernels.Available];

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void FusedWithSoftmax_IsCrossEntropyWithTheOneHotRows_BitForBit(KernelPath path)
    {
        foreach (var n in Lengths.Where(n => n > 0 && n < 1000).Append(4096 + 7))
        {
            CheckFused<float>(path, (n % 3) + 1, n);
            CheckFused<double>(path, (n % 3) + 1, n);
        }
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void OnProbabilities_IsCrossEntropyWithTheOneHotRows(KernelPath path)
    {
        foreach (var n in Lengths.Where(n => n > 0))
        {
            CheckProbabilities<float>(path, (n % 4) + 1, n);
            CheckProbabilities<double>(path, (n % 4) + 1, n);
        }
    }

    [Theory]
    [MemberData(nameof(AllPaths))]
    public void FusedGradient_MayBeWrittenOverZOrA(KernelPath path)
    {
        const int rows = 3;
        foreach (var columns in new[] { 1, 2, 10, 17, 64, 65 })
        {
            var count = rows * columns;
            var z = Random<float>(count, -5, 5, seed: columns);
            var a = new float[count];
            Activations.Forward(Activation.Softmax, new ReadOnlyMatrixSpan<float>(z, rows, columns), new MatrixSpan<float>(a, rows, columns), ComputeOptions.For(path));
            var ids = LossTests.ClassIds<float>(rows, columns, seed: columns);
            var target = new ReadOnlyMatrixSpan<float>(ids, rows, 1);
            var gradient = new float[count];
            var expected = Losses.EvaluateWithOutputGradient(
                Loss.SparseCrossEntropy, Activation.Softmax, new ReadOnlyMatrixSpan<float>(z, rows, columns), new ReadOnlyMatrixSpan<float>(a, rows, columns), target,
                new MatrixSpan<float>(gradient, rows, columns), ComputeOptions.For(path));

            var overZ = (float[])z.Clone();
            var valueOverZ = Losses.EvaluateWithOutputGradient(
                Loss.SparseCrossEntropy, Activation.Softmax, new ReadOnlyMatrixSpan<float>(overZ, rows, columns), new ReadOnlyMatrixSpan<float>(a, rows, columns), target,
                new MatrixSpan<float>(overZ, rows, columns), ComputeOptions.For(path));
            Assert.Equal(expected, valueOverZ);
            AssertIdentical<float>(gradient, overZ, $"gradient over Z, {rows}×{columns}");

            var overA = (float[])a.Clone();
            var valueOverA = Losses.EvaluateWithOutputGradient(
                Loss.SparseCrossEntropy, Activation.Softmax, new ReadOnlyMatrixSpan<float>(z, rows, columns), new ReadOnlyMatrixSpan<float>(overA, rows, columns), target,
                new MatrixSpan<float>(overA, rows, columns), ComputeOptions.For(path));
            Assert.Equal(expected, valueOverA);
            AssertIdentical<float>(gradient, overA, $"gradient over A, {rows}×{columns}");
        }
    }

    [Theory]
    [InlineData(4.0, "4")]
    [InlineData(1.5, "1.5")]
    [InlineData(-1.0, "-1")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void AnIdThatIsNotAClass_IsRejectedNamingTheRow_AndNothingIsWritten(double bad, string shown)
    {
        foreach (var path in Kernels.Available)
        {
            var options = ComputeOptions.For(path);
            var z = Random<double>(12, -2, 2, seed: 1);
            var a = new double[12];
            Activations.Forward(Activation.Softmax, new ReadOnlyMatrixSpan<double>(z, 3, 4), new MatrixSpan<double>(a, 3, 4), options);
            double[] ids = [0, bad, 3];
            var gradient = Enumerable.Repeat(7.0, 12).ToArray();

            var ex = Assert.Throws<ArgumentException>(() => Losses.Evaluate(
                Loss.SparseCrossEntropy, new ReadOnlyMatrixSpan<double>(a, 3, 4), new ReadOnlyMatrixSpan<double>(ids, 3, 1), new MatrixSpan<double>(gradient, 3, 4), options));
            Assert.Equal("target", ex.ParamName);
            Assert.Contains($"integers from 0 to 3 for the C = 4 classes (output columns); row 1 holds {shown}.", ex.Message, StringComparison.Ordinal);
            Assert.All(gradient, g => Assert.Equal(7.0, g));

            ex = Assert.Throws<ArgumentException>(() => Losses.EvaluateWithOutputGradient(
                Loss.SparseCrossEntropy, Activation.Softmax, new ReadOnlyMatrixSpan<double>(z, 3, 4), new ReadOnlyMatrixSpan<double>(a, 3, 4),
                new ReadOnlyMatrixSpan<double>(ids, 3, 1), new MatrixSpan<double>(gradient, 3, 4), options));
            Assert.Equal("target", ex.ParamName);
            Assert.Contains($"row 1 holds {shown}.", ex.Message, StringComparison.Ordinal);
            Assert.All(gradient, g => Assert.Equal(7.0, g));
        }
    }

    [Fact]
    public void TheTargetIsOneColumn()
    {
        var p = new double[12];
        var ex = Assert.Throws<ArgumentException>(() => Losses.Evaluate(Loss.SparseCrossEntropy, new ReadOnlyMatrixSpan<double>(p, 3, 4), new ReadOnlyMatrixSpan<double>(p, 3, 4)));
        Assert.Equal("target", ex.ParamName);
        Assert.Contains("target must be 3×1 for sparse_ce, one class id per row of prediction (3×4); got 3×4.", ex.Message, StringComparison.Ordinal);
    }

    private static void CheckFused<T>(KernelPath path, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var count = rows * columns;
        var z = Random<T>(count, -10, 10, seed: count);
        var a = new T[count];
        Activations.Forward(Activation.Softmax, new ReadOnlyMatrixSpan<T>(z, rows, columns), new MatrixSpan<T>(a, rows, columns), ComputeOptions.For(path));
        var ids = LossTests.ClassIds<T>(rows, columns, seed: count + 1);
        var oneHot = OneHot(ids, columns);

        var (sparse, sparseGradient) = Fused(Loss.SparseCrossEntropy, z, a, ids, rows, columns, path);
        var (dense, denseGradient) = Fused(Loss.CrossEntropy, z, a, oneHot, rows, columns, path);

        // The same operations on the same numbers: the one-hot row's zeros add exact zeros to the sum.
        Assert.Equal(dense, sparse);
        AssertIdentical<T>(denseGradient, sparseGradient, $"softmax+sparse CE {typeof(T).Name} gradient {rows}×{columns} on {path}");
    }

    private static void CheckProbabilities<T>(KernelPath path, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var count = rows * columns;
        var p = LossTests.Probabilities<T>(count, seed: count);
        var ids = LossTests.ClassIds<T>(rows, columns, seed: count + 1);
        var oneHot = OneHot(ids, columns);
        var (sparse, sparseGradient) = Evaluate(Loss.SparseCrossEntropy, p, ids, rows, columns, path);
        var (dense, denseGradient) = Evaluate(Loss.CrossEntropy, p, oneHot, rows, columns, path);

        // Equal as numbers: cross-entropy's zeros are −0/p = −0, the sparse form's +0.
        for (var i = 0; i < count; i++)
        {
            if (sparseGradient[i] != denseGradient[i])
            {
                Assert.Fail($"sparse CE {typeof(T).Name} gradient {rows}×{columns} on {path} [{i}]: {sparseGradient[i]:R} vs cross-entropy's {denseGradient[i]:R}");
            }
        }

        // One log per row: the scalar log here, cross-entropy's vector lanes take the vector log (≤ 1 ulp apart per term).
        AssertClose(dense, sparse, 4 * rows, 0, $"sparse CE {typeof(T).Name} value {rows}×{columns} on {path}");

        // And the scalar reference, whose terms are the same scalar operations: bit for bit.
        var (reference, referenceGradient) = Evaluate(Loss.SparseCrossEntropy, p, ids, rows, columns, KernelPath.Reference);
        Assert.Equal(reference, sparse);
        AssertIdentical<T>(referenceGradient, sparseGradient, $"sparse CE {typeof(T).Name} gradient vs reference {rows}×{columns} on {path}");
    }

    private static T[] OneHot<T>(T[] ids, int columns)
        where T : IFloatingPointIeee754<T>
    {
        var oneHot = new T[ids.Length * columns];
        for (var r = 0; r < ids.Length; r++)
        {
            oneHot[(r * columns) + int.CreateChecked(ids[r])] = T.One;
        }

        return oneHot;
    }

    private static (T Value, T[] Gradient) Fused<T>(Loss loss, T[] z, T[] a, T[] y, int rows, int columns, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gradient = new T[z.Length];
        var value = Losses.EvaluateWithOutputGradient(
            loss, Activation.Softmax, new ReadOnlyMatrixSpan<T>(z, rows, columns), new ReadOnlyMatrixSpan<T>(a, rows, columns),
            new ReadOnlyMatrixSpan<T>(y, rows, loss.TargetColumns(columns)), new MatrixSpan<T>(gradient, rows, columns), ComputeOptions.For(path));
        return (value, gradient);
    }

    private static (T Value, T[] Gradient) Evaluate<T>(Loss loss, T[] p, T[] y, int rows, int columns, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gradient = new T[p.Length];
        var value = Losses.Evaluate(
            loss, new ReadOnlyMatrixSpan<T>(p, rows, columns), new ReadOnlyMatrixSpan<T>(y, rows, loss.TargetColumns(columns)),
            new MatrixSpan<T>(gradient, rows, columns), ComputeOptions.For(path));
        return (value, gradient);
    }
}
