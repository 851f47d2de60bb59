using System.Numerics;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>Activations forward and backward on every fast path, against the scalar reference.</summary>
[Trait("Category", "Kernels")]
public sealed class ActivationTests
{
    public static TheoryData<KernelPath, Activation> PathsAndActivations
    {
        get
        {
            var data = new TheoryData<KernelPath, Activation>();
            foreach (var path in FastPaths)
            {
                foreach (var activation in TestActivations.All)
                {
                    data.Add(path, activation);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndActivations))]
    public void Forward_MatchesReference_AtEveryLength(KernelPath path, Activation activation)
    {
        foreach (var n in Lengths)
        {
            CheckForward<float>(activation, path, Random<float>(n, -12, 12, seed: n), $"{activation} float n={n}");
            CheckForward<double>(activation, path, Random<double>(n, -12, 12, seed: n), $"{activation} double n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndActivations))]
    public void Forward_MatchesReference_OnSpecialValues(KernelPath path, Activation activation)
    {
        if (activation == Activation.Softmax)
        {
            return; // A row of specials is mostly NaN by definition; softmax has its own special-value tests below.
        }

        CheckForward<float>(activation, path, SpecialValues<float>(), $"{activation} float specials");
        CheckForward<double>(activation, path, SpecialValues<double>(), $"{activation} double specials");
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void SigmoidAndTanh_AreNeverNaN_ForFiniteInput_AndKeepTheSignOfZero(KernelPath path)
    {
        var z = SpecialValues<float>().Where(float.IsFinite).ToArray();
        var sigmoid = Forward(Activation.Sigmoid, z, path);
        var tanh = Forward(Activation.Tanh, z, path);
        for (var i = 0; i < z.Length; i++)
        {
            Assert.False(float.IsNaN(sigmoid[i]), $"sigmoid({z[i]}) is NaN");
            Assert.InRange(sigmoid[i], 0f, 1f);
            Assert.InRange(tanh[i], -1f, 1f);
            Assert.Equal(float.IsNegative(z[i]), float.IsNegative(tanh[i]));
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void Softmax_SubtractsTheMax(KernelPath path)
    {
        Assert.Equal([0.5f, 0.5f, 0f], Forward(Activation.Softmax, [1000f, 1000f, 0f], path));
        Assert.Equal([0.5, 0.5, 0.0], Forward(Activation.Softmax, [1000.0, 1000.0, 0.0], path));
        var wide = Forward(Activation.Softmax, [89f, 0f, 0f, float.NegativeInfinity], path);
        Assert.Equal(1f, wide[0], 6);
        Assert.Equal(0f, wide[3]);
        Assert.All(wide, v => Assert.False(float.IsNaN(v)));
    }

    [Theory]
    [MemberData(nameof(PathsAndActivations))]
    public void Backward_MatchesReference_AtEveryLength(KernelPath path, Activation activation)
    {
        foreach (var n in Lengths)
        {
            CheckBackward<float>(activation, path, n, $"{activation} float n={n}");
            CheckBackward<double>(activation, path, n, $"{activation} double n={n}");
        }
    }

    [Fact]
    public void TheOverloadWithoutZ_RefusesTheActivationsThatNeedIt()
    {
        var data = new float[4];
        foreach (var activation in TestActivations.Elementwise)
        {
            void Call() => Activations.Backward(activation, new ReadOnlyMatrixSpan<float>(data, 2, 2), new ReadOnlyMatrixSpan<float>(data, 2, 2), new MatrixSpan<float>(new float[4], 2, 2));
            if (activation.BackwardNeedsPreActivation)
            {
                var ex = Assert.Throws<ArgumentException>(Call);
                Assert.Equal("activation", ex.ParamName);
                Assert.Contains(activation.ToString(), ex.Message, StringComparison.Ordinal);
            }
            else
            {
                Call();
            }
        }

        // And the overload with Z checks Z's shape when it is needed.
        var wrong = Assert.Throws<ArgumentException>(() => Activations.Backward(
            Activation.Gelu, new ReadOnlyMatrixSpan<float>(data, 1, 2), new ReadOnlyMatrixSpan<float>(data, 2, 2), new ReadOnlyMatrixSpan<float>(data, 2, 2), new MatrixSpan<float>(new float[4], 2, 2)));
        Assert.Equal("preActivation", wrong.ParamName);
    }

    [Theory]
    [MemberData(nameof(PathsAndActivations))]
    public void StridedViews_AndInPlace_MatchReference_AndLeaveThePaddingAlone(KernelPath path, Activation activation)
    {
        foreach (var columns in new[] { 1, 3, 7, 16, 17, 33, 64, 65 })
        {
            CheckStrided<float>(activation, path, rows: 5, columns, stride: columns + 3);
            CheckStrided<double>(activation, path, rows: 5, columns, stride: columns + 3);
        }
    }

    private static void CheckForward<T>(Activation activation, KernelPath path, T[] z, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Softmax's oracle is the reference in double: the float reference sums the row sequentially in float, which is
        // less accurate than our lane-wise partial sums (at n = 65539 it is the larger error of the two).
        var softmax = TestActivations.Facts(activation.Kind).ForwardMatch == ReferenceMatch.SoftmaxRow;
        var expected = softmax
            ? [.. Forward(activation, [.. z.Select(double.CreateTruncating)], KernelPath.Reference).Select(T.CreateTruncating)]
            : Forward(activation, z, KernelPath.Reference);
        var actual = Forward(activation, z, path);
        if (softmax && z.Length > 0)
        {
            // exp(z − max) sees the rounding of z − max in T, a relative error of |z − max|·ε/2, i.e. |z − max|/2 ulps
            // (the double oracle subtracts exactly); plus exp (1 ulp), the division (0.5) and the sum (√n ulps as above).
            var max = z.Max();
            for (var i = 0; i < z.Length; i++)
            {
                var shift = Math.Abs(double.CreateTruncating(z[i] - max));
                AssertClose(expected[i], actual[i], SoftmaxUlps(z.Length) + shift, 0, context, i);
            }

            return;
        }

        CompareForward(activation, z, expected, actual, z.Length, context);
    }

    private static void CompareForward<T>(Activation activation, T[] z, T[] expected, T[] actual, int rowLength, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var facts = TestActivations.Facts(activation.Kind);
        switch (facts.ForwardMatch)
        {
            case ReferenceMatch.Identical:
                // Same operations as the reference (a compare and a multiply): bit for bit.
                AssertIdentical<T>(expected, actual, context);
                return;
            case ReferenceMatch.MeasuredUlps:
                for (var i = 0; i < expected.Length; i++)
                {
                    // TranscendentalAccuracyTests' bounds: ulps times the conditioning, plus subnormal steps where an
                    // exponential underflows (see SmoothActivations_KeepTheirSubnormalTails).
                    var x = double.CreateTruncating(z[i]);
                    var ulps = facts.ForwardUlps!.Value.For<T>() * facts.Conditioning(x);
                    AssertClose(expected[i], actual[i], ulps, ((2 * Math.Abs(x)) + 4) * double.CreateTruncating(T.Epsilon), context, i);
                }

                return;
            case ReferenceMatch.Ulps:
                for (var i = 0; i < expected.Length; i++)
                {
                    AssertClose(expected[i], actual[i], facts.ForwardUlps!.Value.For<T>(), 0, context, i);
                }

                return;
            case ReferenceMatch.SoftmaxRow:
                for (var i = 0; i < expected.Length; i++)
                {
                    AssertClose(expected[i], actual[i], SoftmaxUlps(rowLength), 0, context, i);
                }

                return;
        }

        throw new ArgumentOutOfRangeException(nameof(activation), activation, $"No comparison for {facts.ForwardMatch}.");
    }

    // Softmax: exp and the division (ours and the reference's own, 4 ulps), plus the sum: a different summation order
    // moves it by about √n ulps (random-walk rounding), and every output is divided by it.
    private static double SoftmaxUlps(int rowLength) => 4 + (2 * Math.Sqrt(rowLength));

    private static void CheckBackward<T>(Activation activation, KernelPath path, int n, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var z = Random<T>(n, -6, 6, seed: n);
        var a = Forward(activation, z, KernelPath.Reference);
        var gradA = Random<T>(n, -2, 2, seed: n + 1000);
        var expected = Backward(activation, z, a, gradA, KernelPath.Reference);
        var actual = Backward(activation, z, a, gradA, path);
        var rule = TestActivations.Facts(activation.Kind).DerivativeMatch;
        switch (rule)
        {
            case ReferenceMatch.MeasuredUlps:
                CompareDerivatives(activation, z, gradA, expected, actual, context);
                return;
            case ReferenceMatch.Identical:
                // The element-wise derivatives from A do the reference's multiplications in its order: bit for bit.
                AssertIdentical<T>(expected, actual, context);
                return;
            case ReferenceMatch.SoftmaxRow:
                var scale = SoftmaxBackwardScale(a, gradA, n);
                for (var i = 0; i < n; i++)
                {
                    AssertClose(expected[i], actual[i], 2, scale * Math.Abs(double.CreateTruncating(a[i])), context, i);
                }

                return;
        }

        throw new ArgumentOutOfRangeException(nameof(activation), activation, $"No derivative comparison for {rule}.");
    }

    /// <summary>dA·f′ from Z against the reference (in double): the bound of TranscendentalAccuracyTests in ulps of f′'s terms, times |dA|.</summary>
    private static void CompareDerivatives<T>(Activation activation, T[] z, T[] gradA, T[] expected, T[] actual, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var facts = TestActivations.Facts(activation.Kind);
        for (var i = 0; i < z.Length; i++)
        {
            var x = double.CreateTruncating(z[i]);
            var scale = facts.DerivativeScale(activation, x) * Math.Abs(double.CreateTruncating(gradA[i]));
            var absolute = facts.DerivativeUlps!.Value.For<T>() * facts.Conditioning(x) * Ulp(T.CreateTruncating(scale));
            AssertClose(expected[i], actual[i], 0, absolute, context, i);
        }
    }

    // dZ_j = a_j (dA_j − Σ dA·a): only the dot's summation order differs from the reference, and a sum's error is at
    // most n·ε·Σ|dA·a|, which dZ_j sees times a_j.
    private static double SoftmaxBackwardScale<T>(T[] a, T[] gradA, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var epsilon = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        var magnitude = a.Zip(gradA, (x, g) => Math.Abs(double.CreateTruncating(x * g))).Sum();
        return n * epsilon * magnitude;
    }

    private static void CheckStrided<T>(Activation activation, KernelPath path, int rows, int columns, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = ((rows - 1) * stride) + columns;
        var sentinel = T.CreateTruncating(12345);
        var z = Random<T>(length, -5, 5, seed: columns);
        var expected = Enumerable.Repeat(sentinel, length).ToArray();
        var actual = Enumerable.Repeat(sentinel, length).ToArray();
        Activations.Forward(activation, new ReadOnlyMatrixSpan<T>(z, rows, columns, stride), new MatrixSpan<T>(expected, rows, columns, stride), ComputeOptions.For(KernelPath.Reference));
        Activations.Forward(activation, new ReadOnlyMatrixSpan<T>(z, rows, columns, stride), new MatrixSpan<T>(actual, rows, columns, stride), ComputeOptions.For(path));
        CompareForward(activation, z, expected, actual, columns, $"{activation} strided {rows}×{columns}/{stride}");
        for (var i = 0; i < length; i++)
        {
            if (i % stride >= columns)
            {
                Assert.Equal(sentinel, actual[i]);
            }
        }

        // In place: the same view as input and output.
        var inPlace = (T[])z.Clone();
        var view = new MatrixSpan<T>(inPlace, rows, columns, stride);
        Activations.Forward(activation, view, view, ComputeOptions.For(path));
        var reference = (T[])z.Clone();
        var referenceView = new MatrixSpan<T>(reference, rows, columns, stride);
        Activations.Forward(activation, referenceView, referenceView, ComputeOptions.For(KernelPath.Reference));
        CompareForward(activation, z, reference, inPlace, columns, $"{activation} in place {rows}×{columns}/{stride}");

        // Backward in place on the gradient, strided (Z strided too: the activations that read it).
        var gradA = Random<T>(length, -2, 2, seed: columns + 7);
        var gradExpected = (T[])gradA.Clone();
        var gradActual = (T[])gradA.Clone();
        var expectedView = new MatrixSpan<T>(gradExpected, rows, columns, stride);
        var actualView = new MatrixSpan<T>(gradActual, rows, columns, stride);
        var zView = new ReadOnlyMatrixSpan<T>(z, rows, columns, stride);
        Activations.Backward(activation, zView, new ReadOnlyMatrixSpan<T>(reference, rows, columns, stride), expectedView, expectedView, ComputeOptions.For(KernelPath.Reference));
        Activations.Backward(activation, zView, new ReadOnlyMatrixSpan<T>(reference, rows, columns, stride), actualView, actualView, ComputeOptions.For(path));
        var rule = TestActivations.Facts(activation.Kind).DerivativeMatch;
        if (rule == ReferenceMatch.MeasuredUlps)
        {
            CompareDerivatives(activation, z, gradA, gradExpected, gradActual, $"{activation} backward in place");
            return;
        }

        var softmax = rule == ReferenceMatch.SoftmaxRow;
        var softmaxScale = SoftmaxBackwardScale(reference, gradA, columns);
        for (var i = 0; i < length; i++)
        {
            var absolute = softmax ? softmaxScale * Math.Abs(double.CreateTruncating(reference[i])) : 0;
            AssertClose(gradExpected[i], gradActual[i], softmax ? 2 : 0, absolute, $"{activation} backward in place", i);
        }
    }

    private static T[] Forward<T>(Activation activation, T[] z, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new T[z.Length];
        Activations.Forward(activation, new ReadOnlyMatrixSpan<T>(z, 1, z.Length), new MatrixSpan<T>(a, 1, a.Length), ComputeOptions.For(path));
        return a;
    }

    private static T[] Backward<T>(Activation activation, T[] z, T[] a, T[] gradA, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gradZ = new T[a.Length];
        var options = ComputeOptions.For(path);
        if (activation.BackwardNeedsPreActivation)
        {
            Activations.Backward(
                activation, new ReadOnlyMatrixSpan<T>(z, 1, z.Length), new ReadOnlyMatrixSpan<T>(a, 1, a.Length), new ReadOnlyMatrixSpan<T>(gradA, 1, a.Length),
                new MatrixSpan<T>(gradZ, 1, a.Length), options);
        }
        else
        {
            // The overload without Z, which these activations take.
            Activations.Backward(activation, new ReadOnlyMatrixSpan<T>(a, 1, a.Length), new ReadOnlyMatrixSpan<T>(gradA, 1, a.Length), new MatrixSpan<T>(gradZ, 1, a.Length), options);
        }

        return gradZ;
    }
}
