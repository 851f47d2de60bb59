namespace NeuralCore;

/// <summary>Loss and accuracy on a data set without building a trainer and an optimizer.</summary>
public sealed partial class NeuralNetwork<T>
{
    /// <summary>The rows each thread's evaluation workspace processes per pass (see <see cref="Evaluate"/>).</summary>
    internal const int EvaluationChunkRows = DefaultPredictionCapacity;

    // One evaluation-only trainer per thread, kept while the loss and compute options stay the same.
    private readonly ThreadLocal<Trainer<T>?> _evaluators = new(trackAllValues: true);

    /// <summary>
    /// The mean loss and the accuracy of the network on a data set, computed as <see cref="Trainer{T}.Evaluate"/> computes
    /// them (binary cross-entropy and cross-entropy from the logits). Thread-safe like <see cref="Predict(ReadOnlySpan{T}, Span{T})"/>;
    /// allocates nothing once the calling thread has evaluated with this loss and these options.
    /// </summary>
    /// <remarks>
    /// The data go through in chunks of 256 rows (one chunk when there are fewer), each chunk's mean loss is rounded to
    /// <typeparamref name="T"/> and the chunks are averaged in double. A trainer evaluates in chunks of its own batch
    /// capacity, so the two agree to the bit when that capacity is 256 rows (or both see a single chunk); otherwise they
    /// differ by the rounding of the chunk means, a few ulp of <typeparamref name="T"/>.
    /// </remarks>
    /// <param name="x">Shape: [m, InputSize], finite, m ≥ 1.</param>
    /// <param name="y">Shape: [m, OutputSize], finite.</param>
    /// <param name="loss">The loss; it must fit the output activation (binary cross-entropy needs a sigmoid output, cross-entropy a softmax output).</param>
    /// <param name="options">The kernel path and threads.</param>
    /// <returns>The evaluation.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, the data are empty, a value is NaN/±∞, or the loss is undefined or does not fit the output activation.</exception>
    public Evaluation Evaluate(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, Loss loss, ComputeOptions options = default)
    {
        ThrowIfDisposed();
        TrainingOptions.ValidateLoss(loss, nameof(loss), nameof(loss));
        Trainer<T>.CheckLossFitsOutput(loss, Architecture, nameof(loss), nameof(loss));
        var evaluator = _evaluators.Value;
        if (evaluator is null || evaluator.Options.Loss != loss || evaluator.Options.Compute != options)
        {
            evaluator?.Dispose();
            evaluator = new Trainer<T>(this, loss, options);
            _evaluators.Value = evaluator;
        }

        return evaluator.Evaluate(x, y);
    }

    private void DisposeEvaluators()
    {
        foreach (var evaluator in _evaluators.Values)
        {
            evaluator?.Dispose();
        }

        _evaluators.Dispose();
    }
}
