using System.Numerics;

namespace NeuralCore.IO.Internals;

/// <summary>
/// The one place model formats are dispatched: each <see cref="ModelFormat"/> has one codec (its extension, how to
/// load, save and inspect it), and the extension of a path picks the format.
/// </summary>
/// <remarks>
/// To add a format: a <see cref="ModelFormat"/> member, a codec class, and its arm in <see cref="Codec"/>. Every
/// model-taking API (<see cref="ModelFile"/>) and CLI command goes through here, so nothing else changes.
/// </remarks>
internal static class ModelFormats
{
    private static readonly ModelFormat[] s_all = Enum.GetValues<ModelFormat>();

    /// <summary>The supported extensions, as listed in error messages: <c>.npz, .safetensors, .onnx</c>.</summary>
    /// <remarks>Built when a message asks, not in the type's initializer: every load touches this type first.</remarks>
    public static string SupportedExtensions => string.Join(", ", s_all.Select(f => Codec(f).Extension));

    public static IModelCodec Codec(ModelFormat format) => format switch
    {
        ModelFormat.Npz => NpzModelCodec.Instance,
        ModelFormat.SafeTensors => SafeTensorsModelCodec.Instance,
        ModelFormat.Onnx => OnnxModelCodec.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, $"Not a model format; expected one of {string.Join(", ", s_all)}."),
    };

    /// <summary>The format named by <paramref name="path"/>'s extension (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The extension is not one of <see cref="SupportedExtensions"/>.</exception>
    public static ModelFormat FromPath(string path, string parameterName)
    {
        var extension = Path.GetExtension(path);
        foreach (var format in s_all)
        {
            if (string.Equals(extension, Codec(format).Extension, StringComparison.OrdinalIgnoreCase))
            {
                return format;
            }
        }

        var found = extension.Length == 0 ? "no extension" : $"extension '{extension}'";
        throw new ArgumentException($"{path}: {found} is not a model format; expected one of {SupportedExtensions}.", parameterName);
    }
}

/// <summary>One model format: how a network is read from, written to and described in a stream of it.</summary>
internal interface IModelCodec
{
    /// <summary>The file extension with its dot, e.g. <c>.npz</c>.</summary>
    string Extension { get; }

    /// <summary>The format's name as users see it, e.g. <c>safetensors</c>.</summary>
    string Name { get; }

    /// <summary>Reads a network; <paramref name="architecture"/>, when given, is used if the file has none and must match it otherwise.</summary>
    NeuralNetwork<T> Load<T>(Stream stream, string source, NetworkArchitecture? architecture, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>;

    void Save<T>(NeuralNetwork<T> network, Stream stream)
        where T : unmanaged, IFloatingPointIeee754<T>;

    ModelFileInfo Inspect(Stream stream, string source);
}

/// <summary><see cref="ModelFormat.Npz"/>: NeuralCore's own layout (<see cref="ModelFile"/>'s remarks).</summary>
internal sealed class NpzModelCodec : IModelCodec
{
    public static readonly NpzModelCodec Instance = new();

    public string Extension => ".npz";

    public string Name => "npz";

    public NeuralNetwork<T> Load<T>(Stream stream, string source, NetworkArchitecture? architecture, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ModelFile.Load<T>(Npz.Read(stream, source), source, conversion, architecture);

    public void Save<T>(NeuralNetwork<T> network, Stream stream)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Npz.Write(stream, ModelFile.CreateArchive(network));

    public ModelFileInfo Inspect(Stream stream, string source)
    {
        var length = stream.Length;
        var archive = Npz.Read(stream, source);
        var weights = archive.Where(p => IsLayerMember(p.Key)).ToList();
        var dtypes = weights.Select(p => p.Value.Descr).Distinct(StringComparer.Ordinal).ToArray();
        var metadata = archive.Names.Where(n => !IsLayerMember(n)).ToArray();
        return new ModelFileInfo(ModelFormat.Npz, length, weights.Count, dtypes, metadata, weights.Any(p => p.Value.DType == NpyDType.Float64));
    }

    // W1 … WL and b1 … bL; everything else (architecture, a checkpoint's state) is metadata.
    private static bool IsLayerMember(string name) =>
        name.Length > 1 && name[0] is 'W' or 'b' && !name.AsSpan(1).ContainsAnyExceptInRange('0', '9');
}

/// <summary><see cref="ModelFormat.SafeTensors"/>: a PyTorch <c>nn.Sequential</c> state_dict (<see cref="SafeTensorsModel"/>).</summary>
internal sealed class SafeTensorsModelCodec : IModelCodec
{
    public static readonly SafeTensorsModelCodec Instance = new();

    public string Extension => ".safetensors";

    public string Name => "safetensors";

    public NeuralNetwork<T> Load<T>(Stream stream, string source, NetworkArchitecture? architecture, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SafeTensorsModel.Load<T>(SafeTensors.Read(stream, source), source, architecture, conversion);

    public void Save<T>(NeuralNetwork<T> network, Stream stream)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SafeTensors.Write(stream, SafeTensorsModel.CreateArchive(network));

    public ModelFileInfo Inspect(Stream stream, string source)
    {
        var length = stream.Length;
        var archive = SafeTensors.Read(stream, source);
        var dtypes = archive.Select(p => SafeTensorsDTypes.Name(p.Value.DType)).Distinct(StringComparer.Ordinal).ToArray();
        return new ModelFileInfo(ModelFormat.SafeTensors, length, archive.Count, dtypes, [.. archive.Metadata.Keys], archive.Any(p => p.Value.DType == SafeTensorsDType.F64));
    }
}

/// <summary><see cref="ModelFormat.Onnx"/>: an ONNX graph of Gemm/MatMul + Add and activation nodes (<see cref="OnnxModel"/>).</summary>
internal sealed class OnnxModelCodec : IModelCodec
{
    public static readonly OnnxModelCodec Instance = new();

    public string Extension => ".onnx";

    public string Name => "onnx";

    public NeuralNetwork<T> Load<T>(Stream stream, string source, NetworkArchitecture? architecture, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The graph itself is the architecture; a given one can only be checked against it.
        var network = OnnxModel.Load<T>(stream, conversion, source);
        if (architecture is not null && !architecture.Equals(network.Architecture))
        {
            var found = network.Architecture;
            network.Dispose();
            throw new OnnxFormatException(source, $"the graph's architecture ({found}) differs from the one given ({architecture}).");
        }

        return network;
    }

    public void Save<T>(NeuralNetwork<T> network, Stream stream)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        OnnxModel.Save(network, stream);

    public ModelFileInfo Inspect(Stream stream, string source)
    {
        var length = stream.Length;
        var model = OnnxModelProto.Parse(OnnxModel.ReadAll(stream, source), source);
        var initializers = model.Graph?.Initializers ?? [];
        var dtypes = initializers.Select(t => OnnxTensor.DataTypeName(t.DataType)).Distinct(StringComparer.Ordinal).ToArray();
        // The graph input's element type is the model's precision (weights may also sit in Constant nodes).
        var isFloat64 = model.Graph?.Inputs.Any(i => i.ElemType == OnnxFields.Tensor.DataTypeDouble) ?? false;
        return new ModelFileInfo(ModelFormat.Onnx, length, initializers.Count, dtypes, [.. model.Metadata.Select(m => m.Key)], isFloat64);
    }
}
