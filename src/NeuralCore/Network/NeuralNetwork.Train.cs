namespace NeuralCore;

// One-call training for scripts and examples.
public sealed partial class NeuralNetwork<T>
{
    /// <summary>
    /// Trains this network with a new <see cref="Trainer{T}"/> (see <see cref="Trainer{T}.Fit"/>); for repeated runs
    /// keep a trainer instead, so its buffers are reused.
    /// </summary>
    /// <param name="x">Shape: [m, InputSize].</param>
    /// <param name="y">Shape: [m, OutputSize].</param>
    /// <param name="options">The loss, optimizer, epochs and batch size.</param>
    /// <param name="onEpoch">Called after each epoch, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before each epoch.</param>
    /// <returns>The per-epoch history.</returns>
    /// <exception cref="ArgumentException">See <see cref="Trainer{T}.Fit"/>.</exception>
    /// <exception cref="TrainingDivergedException">See <see cref="Trainer{T}.Fit"/>.</exception>
    public TrainingHistory Train(
        ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, TrainingOptions options, Action<EpochReport>? onEpoch = null, CancellationToken cancellationToken = default)
    {
        using var trainer = new Trainer<T>(this, options);
        return trainer.Fit(x, y, default, default, onEpoch, cancellationToken);
    }
}
