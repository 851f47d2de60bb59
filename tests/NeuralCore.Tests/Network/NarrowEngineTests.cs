using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Tests.Network;

/// <summary>The narrow (feature-major) engine against the GEMM engine on the same networks.</summary>
[Trait("Category", "Kernels")]
public sealed class NarrowEngineTests
{
    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    private static readonly Activation[] Elementwise = [.. TestActivations.Elementwise];

    /// <summary>The activations whose f′ reads Z, so the engines store Z for their layers.</summary>
    private static readonly Activation[] StoredZ = [.. TestActivations.Elementwise.Where(a => a.BackwardNeedsPreActivation)];

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

                var result = NetworkTestHelpers.CheckGradients(network, loss, x.ReadOnlySpan, y.ReadOnlySpan, path);

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

    /// <summary>
    /// Every element-wise activation in the hidden layers (and as the output under MSE): both engines give the loss,
    /// the gradients of every layer and ∂L/∂X of the same batch, and those of the fast paths match the reference path's
    /// (whose kernels, and references through Φ, σ and exp in double, are independent of the vector ones). The
    /// activations whose f′ reads Z are right only if each engine stored Z for exactly those layers and handed it on.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void BothEngines_AgreeWithEachOtherAndTheReference_ForEveryActivation(KernelPath path)
    {
        using var data = Datasets.MakeMoons<double>(37, 0.2, seed: 4);
        foreach (var hidden in Elementwise)
        {
            foreach (var (loss, output) in new[] { (Loss.BinaryCrossEntropy, Activation.Sigmoid), (Loss.MeanSquaredError, hidden) })
            {
                var architecture = NetworkArchitecture.FromSizes([2, 5, 7, 1], [hidden, hidden, output]);
                var (narrowLoss, narrowGradients, narrowInput) = Gradients(architecture, narrow: true, loss, data, path);
                var (gemmLoss, gemmGradients, gemmInput) = Gradients(architecture, narrow: false, loss, data, path);
                var (referenceLoss, referenceGradients, referenceInput) = Gradients(architecture, narrow: false, loss, data, KernelPath.Reference);

                // Double sums of ≤ 37 terms in another order, and (against the reference) activations within a few ulps
                // of each other, through 3 layers: 1e-12 relative + absolute is ample and still catches an index slip.
                var what = $"{loss} {architecture} {path}";
                Assert.True(Math.Abs(gemmLoss - narrowLoss) <= 1e-12 * (1 + Math.Abs(gemmLoss)), $"{what}: loss {narrowLoss} vs {gemmLoss}");
                Assert.True(Math.Abs(referenceLoss - gemmLoss) <= 1e-12 * (1 + Math.Abs(referenceLoss)), $"{what}: loss {gemmLoss} vs reference {referenceLoss}");
                AssertClose(gemmGradients, narrowGradients);
                AssertClose(referenceGradients, gemmGradients);
                AssertClose(gemmInput, narrowInput);
                AssertClose(referenceInput, gemmInput);
            }
        }

        static (double Loss, double[] Gradients, double[] Input) Gradients(NetworkArchitecture architecture, bool narrow, Loss loss, Dataset<double> data, KernelPath path)
        {
            using var network = new NeuralNetwork<double>(architecture, Initialization.Xavier(9) with { Bias = BiasInitialization.SmallNormal }, narrow);
            Assert.Equal(narrow, network.IsNarrow);
            using var trainer = new Trainer<double>(network, new TrainingOptions(loss, Optimizer.Sgd(0.1)) { Compute = ComputeOptions.For(path) });
            using var input = new Matrix<double>(37, 2);
            var value = trainer.ComputeGradients(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan, input.Span);
            return (value, trainer.GradientStorage.ToArray(), input.ToArray());
        }
    }

    /// <summary>
    /// Training with each activation whose f′ reads Z in the hidden layers, on either engine: the loss falls, and both
    /// engines reach the same parameters (to the rounding that 20 epochs of Adam amplify from reordered sums).
    /// </summary>
    [Fact]
    public void BothEngines_TrainEveryStoredZActivationToTheSameResult()
    {
        using var data = Datasets.MakeMoons<double>(200, 0.2, seed: 2);
        foreach (var hidden in StoredZ)
        {
            var architecture = NetworkArchitecture.FromSizes([2, 8, 8, 1], [hidden, hidden, Activation.Sigmoid]);
            (double[] Parameters, double First, double Last) Train(bool narrow)
            {
                using var network = new NeuralNetwork<double>(architecture, Initialization.Xavier(5) with { Bias = BiasInitialization.SmallNormal }, narrow);
                var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.02)) { Epochs = 20, BatchSize = 32, Seed = 1 };
                using var trainer = new Trainer<double>(network, options);
                var first = trainer.Evaluate(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan).Loss;
                trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
                var last = trainer.Evaluate(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan).Loss;
                return (network.GetParameters(), first, last);
            }

            var gemm = Train(narrow: false);
            var narrow = Train(narrow: true);
            Assert.True(gemm.Last < 0.8 * gemm.First, $"{hidden}: loss {gemm.First} → {gemm.Last}");
            Assert.Equal(gemm.First, narrow.First, 1e-12);
            AssertClose(gemm.Parameters, narrow.Parameters, 1e-9);
        }
    }

    /// <summary>Z is stored for exactly the hidden layers whose f′ reads it, on both engines: a relu/sigmoid net keeps none.</summary>
    [Fact]
    public void OnlyTheLayersWhoseDerivativeReadsZ_StoreIt()
    {
        var architecture = NetworkArchitecture.FromSizes([2, 4, 4, 4, 4, 1], [Activation.Relu, Activation.Gelu, Activation.Sigmoid, Activation.Softplus, Activation.Sigmoid]);
        var plain = NetworkArchitecture.FromSizes([2, 4, 4, 1], [Activation.Relu, Activation.Tanh, Activation.Sigmoid]);
        using var data = Datasets.MakeMoons<double>(20, 0.2, seed: 1);
        foreach (var narrow in new[] { true, false })
        {
            using var network = new NeuralNetwork<double>(architecture, Initialization.He(1), narrow);
            using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1)));
            trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            Assert.Equal([false, true, false, true, false], Enumerable.Range(0, 5).Select(trainer.StoresHiddenZ));

            using var plainNetwork = new NeuralNetwork<double>(plain, Initialization.He(1), narrow);
            using var plainTrainer = new Trainer<double>(plainNetwork, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1)));
            plainTrainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            Assert.All(Enumerable.Range(0, 3), l => Assert.False(plainTrainer.StoresHiddenZ(l)));
        }
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
