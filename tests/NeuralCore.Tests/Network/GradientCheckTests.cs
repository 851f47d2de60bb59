namespace NeuralCore.Tests.Network;

[Trait("Category", "Kernels")]
public sealed class GradientCheckTests
{
    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    /// <summary>Every loss (with a second parameter where it has one) with every output activation it accepts.</summary>
    private static IEnumerable<(Loss Loss, Activation Output)> LossOutputPairs() =>
        from loss in TestLosses.All
        from activation in NetworkTestHelpers.AllActivations
        where loss.FitsOutput(activation)
        select (loss, activation);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Backpropagation_MatchesFiniteDifferences_ForEveryActivationLossAndDepth(KernelPath path)
    {
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var (loss, output) in LossOutputPairs())
        {
            foreach (var hidden in NetworkTestHelpers.AllActivations)
            {
                for (var depth = 1; depth <= 3; depth++)
                {
                    if (depth == 1 && hidden != Activation.Linear)
                    {
                        continue; // a one-layer net has no hidden activation
                    }

                    int[] sizes = depth switch { 1 => [3, 4], 2 => [3, 5, 4], _ => [3, 5, 6, 4] };
                    var activations = Enumerable.Repeat(hidden, depth - 1).Append(output).ToArray();
                    var architecture = NetworkArchitecture.FromSizes(sizes, activations);
                    using var network = new NeuralNetwork<double>(architecture, Initialization.Xavier(17) with { Bias = BiasInitialization.SmallNormal });
                    using var x = NetworkTestHelpers.RandomMatrix<double>(6, 3, 100 + depth);
                    using var y = Targets(loss, network, x, 200 + depth);
                    var before = NetworkTestHelpers.ParameterBytes(network);

                    var result = NetworkTestHelpers.CheckGradients(network, loss, x.ReadOnlySpan, y.ReadOnlySpan, path);

                    checkedCount++;
                    Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
                    Assert.Equal(depth, result.Layers.Count);
                    Assert.All(result.Layers, l => Assert.Equal(network.Architecture[l.Layer].InputDim * network.Architecture[l.Layer].OutputDim, l.WeightsChecked));

                    // The task's bar: relative error < 1e-6 in double (see GradientCheckOptions for the floor).
                    if (!(result.MaxRelativeError < 1e-6))
                    {
                        failures.Add($"{loss} {architecture}: {result.MaxRelativeError:E2}\n{result}");
                    }
                }
            }
        }

        var pairs = LossOutputPairs().Count();
        Assert.Equal(pairs + (pairs * NetworkTestHelpers.AllActivations.Length * 2), checkedCount);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// Targets for the check. Huber's targets sit between δ/4 and 3δ/4, or 3δ/2 and 3δ, from the network's outputs:
    /// at |a − y| = δ the loss is only once differentiable, and a finite-difference stencil straddling that point
    /// is off by O(h) (about 3e-6 here, seen when the targets were drawn at random), which is the stencil's error,
    /// not the gradient's.
    /// </summary>
    private static Matrix<double> Targets(Loss loss, NeuralNetwork<double> network, Matrix<double> x, int seed)
    {
        var y = NetworkTestHelpers.RandomTargets<double>(loss, x.Rows, network.OutputSize, seed);
        if (loss.Kind == LossKind.Huber)
        {
            var random = new Random(seed);
            network.Predict(x.ReadOnlySpan, y.Span);
            foreach (ref var value in y.Span.DangerousGetSpan())
            {
                var offset = random.Next(2) == 0 ? 0.25 + (0.5 * random.NextDouble()) : 1.5 + (1.5 * random.NextDouble());
                value += (random.Next(2) == 0 ? -1 : 1) * offset * loss.Parameter;
            }
        }

        return y;
    }

    [Theory]
    [InlineData(0, 1e-4)]
    [InlineData(1, 1e-3)]
    public void AWrongGradient_IsReportedInItsLayer(int layer, double relativeCorruption)
    {
        // The check must be able to fail: corrupt one backpropagated bias gradient by a known relative amount and
        // expect about that error in that layer and a clean figure elsewhere.
        var architecture = NetworkArchitecture.FromSizes([2, 3, 1], [Activation.Tanh, Activation.Sigmoid]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.Xavier(1) with { Bias = BiasInitialization.SmallNormal });
        using var x = NetworkTestHelpers.RandomMatrix<double>(5, 2, 1);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.BinaryCrossEntropy, 5, 1, 2);

        var result = GradientCheck.Run(
            network, Loss.BinaryCrossEntropy, x.ReadOnlySpan, y.ReadOnlySpan, default,
            (net, gradients) => gradients[net.Layout.BiasOffsets[layer]] *= 1 + relativeCorruption);

        Assert.InRange(result.Layers[layer].MaxBiasError, relativeCorruption * 0.5, relativeCorruption * 1.5);
        Assert.True(result.Layers[1 - layer].MaxRelativeError < 1e-7, result.ToString());
        Assert.True(result.Layers[layer].MaxWeightError < 1e-7, result.ToString());
    }

    [Fact]
    public void InputGradient_MatchesFiniteDifferences()
    {
        var architecture = NetworkArchitecture.FromSizes([3, 6, 2], [Activation.Tanh, Activation.Softmax]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.Xavier(8));
        using var x = NetworkTestHelpers.RandomMatrix<double>(4, 3, 3);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.CrossEntropy, 4, 2, 4);
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.CrossEntropy, Optimizer.Sgd(0.1)));
        using var gradient = new Matrix<double>(4, 3);
        trainer.ComputeGradients(x.ReadOnlySpan, y.ReadOnlySpan, gradient.Span);

        const double h = 1e-5;
        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                var original = x[r, c];
                double LossAt(double value)
                {
                    x[r, c] = value;
                    return trainer.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan).Loss;
                }

                var numeric = ((8 * (LossAt(original + h) - LossAt(original - h))) - (LossAt(original + (2 * h)) - LossAt(original - (2 * h)))) / (12 * h);
                x[r, c] = original;
                Assert.True(Math.Abs(numeric - gradient[r, c]) <= 1e-8 * Math.Max(1e-3, Math.Abs(numeric)), $"[{r},{c}] {gradient[r, c]} vs {numeric}");
            }
        }
    }

    [Fact]
    public void Float_WithItsDefaults_GivesUsefulFigures()
    {
        // float carries ~7 digits, so the figures are coarse; the defaults (h = 1e-2, floor 1e-3) keep them meaningful:
        // a correct gradient stays well below the 1e-2 a wrong one typically shows.
        var architecture = NetworkArchitecture.FromSizes([3, 8, 2], [Activation.Tanh, Activation.Softmax]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.Xavier(3));
        using var x = NetworkTestHelpers.RandomMatrix<float>(6, 3, 1);
        using var y = NetworkTestHelpers.RandomTargets<float>(Loss.CrossEntropy, 6, 2, 2);

        var result = GradientCheck.Run(network, Loss.CrossEntropy, x.ReadOnlySpan, y.ReadOnlySpan);

        Assert.Equal(1e-2, result.Step);
        Assert.True(result.MaxRelativeError < 1e-2, result.ToString());
    }

    [Fact]
    public void PaddedInternalRows_AreCheckedToo()
    {
        // Widths ≥ 16 get rows padded to a multiple of 16 internally (18 → 32): every real weight must still line up.
        var architecture = NetworkArchitecture.FromSizes([17, 18, 33, 2], [Activation.Tanh, Activation.Sigmoid, Activation.Linear]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.Xavier(5) with { Bias = BiasInitialization.SmallNormal });
        using var x = NetworkTestHelpers.RandomMatrix<double>(5, 17, 7);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.MeanSquaredError, 5, 2, 8);

        var result = GradientCheck.Run(network, Loss.MeanSquaredError, x.ReadOnlySpan, y.ReadOnlySpan);

        Assert.Equal(17 * 18, result.Layers[0].WeightsChecked);
        Assert.Equal(18 * 33, result.Layers[1].WeightsChecked);
        Assert.True(result.MaxRelativeError < 1e-6, result.ToString());
    }

    [Fact]
    public void Sampling_ChecksAtMostTheRequestedCount()
    {
        var architecture = NetworkArchitecture.FromSizes([20, 30, 3], [Activation.Relu, Activation.Softmax]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(2));
        using var x = NetworkTestHelpers.RandomMatrix<double>(8, 20, 5);
        using var y = NetworkTestHelpers.RandomTargets<double>(Loss.CrossEntropy, 8, 3, 6);

        var result = GradientCheck.Run(network, Loss.CrossEntropy, x.ReadOnlySpan, y.ReadOnlySpan, new GradientCheckOptions { MaxParametersPerLayer = 25, Seed = 3 });

        Assert.Equal(25, result.Layers[0].WeightsChecked);
        Assert.Equal(25, result.Layers[0].BiasesChecked);
        Assert.Equal(25, result.Layers[1].WeightsChecked);
        Assert.Equal(3, result.Layers[1].BiasesChecked);
        Assert.True(result.MaxRelativeError < 1e-6, result.ToString());
    }
}
