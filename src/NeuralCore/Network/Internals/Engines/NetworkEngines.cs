using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Network.Internals.Engines;

/// <summary>
/// The one place that picks a network's engine (Sep's parser-factory pattern): the narrow engine where the
/// architecture is eligible, the dense engine otherwise, unless <c>NEURALCORE_ENGINE</c> or a test forces one.
/// </summary>
/// <remarks>
/// <c>NEURALCORE_ENGINE</c>: <c>auto</c> (the default), <c>dense</c> (every network on the GEMM engine: CI re-runs the
/// network tests this way) or <c>narrow</c> (an ineligible network is then an error). Read at first use, not in a
/// static initializer, so a bad value is an <see cref="ArgumentException"/> naming the variable, not a poisoned type.
/// </remarks>
internal static class NetworkEngines
{
    public const string EnvironmentVariable = "NEURALCORE_ENGINE";

    private static readonly Lazy<EngineKind?> s_forced = new(() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable)));

    /// <summary>The names <c>NEURALCORE_ENGINE</c> accepts.</summary>
    public static string ValidNames => "auto, dense, narrow";

    /// <summary>The engine for <paramref name="architecture"/>: <paramref name="forced"/>, else the environment's, else by eligibility.</summary>
    /// <exception cref="ArgumentException">The narrow engine is forced on an ineligible architecture, or the variable is invalid.</exception>
    public static EngineKind Choose(NetworkArchitecture architecture, EngineKind? forced = null)
    {
        var kind = forced ?? s_forced.Value ?? (NarrowEngine.IsEligible(architecture) ? EngineKind.Narrow : EngineKind.Dense);
        if (kind == EngineKind.Narrow && !NarrowEngine.IsEligible(architecture))
        {
            throw new ArgumentException(
                $"The narrow engine was forced ({(forced is null ? $"{EnvironmentVariable}=narrow" : "by the caller")}), but {architecture} is not eligible: it needs every layer ≤ {NarrowEngine.MaxWidth} wide, element-wise activations and one output.",
                nameof(architecture));
        }

        return kind;
    }

    /// <summary>The inference engine of <paramref name="kind"/> for a predictor of <paramref name="capacity"/> rows.</summary>
    public static IInferenceEngine<T> CreateInference<T>(EngineKind kind, NeuralNetwork<T> network, int capacity, KernelPath path, int maxThreads)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => kind switch
    {
        EngineKind.Dense => new DenseInferenceEngine<T>(network, capacity, path, maxThreads),
        EngineKind.Narrow => new NarrowInferenceEngine<T>(network, capacity, path),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Not an engine; expected one of: {ValidNames}."),
    };

    /// <summary>
    /// The training engine of <paramref name="kind"/> for a trainer of <paramref name="network"/> with
    /// <paramref name="loss"/>; it writes the gradients into <paramref name="gradients"/> (the parameter layout).
    /// </summary>
    public static ITrainingEngine<T> CreateTraining<T>(EngineKind kind, NeuralNetwork<T> network, Loss loss, ComputeOptions compute, Matrix<T> gradients)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => kind switch
    {
        EngineKind.Dense => new DenseTrainingEngine<T>(network, loss, compute, gradients),
        EngineKind.Narrow => new NarrowTrainingEngine<T>(network, loss, compute, gradients),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Not an engine; expected one of: {ValidNames}."),
    };

    /// <summary>Parses a <c>NEURALCORE_ENGINE</c> value: null or empty or <c>auto</c> for no forcing.</summary>
    /// <exception cref="ArgumentException">The value is not one of <see cref="ValidNames"/>.</exception>
    internal static EngineKind? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "dense" => EngineKind.Dense,
        "narrow" => EngineKind.Narrow,
        _ => throw new ArgumentException($"{EnvironmentVariable}='{value}' is not an engine; expected one of: {ValidNames}.", nameof(value)),
    };
}
