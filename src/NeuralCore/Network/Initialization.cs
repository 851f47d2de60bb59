namespace NeuralCore;

/// <summary>How a network's parameters are initialised: always from an explicit seed, so the same seed gives bit-identical parameters.</summary>
/// <remarks>
/// Values are drawn in double from a documented generator (xoshiro256** seeded by SplitMix64, normals by Marsaglia's
/// polar method), layer by layer, first the weights in the public [out, in] row-major order, then the biases, and
/// rounded once to the element type. They therefore depend only on the seed and the architecture, not on the
/// internal layout, the kernel path or the .NET version; a float and a double network from the same seed hold the
/// same values up to that rounding.
/// </remarks>
/// <param name="Seed">The seed.</param>
public readonly record struct Initialization(ulong Seed)
{
    /// <summary>The weight distribution; <see cref="WeightInitialization.He"/> by default.</summary>
    public WeightInitialization Weights { get; init; } = WeightInitialization.He;

    /// <summary>The standard deviation for <see cref="WeightInitialization.SmallNormal"/> (the NumPy tutorials': 0.1).</summary>
    public double WeightScale { get; init; } = 0.1;

    /// <summary>How biases start; zero by default.</summary>
    public BiasInitialization Bias { get; init; } = BiasInitialization.Zero;

    /// <summary>The standard deviation for <see cref="BiasInitialization.SmallNormal"/> (the NumPy tutorials': 0.1).</summary>
    public double BiasScale { get; init; } = 0.1;

    /// <summary>The two-moons NumPy tutorial's initialisation: weights and biases N(0, 0.1²).</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="scale">The standard deviation (0.1 in the NumPy tutorials).</param>
    /// <returns>The options.</returns>
    public static Initialization SmallNormal(ulong seed, double scale = 0.1) =>
        new(seed) { Weights = WeightInitialization.SmallNormal, WeightScale = scale, Bias = BiasInitialization.SmallNormal, BiasScale = scale };

    /// <summary>Xavier/Glorot normal weights, zero biases.</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The options.</returns>
    public static Initialization Xavier(ulong seed) => new(seed) { Weights = WeightInitialization.Xavier };

    /// <summary>He normal weights, zero biases.</summary>
    /// <param name="seed">The seed.</param>
    /// <returns>The options.</returns>
    public static Initialization He(ulong seed) => new(seed) { Weights = WeightInitialization.He };
}
