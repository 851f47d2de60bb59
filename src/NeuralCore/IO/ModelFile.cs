using System.Globalization;
using System.Numerics;

namespace NeuralCore.IO;

/// <summary>
/// Saves and loads a <see cref="NeuralNetwork{T}"/> as a NumPy <c>.npz</c> archive that <c>numpy.load</c> reads
/// member by member.
/// </summary>
/// <remarks>
/// <code>
/// architecture  uint8 [bytes]          seed-003 JSON: [{"input_dim": 2, "output_dim": 4, "activation": "relu"}, …]
/// W1 … WL       float32/64 [out, in]   the seed and PyTorch layout
/// b1 … bL       float32/64 [out]       [out, 1] (seed 003's column vectors) is accepted on load
/// </code>
/// Save → load is bit-exact. Weights written by a NumPy or PyTorch implementation with this layout load and predict
/// the same. Saving goes through <see cref="AtomicFile"/>: a failure never leaves a half-written or clobbered file.
/// </remarks>
public static class ModelFile
{
    /// <summary>The member holding the architecture JSON.</summary>
    public const string ArchitectureMember = "architecture";

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> (replacing it atomically).</summary>
    /// <typeparam name="T">The element type; the arrays are float32 or float64 accordingly.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="path">The destination <c>.npz</c> file.</param>
    public static void Save<T>(NeuralNetwork<T> network, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Npz.Write(path, CreateArchive(network));
    }

    /// <summary>Reads a network from <paramref name="path"/>.</summary>
    /// <typeparam name="T">The element type to train or predict in.</typeparam>
    /// <param name="path">The <c>.npz</c> file (a model file, or a trainer checkpoint, which holds the same members).</param>
    /// <param name="conversion">Whether float32 arrays may load into a double network (and float64 into float).</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="NpyFormatException">A member is missing, malformed, or its shape does not match the architecture.</exception>
    /// <exception cref="ArgumentException">The architecture JSON is invalid (dimensions that do not chain, an unknown activation, …).</exception>
    public static NeuralNetwork<T> Load<T>(string path, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        return Load<T>(Npz.Read(path), Path.GetFileName(path), conversion);
    }

    /// <summary>The archive of a model: its architecture and every layer's W and b (a checkpoint adds its members to it).</summary>
    internal static NpzArchive CreateArchive<T>(NeuralNetwork<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var archive = new NpzArchive { { ArchitectureMember, NpyArray.FromUtf8String(network.Architecture.ToJson()) } };
        for (var l = 0; l < network.LayerCount; l++)
        {
            var spec = network.Architecture[l];
            using var weights = new Matrix<T>(spec.OutputDim, spec.InputDim);
            network.CopyWeightsTo(l, weights.Span);
            archive.Add(WeightName(l), NpyArray.FromMatrix(weights.ReadOnlySpan));
            archive.Add(BiasName(l), NpyArray.FromSpan<T>(network.GetBias(l)));
        }

        return archive;
    }

    /// <summary>The architecture member of an archive read from <paramref name="source"/>.</summary>
    internal static NetworkArchitecture ReadArchitecture(NpzArchive archive, string source)
    {
        try
        {
            return NetworkArchitecture.FromJson(archive[ArchitectureMember].ToUtf8String());
        }
        catch (ArgumentException ex)
        {
            throw new NpyFormatException($"{source}/{ArchitectureMember}.npy", ex.Message, ex);
        }
    }

    /// <summary>A network from the members of an archive read from <paramref name="source"/>.</summary>
    internal static NeuralNetwork<T> Load<T>(NpzArchive archive, string source, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var architecture = ReadArchitecture(archive, source);
        var network = new NeuralNetwork<T>(architecture, default);
        try
        {
            for (var l = 0; l < architecture.LayerCount; l++)
            {
                LoadLayer(network, archive, source, l, conversion);
            }

            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static void LoadLayer<T>(NeuralNetwork<T> network, NpzArchive archive, string source, int layer, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var spec = network.Architecture[layer];
        var w = archive[WeightName(layer)];
        if (w.Rank != 2 || w.Shape[0] != spec.OutputDim || w.Shape[1] != spec.InputDim)
        {
            throw new NpyFormatException(
                $"{source}/{WeightName(layer)}.npy",
                string.Create(CultureInfo.InvariantCulture, $"shape {Describe(w)} does not match layer {layer + 1} of the architecture ({spec}): expected ({spec.OutputDim}, {spec.InputDim}) = (output_dim, input_dim)."));
        }

        var b = archive[BiasName(layer)];
        var biasFits = (b.Rank == 1 && b.Shape[0] == spec.OutputDim) || (b.Rank == 2 && b.Shape[0] == spec.OutputDim && b.Shape[1] == 1);
        if (!biasFits)
        {
            throw new NpyFormatException(
                $"{source}/{BiasName(layer)}.npy",
                string.Create(CultureInfo.InvariantCulture, $"shape {Describe(b)} does not match layer {layer + 1} of the architecture ({spec}): expected ({spec.OutputDim},) or ({spec.OutputDim}, 1)."));
        }

        using var weights = w.ToMatrix<T>(NpyVectorShape.Reject, conversion);
        network.SetWeights(layer, weights.ReadOnlySpan);
        network.SetBias(layer, b.ToArray<T>(conversion));
    }

    private static string WeightName(int layer) => string.Create(CultureInfo.InvariantCulture, $"W{layer + 1}");

    private static string BiasName(int layer) => string.Create(CultureInfo.InvariantCulture, $"b{layer + 1}");

    /// <summary>An array's shape as NumPy prints it: <c>(3,)</c>, <c>(2, 4)</c>.</summary>
    internal static string Describe(NpyArray array) =>
        array.Rank == 1 ? string.Create(CultureInfo.InvariantCulture, $"({array.Shape[0]},)") : "(" + string.Join(", ", array.Shape.ToArray()) + ")";
}
