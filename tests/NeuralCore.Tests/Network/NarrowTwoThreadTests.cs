using NeuralCore.Network.Internals.Engines;
namespace NeuralCore.Tests.Network;

/// <summary>
/// A narrow-engine step split across two threads (batches of at least <c>NarrowTrainingEngine.NarrowSplitColumns</c> samples with
/// <see cref="ComputeOptions.MaxThreads"/> ≥ 2) against the same step on one thread.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(nameof(Gemm.GemmAllocationGroup))] // the allocation test counts the whole process: nothing may run beside it
public sealed class NarrowTwoThreadTests
{
    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    private static readonly NetworkArchitecture Moons =
        NetworkArchitecture.FromSizes([2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Tanh, Activation.LeakyRelu, Activation.Sigmoid, Activation.Sigmoid]);

    // Every hidden f′ reads Z: each half must store and read its own Z, the fused head included (GELU-tanh below it).
    private static readonly NetworkArchitecture StoredZ =
        NetworkArchitecture.FromSizes([2, 4, 6, 6, 4, 1], [Activation.Gelu, Activation.Silu, Activation.Softplus, Activation.GeluTanh, Activation.Sigmoid]);

    /// <summary>
    /// Every sample's activations and δ are computed on their own, so the halves change only the order of the sums over
    /// samples: the loss and every gradient match the one-thread step to rounding. A half left out, computed from the
    /// wrong columns or scaled by its own size instead of the batch's would be off by far more.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void TwoThreads_GiveTheOneThreadLossAndGradients(KernelPath path)
    {
        // 901 samples: halves of 464 and 437, the second ending in a partial vector; 384 the smallest batch that splits.
        foreach (var (architecture, samples) in new[] { (Moons, 384), (Moons, 901), (StoredZ, 901) })
        {
            using var data = Datasets.MakeMoons<double>(samples, 0.2, seed: 8);
            using var one = new NeuralNetwork<double>(architecture, Initialization.He(3) with { Bias = BiasInitialization.SmallNormal }, narrow: true);
            using var two = new NeuralNetwork<double>(architecture, Initialization.He(3) with { Bias = BiasInitialization.SmallNormal }, narrow: true);
            var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1));
            using var oneTrainer = new Trainer<double>(one, options with { Compute = new ComputeOptions(path, 1) });
            using var twoTrainer = new Trainer<double>(two, options with { Compute = new ComputeOptions(path, 2) });

            var oneLoss = oneTrainer.ComputeGradients(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            var twoLoss = twoTrainer.ComputeGradients(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);

            Assert.Equal(path != KernelPath.Reference, twoTrainer.HasSplitSteps);
            Assert.False(oneTrainer.HasSplitSteps);

            // Double sums of ≤ 901 terms of either order: 1e-12 relative (+ 1e-12 absolute for sums near zero).
            Assert.True(Math.Abs(oneLoss - twoLoss) <= 1e-12 * (1 + Math.Abs(oneLoss)), $"loss {twoLoss} vs {oneLoss}");
            var oneGradients = oneTrainer.GradientStorage.ToArray();
            var twoGradients = twoTrainer.GradientStorage.ToArray();
            for (var i = 0; i < oneGradients.Length; i++)
            {
                Assert.True(Math.Abs(oneGradients[i] - twoGradients[i]) <= 1e-12 * (1 + Math.Abs(oneGradients[i])), $"{architecture} {samples} samples, gradient [{i}]: {twoGradients[i]} vs {oneGradients[i]}");
            }
        }
    }

    /// <summary>
    /// Training on two threads: full batches (the transposed data set, padded), shuffled mini-batches of 450
    /// (gathered into the input buffer) and unshuffled ones (column slices of the transposed data set, not padded)
    /// reach the one-thread parameters to float rounding, and the same seed gives the same bytes every time.
    /// </summary>
    [Theory]
    [InlineData(900, true)]
    [InlineData(450, true)]
    [InlineData(450, false)]
    public void TwoThreadTraining_IsDeterministic_AndFollowsTheOneThreadTrajectory(int batch, bool shuffle)
    {
        using var data = Datasets.MakeMoons<float>(900, 0.2, seed: 3);
        float[] Train(int threads)
        {
            using var network = new NeuralNetwork<float>(Moons, Initialization.He(5), narrow: true);
            using var trainer = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.1)) { Epochs = 30, BatchSize = batch, Shuffle = shuffle, Seed = 4, Compute = new ComputeOptions(null, threads) });
            var history = trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            Assert.Equal(threads > 1, trainer.HasSplitSteps);
            Assert.True(history.Loss[history.Loss.Count - 1] < history.Loss[0], $"loss {history.Loss[0]} → {history.Loss[history.Loss.Count - 1]}");
            return network.GetParameters();
        }

        var first = Train(2);
        var second = Train(2);
        var single = Train(1);
        float[] onCaller;
        NarrowTrainingEngine<float>.RunHalvesOnCaller = true;
        try
        {
            onCaller = Train(2);
        }
        finally
        {
            NarrowTrainingEngine<float>.RunHalvesOnCaller = false;
        }

        // The same bytes every time, and whichever thread runs the second half (a one-CPU machine, a busy pool).
        Assert.Equal(first, second);
        Assert.Equal(first, onCaller);

        // 30 SGD steps from the same start, sums rounded in a different order: 1e-4 relative is float rounding grown
        // over the steps, and far below what a wrong gradient (a half missing: ~50%) moves.
        for (var i = 0; i < single.Length; i++)
        {
            Assert.True(Math.Abs(single[i] - first[i]) <= 1e-4 * (1 + Math.Abs(single[i])), $"parameter [{i}]: {first[i]} vs {single[i]}");
        }
    }

    [Fact]
    public void WarmTwoThreadStep_AllocatesNothing_InTheWholeProcess()
    {
        using var data = Datasets.MakeMoons<float>(900, 0.2, seed: 5);
        using var network = new NeuralNetwork<float>(Moons, Initialization.He(6), narrow: true);
        using var trainer = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(0.01)) { Compute = new ComputeOptions(null, 2) });
        var x = data.Features.ReadOnlySpan;
        var y = data.Targets.ReadOnlySpan;
        for (var i = 0; i < 40; i++)
        {
            trainer.TrainStep(x, y);
        }

        Assert.True(trainer.HasSplitSteps);

        // Process-wide (the second half runs on a worker): see ProcessAllocation.
        ProcessAllocation.AssertNoneAllocatedPerCall(() => trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan), calls: 20, "two-thread TrainStep");
    }
}
