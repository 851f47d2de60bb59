namespace NeuralCore;

/// <summary>How a <see cref="Trainer{T}"/> trains: loss, optimizer, epochs, batch size, shuffling and kernels.</summary>
/// <param name="Loss">The loss; it must fit the output activation (<see cref="Loss.FitsOutput"/>: binary cross-entropy needs a sigmoid output, both categorical cross-entropies a softmax output).</param>
/// <param name="Optimizer">The optimizer and its learning rate.</param>
public sealed record TrainingOptions(Loss Loss, Optimizer Optimizer)
{
    /// <summary>Passes over the training data (≥ 0).</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Samples per step (≥ 1); a value ≥ the number of samples means full-batch gradient descent (as in the two-moons NumPy tutorial).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether to visit the samples in a new seeded random order every epoch (ignored for full batches).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The seed of the shuffling order (a restored checkpoint's generator state takes its place).</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// The kernel path and thread count passed to every product (results are deterministic for a given value). With
    /// <see cref="ComputeOptions.MaxThreads"/> ≥ 2, a narrow network (the tutorial nets) with a sigmoid + binary
    /// cross-entropy output also splits each batch of 384 samples or more across two threads; its sums over samples
    /// are then added in a different order than on one thread, so the parameters can differ in the last bits from a
    /// one-thread training (not between runs).
    /// </summary>
    public ComputeOptions Compute { get; init; }

    /// <summary>
    /// Stops training once the validation figure stops improving, or <see langword="null"/> (the default) to run every
    /// epoch; Fit then needs validation data.
    /// </summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>Checks the values; called by the trainer before it changes anything.</summary>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <exception cref="ArgumentException">A value is out of range; the message gives the expected range and the actual value.</exception>
    public void Validate(string paramName)
    {
        ValidateLoss(Loss, $"{paramName}.Loss", paramName);

        if (Epochs < 0)
        {
            throw new ArgumentException($"{paramName}.Epochs must be ≥ 0; got {Epochs}.", paramName);
        }

        if (BatchSize <= 0)
        {
            throw new ArgumentException($"{paramName}.BatchSize must be ≥ 1; got {BatchSize}.", paramName);
        }

        Optimizer.Validate(paramName, $"{paramName}.Optimizer");
        EarlyStopping?.Validate(paramName, $"{paramName}.EarlyStopping");
    }

    /// <summary>Rejects an undefined loss (for the options and for <see cref="NeuralNetwork{T}.Evaluate"/>).</summary>
    internal static void ValidateLoss(Loss loss, string displayName, string paramName)
    {
        if (!Enum.IsDefined(loss.Kind))
        {
            throw new ArgumentException($"{displayName} kind {(int)loss.Kind} is not defined; expected one of: {LossNames.ValidNames}.", paramName);
        }
    }
}
