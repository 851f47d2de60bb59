using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Tests.Network;

/// <summary>The narrow (feature-major) engine against the GEMM engine on the same networks.</summary>
[Trait("Category", "Kernels")]
public sealed class NarrowEngineTests
{
    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    private static readonly Activation[] Elementwise = [.. TestActivations.Elementwise];

    [Fact]
    public void Eligibility_FollowsWidthActivationAndOutputCount()
    {
        Assert.True(NarrowEngine.IsEligible(NetworkArchitecture.FromSizes([2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Relu, Activation.Relu, Activation.Relu, Activation.Sigmoid])));
        Assert.True(NarrowEngine.IsEligible(NetworkArchitecture.FromSizes([32, 32, 1], [Activation.Tanh, Activation.Linear])));
        Assert.False(NarrowEngine.IsEligible(NetworkArchitecture.FromSizes([33, 4, 1], [Activation.Tanh, Activation.Linear])));
        Assert.False(NarrowEngine.IsEligible(NetworkArchitecture.FromSizes([2, 4, 2], [Activation.Tanh, Activation.Sigmoid])));
        Assert.False(NarrowEngine.IsEligible(NetworkArchitecture.FromSizes([2, 4, 1], [Activation.Softmax, Activation.Sigmoid])));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void GradientCheck_PassesOnTheNarrowEngine_ForEveryActivation(KernelPath path)
    {
        var failures = new List<string>();
        foreach (var hidden in Elementwise)
        {
            foreach (var (loss, output) in new[] { (Loss.MeanSquaredError, hidden), (Loss.BinaryCrossEntropy, Activation.Sigmoid) })
            {
                var architecture = NetworkArchitecture.FromSizes([3, 5, 7, 1], [hidden, hidden, output]);
                using var network = new NeuralNetwork<double>(architecture, Initialization.Xavier(31) with { Bias = BiasInitialization.SmallNormal }, narrow: true);
                using var x = NetworkTestHelpers.RandomMatrix<double>(37, 3, 5); // 37 = 2·16 + 5: vector and scalar columns
                using var y = NetworkTestHelpers.RandomTargets<double>(loss, 37, 1, 6);

                var result = GradientCheck.Run(network, loss, x.ReadOnlySpan, y.ReadOnlySpan, new GradientCheckOptions { Compute = ComputeOptions.For(path) });

                if (!(result.MaxRelativeError < 1e-6))
                {
                    failures.Add($"{loss} {architecture}: {result}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BothEngines_GiveTheSameLossGradientsAndPredictions(KernelPath path)
    {
        var architecture = NetworkArchitecture.FromSizes([2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Tanh, Activation.LeakyRelu, Activation.Sigmoid, Activation.Sigmoid]);
        using var narrow = new NeuralNetwork<double>(architecture, Initialization.He(3) with { Bias = BiasInitialization.SmallNormal }, narrow: true);
        using var gemm = new NeuralNetwork<double>(architecture, Initialization.He(3) with { Bias = BiasInitialization.SmallNormal }, narrow: false);
        using var data = Datasets.MakeMoons<double>(61, 0.2, seed: 4);
        var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.01)) { Compute = ComputeOptions.For(path) };
        using var narrowTrainer = new Trainer<double>(narrow, options);
        using var gemmTrainer = new Trainer<double>(gemm, options);
        using var narrowInputGradient = new Matrix<double>(61, 2);
        using var gemmInputGradient = new Matrix<double>(61, 2);

        var narrowLoss = narrowTrainer.ComputeGradients(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, narrowInputGradient.Span);
        var gemmLoss = gemmTrainer.ComputeGradients(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, gemmInputGradient.Span);

        // Double, sums of ≤ 61 terms in a different order: 1e-12 absolute + relative is ample and still catches any index slip.
        Assert.Equal(gemmLoss, narrowLoss, 1e-12);
        for (var l = 0; l < architecture.LayerCount; l++)
        {
            var spec = architecture[l];
            using var a = new Matrix<double>(spec.OutputDim, spec.InputDim);
            using var b = new Matrix<double>(spec.OutputDim, spec.InputDim);
            narrowTrainer.CopyWeightGradientTo(l, a.Span);
            gemmTrainer.CopyWeightGradientTo(l, b.Span);
            AssertClose(b.ToArray(), a.ToArray());
            var da = new double[spec.OutputDim];
            var db = new double[spec.OutputDim];
            narrowTrainer.CopyBiasGradientTo(l, da);
            gemmTrainer.CopyBiasGradientTo(l, db);
            AssertClose(db, da);
        }

        AssertClose(gemmInputGradient.ToArray(), narrowInputGradient.ToArray());

        using var narrowOut = new Matrix<double>(61, 1);
        using var gemmOut = new Matrix<double>(61, 1);
        using var narrowPredictor = narrow.CreatePredictor(16, ComputeOptions.For(path));
        using var gemmPredictor = gemm.CreatePredictor(16, ComputeOptions.For(path));
        narrowPredictor.Predict(data.Features.ReadOnlySpan, narrowOut.Span);
        gemmPredictor.Predict(data.Features.ReadOnlySpan, gemmOut.Span);
        AssertClose(gemmOut.ToArray(), narrowOut.ToArray());
        // A strided output column takes the transpose-back path; a contiguous one is written by the last layer: same values.
        using var wide = new Matrix<double>(61, 3);
        narrowPredictor.Predict(data.Features.ReadOnlySpan, wide.Span.SliceColumns(1, 1));
        for (var r = 0; r < 61; r++)
        {
            Assert.Equal(narrowOut[r, 0], wide[r, 1]);
            Assert.Equal(0, wide[r, 0]);
            Assert.Equal(0, wide[r, 2]);
        }

        var single = new double[1];
        narrowPredictor.Predict(data.Features.ReadOnlySpan.GetRowSpan(60), single);
        Assert.Equal(narrowOut[60, 0], single[0], 1e-15);
    }

    [Fact]
    public void BothEngines_TrainTheMoonsNetToTheSameResult()
    {
        var architecture = NetworkArchitecture.FromSizes([2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Relu, Activation.Relu, Activation.Relu, Activation.Sigmoid]);
        using var data = Datasets.MakeMoons<double>(300, 0.2, seed: 2);
        double[] Train(bool narrow)
        {
            using var network = new NeuralNetwork<double>(architecture, Initialization.He(5), narrow);
            network.Train(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.01)) { Epochs = 20, BatchSize = 32, Seed = 1 });
            return network.GetParameters();
        }

        // 20 epochs of Adam amplify last-bit differences of reordered sums; 1e-9 still pins the same trajectory.
        AssertClose(Train(false), Train(true), 1e-9);
    }

    /// <summary>
    /// Fit without shuffling and a batch smaller than the data set hands the narrow engine column slices of the
    /// transposed data (the last one a single sample here, so it cannot be widened to 16 columns in place); both engines
    /// still train to the same parameters.
    /// </summary>
    [Fact]
    public void BothEngines_AgreeOnUnshuffledMiniBatches_EndingInOneSample()
    {
        var architecture = NetworkArchitecture.FromSizes([2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Relu, Activation.Relu, Activation.Relu, Activation.Sigmoid]);
        using var data = Datasets.MakeMoons<double>(98, 0.2, seed: 6);
        double[] Train(bool narrow)
        {
            using var network = new NeuralNetwork<double>(architecture, Initialization.He(7), narrow);
            network.Train(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 5, BatchSize = 97, Shuffle = false });
            return network.GetParameters();
        }

        AssertClose(Train(false), Train(true), 1e-11);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"[{i}] {actual[i]} vs {expected[i]}");
        }
    }

    /// <summary>
    /// The trainer runs the layer kernels over whole 16-sample vectors, past the batch into its buffers' padding;
    /// those columns must never reach a real one. A step on 20 samples right after steps on 32 other samples (so the
    /// padding holds their leftovers) gives bit for bit the parameters
    /// and loss of the same step on a fresh trainer whose padding is zero.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void PaddedColumns_NeverReachTheRealSamples(KernelPath path)
    {
        var architecture = NetworkArchitecture.FromSizes([2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Tanh, Activation.LeakyRelu, Activation.Sigmoid, Activation.Sigmoid]);
        var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.05)) { Compute = ComputeOptions.For(path), BatchSize = 32 };
        using var data = Datasets.MakeMoons<float>(52, 0.2, seed: 9);
        var large = data.Features.ReadOnlySpan.SliceRows(0, 32);
        var largeY = data.Targets.ReadOnlySpan.SliceRows(0, 32);
        var small = data.Features.ReadOnlySpan.SliceRows(32, 20);
        var smallY = data.Targets.ReadOnlySpan.SliceRows(32, 20);

        using var used = new NeuralNetwork<float>(architecture, Initialization.He(5), narrow: true);
        using var fresh = new NeuralNetwork<float>(architecture, Initialization.He(5), narrow: true);
        using (var warm = new Trainer<float>(used, options))
        {
            for (var i = 0; i < 3; i++)
            {
                warm.TrainStep(large, largeY);
            }
        }

        using var usedTrainer = new Trainer<float>(used, options);
        using var freshTrainer = new Trainer<float>(fresh, options);
        usedTrainer.TrainStep(large, largeY);
        usedTrainer.TrainStep(large, largeY);
        for (var l = 0; l < architecture.LayerCount; l++)
        {
            fresh.SetWeights(l, used.GetWeights(l));
            fresh.SetBias(l, used.GetBias(l));
        }

        var usedLoss = usedTrainer.TrainStep(small, smallY);
        var freshLoss = freshTrainer.TrainStep(small, smallY);

        Assert.Equal(freshLoss, usedLoss);
        Assert.Equal(fresh.GetParameters(), used.GetParameters());
    }
}
