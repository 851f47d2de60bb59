using System.Numerics;

namespace NeuralCore.Tests.Network;

/// <summary>
/// Training with class ids (sparse cross-entropy) against training with their one-hot rows (cross-entropy): the fused
/// softmax gradient is the same numbers in the same order, so every step, loss and accuracy is bit-identical.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class SparseTargetTrainingTests
{
    private static readonly NetworkArchitecture Classifier = NetworkArchitecture.FromSizes([4, 9, 5], [Activation.Tanh, Activation.Softmax]);

    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    [Theory]
    [MemberData(nameof(Paths))]
    public void Fit_WithClassIds_GivesTheParametersOfOneHotTraining(KernelPath path)
    {
        Check<float>(path);
        Check<double>(path);
    }

    [Fact]
    public void Accuracy_IsTheArgMaxAgainstTheId()
    {
        // An untrained net gets some rows right and some wrong; a shifted id would change the count.
        using var network = new NeuralNetwork<double>(Classifier, Initialization.Xavier(3));
        using var x = NetworkTestHelpers.RandomMatrix<double>(60, 4, 1, scale: 3);
        using var ids = NetworkTestHelpers.RandomTargets<double>(Loss.SparseCrossEntropy, 60, 5, 2);
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.SparseCrossEntropy, Optimizer.Sgd(0.1)));
        using var predictions = new Matrix<double>(60, 5);
        network.Predict(x.ReadOnlySpan, predictions.Span);
        var expected = Enumerable.Range(0, 60).Count(r => ArgMax(predictions, r) == (int)ids[r, 0]);

        var accuracy = trainer.Evaluate(x.ReadOnlySpan, ids.ReadOnlySpan).Accuracy;

        Assert.InRange(expected, 1, 59);
        Assert.Equal((double)expected / 60, accuracy);
    }

    private static void Check<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int rows = 70;
        using var x = NetworkTestHelpers.RandomMatrix<T>(rows, 4, 1);
        using var ids = NetworkTestHelpers.RandomTargets<T>(Loss.SparseCrossEntropy, rows, 5, 2);
        using var oneHot = NetworkTestHelpers.OneHot(ids.ReadOnlySpan, 5);
        using var validationX = NetworkTestHelpers.RandomMatrix<T>(23, 4, 3);
        using var validationIds = NetworkTestHelpers.RandomTargets<T>(Loss.SparseCrossEntropy, 23, 5, 4);
        using var validationOneHot = NetworkTestHelpers.OneHot(validationIds.ReadOnlySpan, 5);

        // Shuffled mini-batches (gathered into the trainer's target buffer), one unshuffled run of slices, and a full batch.
        foreach (var (batch, shuffle) in new[] { (16, true), (16, false), (rows, false) })
        {
            using var sparse = new NeuralNetwork<T>(Classifier, Initialization.Xavier(5));
            using var dense = new NeuralNetwork<T>(Classifier, Initialization.Xavier(5));
            var options = new TrainingOptions(Loss.SparseCrossEntropy, Optimizer.Adam(0.01)) { Epochs = 6, BatchSize = batch, Shuffle = shuffle, Seed = 7, Compute = ComputeOptions.For(path) };
            using var sparseTrainer = new Trainer<T>(sparse, options);
            using var denseTrainer = new Trainer<T>(dense, options with { Loss = Loss.CrossEntropy });

            var sparseHistory = sparseTrainer.Fit(x.ReadOnlySpan, ids.ReadOnlySpan, validationX.ReadOnlySpan, validationIds.ReadOnlySpan);
            var denseHistory = denseTrainer.Fit(x.ReadOnlySpan, oneHot.ReadOnlySpan, validationX.ReadOnlySpan, validationOneHot.ReadOnlySpan);

            var context = $"{typeof(T).Name} batch {batch}, shuffle {shuffle}, {path}";
            Assert.True(NetworkTestHelpers.ParameterBytes(dense).AsSpan().SequenceEqual(NetworkTestHelpers.ParameterBytes(sparse)), $"parameters differ: {context}");
            Assert.Equal(denseHistory.Loss, sparseHistory.Loss);
            Assert.Equal(denseHistory.Accuracy, sparseHistory.Accuracy);
            Assert.Equal(denseHistory.ValidationLoss, sparseHistory.ValidationLoss);
            Assert.Equal(denseHistory.ValidationAccuracy, sparseHistory.ValidationAccuracy);
            Assert.True(sparseHistory.Loss[^1] < sparseHistory.Loss[0], $"the loss must fall: {context}");

            // A single step and the gradients, through the same entries.
            Assert.Equal(denseTrainer.TrainStep(x.ReadOnlySpan.SliceRows(0, 9), oneHot.ReadOnlySpan.SliceRows(0, 9)), sparseTrainer.TrainStep(x.ReadOnlySpan.SliceRows(0, 9), ids.ReadOnlySpan.SliceRows(0, 9)));
            Assert.True(NetworkTestHelpers.ParameterBytes(dense).AsSpan().SequenceEqual(NetworkTestHelpers.ParameterBytes(sparse)), $"parameters after a step differ: {context}");
        }
    }

    private static int ArgMax(Matrix<double> values, int row)
    {
        var best = 0;
        for (var c = 1; c < values.Columns; c++)
        {
            if (values[row, c] > values[row, best])
            {
                best = c;
            }
        }

        return best;
    }
}
