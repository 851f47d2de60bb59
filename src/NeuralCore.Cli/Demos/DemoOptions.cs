namespace NeuralCore.Cli.Demos;

/// <summary>What every demo is told by <c>neuralcore demo</c>.</summary>
/// <param name="Seed">The seed of the data, the initial weights and the batch order (≥ 0).</param>
/// <param name="Epochs">The epoch count, or <see langword="null"/> for the demo's default.</param>
internal sealed record DemoOptions(int Seed, int? Epochs)
{
    /// <summary>The seed of the generated data.</summary>
    public ulong DataSeed => (ulong)Seed;

    /// <summary>
    /// The seed of the initial weights: a different stream from the data's, so the first weights are not the same
    /// Gaussian draws as the first noise values.
    /// </summary>
    public ulong InitializationSeed => (ulong)Seed + 1_000_003;

    /// <summary>The seed of the mini-batch order.</summary>
    public ulong ShuffleSeed => (ulong)Seed + 2_000_003;

    /// <summary>The epochs to run: the override, or <paramref name="defaultEpochs"/>.</summary>
    /// <param name="defaultEpochs">The demo's default.</param>
    /// <returns>The epoch count.</returns>
    public int EpochsOr(int defaultEpochs) => Epochs ?? defaultEpochs;
}
