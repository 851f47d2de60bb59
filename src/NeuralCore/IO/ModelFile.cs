using System.Globalization;
using System.Numerics;
using NeuralCore.IO.Internals;

namespace NeuralCore.IO;

/// <summary>
/// Saves and loads a <see cref="NeuralNetwork{T}"/> as a model file whose format the extension picks
/// (<see cref="ModelFormat"/>): a NumPy <c>.npz</c> archive that <c>numpy.load</c> reads member by member, a
/// <c>.safetensors</c> PyTorch <c>nn.Sequential</c> state_dict, or an <c>.onnx</c> model (<see cref="OnnxModel"/>).
/// </summary>
/// <remarks>
/// <para><c>.npz</c>:</para>
/// <code>
/// architecture  uint8 [bytes]          the nn_architecture list as JSON: [{"input_dim": 2, "output_dim": 4, "activation": "relu"}, …]
/// W1 … WL       float32/64 [out, in]   the NumPy tutorials' and PyTorch's layout
/// b1 … bL       float32/64 [out]       [out, 1] (the NumPy tutorials' column vectors) is accepted on load
/// </code>
/// <para><c>.safetensors</c> (see <see cref="SafeTensors"/> for the file rules):</para>
/// <code>
/// __metadata__  {"format": "pt", "neuralcore.architecture": "[{\"input_dim\": 2, …}]"}
/// 0.weight      F32/F64 [out, in]      the Linear modules of nn.Sequential(Linear, Act, Linear, …), at their
/// 0.bias        F32/F64 [out]          nn.Sequential indices: each non-linear activation is one module, a
/// 2.weight …                           linear activation none (relu, relu, sigmoid → 0, 2, 4)
/// </code>
/// <para>Loading a state_dict accepts any one name prefix (<c>layers.0.weight</c>, <c>model.net.3.weight</c>) and any
/// increasing indices (dropout and activations hold indices of their own); the architecture comes from the metadata or
/// from the caller. A mapping that is ambiguous (two prefixes, an index twice, a tensor that is no Linear's weight or
/// bias) or incomplete is a <see cref="SafeTensorsFormatException"/> listing the tensors found and the ones expected.
/// F16 and BF16 state_dicts load with <see cref="NpyConversion.AllowPrecisionChange"/>.</para>
/// <para><c>.onnx</c>: a chain of Gemm (or MatMul + Add) and activation nodes, written at opset
/// <see cref="OnnxModel.DefaultOpset"/> with the architecture under the same metadata key; see <see cref="OnnxModel"/>
/// for what is read and written.</para>
/// <para>Save → load is bit-exact in every format. Saving goes through <see cref="AtomicFile"/>: a failure never
/// leaves a half-written or clobbered file.</para>
/// </remarks>
public static class ModelFile
{
    /// <summary>The <c>.npz</c> member holding the architecture JSON.</summary>
    public const string ArchitectureMember = "architecture";

    /// <summary>The <c>.safetensors</c> <c>__metadata__</c> and <c>.onnx</c> <c>metadata_props</c> key holding the architecture JSON (<see cref="NetworkArchitecture.ToJson"/>).</summary>
    public const string ArchitectureMetadataKey = "neuralcore.architecture";

    /// <summary>The model file extensions <see cref="GetFormat(string)"/> knows, as listed in messages: <c>.npz, .safetensors, .onnx</c>.</summary>
    public static string SupportedExtensions => ModelFormats.SupportedExtensions;

    /// <summary>The format <paramref name="path"/>'s extension names (case-insensitive): <c>.npz</c>, <c>.safetensors</c> or <c>.onnx</c>.</summary>
    /// <param name="path">A model file path.</param>
    /// <returns>The format.</returns>
    /// <exception cref="ArgumentException">The extension is not a supported model format; the message lists the supported ones.</exception>
    public static ModelFormat GetFormat(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ModelFormats.FromPath(path, nameof(path));
    }

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> in the format its extension names (replacing it atomically).</summary>
    /// <typeparam name="T">The element type; the tensors are float32 or float64 accordingly.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="path">The destination: <c>.npz</c>, <c>.safetensors</c> or <c>.onnx</c>.</param>
    /// <exception cref="ArgumentException">The extension is not a supported model format.</exception>
    public static void Save<T>(NeuralNetwork<T> network, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        Save(network, path, GetFormat(path));
    }

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> in <paramref name="format"/>, whatever the extension (replacing it atomically).</summary>
    /// <typeparam name="T">The element type; the tensors are float32 or float64 accordingly.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="path">The destination file.</param>
    /// <param name="format">The format.</param>
    public static void Save<T>(NeuralNetwork<T> network, string path, ModelFormat format)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var codec = ModelFormats.Codec(format);
        AtomicFile.Write(path, (network, codec), static (stream, state) => state.codec.Save(state.network, stream));
    }

    /// <summary>Writes <paramref name="network"/> to <paramref name="stream"/> in <paramref name="format"/>; the stream is left open.</summary>
    /// <typeparam name="T">The element type; the tensors are float32 or float64 accordingly.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="stream">A writable stream.</param>
    /// <param name="format">The format.</param>
    public static void Save<T>(NeuralNetwork<T> network, Stream stream, ModelFormat format)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        ModelFormats.Codec(format).Save(network, stream);
    }

    /// <summary>Reads a network from <paramref name="path"/>, in the format its extension names.</summary>
    /// <typeparam name="T">The element type to train or predict in.</typeparam>
    /// <param name="path">The <c>.npz</c> file (a model file, or a trainer checkpoint, which holds the same members) , <c>.safetensors</c> file with the architecture in its metadata, or <c>.onnx</c> model.</param>
    /// <param name="conversion">Whether tensors of another floating-point type load into <typeparamref name="T"/> (float32 into double, float64 into float, F16/BF16 into either).</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="ArgumentException">The extension is not a supported model format, or the architecture JSON is invalid.</exception>
    /// <exception cref="NpyFormatException">An <c>.npz</c> member is missing, malformed, or its shape does not match the architecture; or the file is a quantized model (load it with <see cref="QuantizedModelFile.Load(string)"/>).</exception>
    /// <exception cref="SafeTensorsFormatException">A <c>.safetensors</c> file is malformed, has no architecture, or its tensors do not map onto it; or it is a quantized model.</exception>
    /// <exception cref="OnnxFormatException">An <c>.onnx</c> file is malformed, or its graph is not a network NeuralCore represents exactly (or differs from a given architecture).</exception>
    public static NeuralNetwork<T> Load<T>(string path, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Load<T>(path, null, conversion);

    /// <summary>Reads a network from <paramref name="path"/>, in the format its extension names, with the architecture given.</summary>
    /// <typeparam name="T">The element type to train or predict in.</typeparam>
    /// <param name="path">The model file.</param>
    /// <param name="architecture">
    /// The architecture, for a file that does not record one (a PyTorch state_dict); when the file records one too, the
    /// two must be equal. <see langword="null"/>: the file's own.
    /// </param>
    /// <param name="conversion">Whether tensors of another floating-point type load into <typeparamref name="T"/>.</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="ArgumentException">The extension is not a supported model format, or the architecture JSON is invalid.</exception>
    /// <exception cref="NpyFormatException">An <c>.npz</c> member is missing, malformed, or does not match the architecture; or the file is a quantized model (load it with <see cref="QuantizedModelFile.Load(string)"/>).</exception>
    /// <exception cref="SafeTensorsFormatException">A <c>.safetensors</c> file is malformed, or its tensors do not map onto the architecture; or it is a quantized model.</exception>
    /// <exception cref="OnnxFormatException">An <c>.onnx</c> file is malformed, or its graph is not a network NeuralCore represents exactly (or differs from a given architecture).</exception>
    public static NeuralNetwork<T> Load<T>(string path, NetworkArchitecture? architecture, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var codec = ModelFormats.Codec(GetFormat(path));
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return codec.Load<T>(stream, path, architecture, conversion);
    }

    /// <summary>Reads a network in <paramref name="format"/> from <paramref name="stream"/>.</summary>
    /// <typeparam name="T">The element type to train or predict in.</typeparam>
    /// <param name="stream">A readable stream holding the whole file.</param>
    /// <param name="format">The format.</param>
    /// <param name="architecture">The architecture for a file that records none; must equal the file's when it records one. <see langword="null"/>: the file's own.</param>
    /// <param name="conversion">Whether tensors of another floating-point type load into <typeparamref name="T"/>.</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <returns>The network; dispose it.</returns>
    public static NeuralNetwork<T> Load<T>(Stream stream, ModelFormat format, NetworkArchitecture? architecture = null, NpyConversion conversion = NpyConversion.Exact, string? sourceName = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ModelFormats.Codec(format).Load<T>(stream, sourceName ?? "<stream>", architecture, conversion);
    }

    /// <summary>Reads the format facts of the model file at <paramref name="path"/> (format, dtypes, tensor count, metadata keys, size).</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The facts; the whole file is read and validated.</returns>
    /// <exception cref="ArgumentException">The extension is not a supported model format.</exception>
    /// <exception cref="IOException">The file is malformed (<see cref="NpyFormatException"/>, <see cref="SafeTensorsFormatException"/>) or cannot be read.</exception>
    public static ModelFileInfo Inspect(string path)
    {
        var codec = ModelFormats.Codec(GetFormat(path));
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return codec.Inspect(stream, path);
    }

    /// <summary>The name users see for <paramref name="format"/>: <c>npz</c>, <c>safetensors</c>, <c>onnx</c>.</summary>
    /// <param name="format">The format.</param>
    /// <returns>The name.</returns>
    public static string GetName(ModelFormat format) => ModelFormats.Codec(format).Name;

    /// <summary>The file extension of <paramref name="format"/>, with its dot: <c>.npz</c>, <c>.safetensors</c>, <c>.onnx</c>.</summary>
    /// <param name="format">The format.</param>
    /// <returns>The extension <see cref="GetFormat"/> maps to <paramref name="format"/>.</returns>
    public static string GetExtension(ModelFormat format) => ModelFormats.Codec(format).Extension;

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
    internal static NeuralNetwork<T> Load<T>(NpzArchive archive, string source, NpyConversion conversion, NetworkArchitecture? given = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (archive.Contains(QuantizedModelFile.QuantizationMember))
        {
            throw QuantizedModelFile.NotAnFp32Model(source);
        }

        // The given architecture stands in for a missing member, and must agree with a present one.
        var architecture = given is not null && !archive.Contains(ArchitectureMember) ? given : ReadArchitecture(archive, source);
        if (given is not null && !given.Equals(architecture))
        {
            throw new NpyFormatException($"{source}/{ArchitectureMember}.npy", $"the file's architecture ({architecture}) differs from the one given ({given}).");
        }

        var network = NeuralNetwork<T>.CreateZeroed(architecture);
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

        // Parameters are floating-point: an integer tensor is not a model, whatever the conversion allows for data.
        foreach (var (array, name) in (ReadOnlySpan<(NpyArray, string)>)[(w, WeightName(layer)), (b, BiasName(layer))])
        {
            if (array.DType is not (NpyDType.Float32 or NpyDType.Float64))
            {
                throw new NpyFormatException($"{source}/{name}.npy", $"dtype '{array.Descr}': model parameters must be float32 or float64.");
            }
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
