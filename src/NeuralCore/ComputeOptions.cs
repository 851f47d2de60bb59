namespace NeuralCore;

/// <summary>How a kernel runs: which implementation, and on how many threads.</summary>
/// <remarks>
/// <see langword="default"/> means <see cref="Kernels.Default"/> on the calling thread only. Options are passed
/// explicitly to each call; there is no global setting.
/// </remarks>
public readonly record struct ComputeOptions
{
    /// <summary>Creates options for <paramref name="path"/> and <paramref name="maxThreads"/>.</summary>
    /// <param name="path">The implementation to run (clamped to what this machine supports); <see langword="null"/> for <see cref="Kernels.Default"/>.</param>
    /// <param name="maxThreads">The most threads a large product may use (≥ 1); small products always run on the calling thread.</param>
    public ComputeOptions(KernelPath? path, int maxThreads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        Path = path;
        MaxThreads = maxThreads;
    }

    /// <summary>The implementation to run, or <see langword="null"/> for <see cref="Kernels.Default"/>.</summary>
    public KernelPath? Path { get; init; }

    /// <summary>
    /// The most threads a large product (or a large narrow-network training batch, see
    /// <see cref="TrainingOptions.Compute"/>) may use; 0 (the default) and 1 mean the calling thread only.
    /// </summary>
    public int MaxThreads { get; init; }

    /// <summary>Options that force <paramref name="path"/> on one thread.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The options.</returns>
    public static ComputeOptions For(KernelPath path) => new(path);

    /// <summary>The path that will run: <see cref="Path"/> clamped to this machine, or <see cref="Kernels.Default"/>.</summary>
    /// <returns>The path.</returns>
    public KernelPath ResolvePath() => Path is { } p ? Kernels.Clamp(p) : Kernels.Default;
}
