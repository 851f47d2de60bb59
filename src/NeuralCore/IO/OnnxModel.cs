using System.Numerics;
using NeuralCore.IO.Internals;

namespace NeuralCore.IO;

/// <summary>
/// Loads and saves a <see cref="NeuralNetwork{T}"/> as an ONNX model (<c>.onnx</c>), the format PyTorch exports and
/// ONNX Runtime, Triton and most serving stacks run. The protobuf encoding is read and written by NeuralCore itself
/// (no dependency), for the messages and fields ONNX models of dense networks use.
/// </summary>
/// <remarks>
/// <para><b>Load</b> recognises a chain of dense layers from the graph's single data input to its single output: each
/// layer a <c>Gemm</c> (any alpha, beta and transB; transA = 0) or a <c>MatMul</c> by a [in, out] initializer
/// followed by an <c>Add</c> of a [out] or [1, out] bias (either operand order), then an activation: <c>Relu</c>,
/// <c>Sigmoid</c>, <c>Tanh</c>, <c>LeakyRelu</c>, <c>Softmax</c> (last axis), <c>Elu</c>, <c>Softplus</c>,
/// <c>Gelu</c> (opset 20), or the patterns PyTorch 1.13 writes for GELU (erf and tanh forms) and SiLU
/// (<c>Mul(x, Sigmoid(x))</c>). <c>Identity</c>, <c>Flatten</c> of the 2-D tensor and <c>Constant</c> nodes are
/// allowed; initializers may use <c>raw_data</c> or <c>float_data</c>/<c>double_data</c>; the batch dimension may be
/// fixed or symbolic. Gemm's alpha and beta are folded into the weights and bias (exact for 1). Anything else —
/// another op or attribute, a branch, a second input, a dimension that does not chain, an unused node, a cycle, a
/// missing initializer, external data — is an <see cref="OnnxFormatException"/> naming the node (name and op type),
/// never a silently different model.</para>
/// <para><b>Save</b> writes per layer a <c>Gemm</c> (transB = 1, the weights as their [out, in] initializer) and
/// the activation's nodes, with input <see cref="InputName"/> [<see cref="BatchDimension"/>, in], output
/// <see cref="OutputName"/> [batch, out], producer <see cref="ProducerName"/> and the library version, and the
/// architecture JSON in the metadata under <see cref="ArchitectureMetadataKey"/>. The files pass
/// <c>onnx.checker.check_model(…, full_check=True)</c>. Load(Save(network)) gives back the same architecture and
/// bit-identical parameters.</para>
/// </remarks>
public static class OnnxModel
{
    /// <summary>The lowest opset <see cref="Save{T}(NeuralNetwork{T}, string, int)"/> writes (IR version 7).</summary>
    public const int MinExportOpset = 13;

    /// <summary>The highest opset <see cref="Save{T}(NeuralNetwork{T}, string, int)"/> writes (IR version 8, ONNX 1.12).</summary>
    public const int MaxExportOpset = 17;

    /// <summary>The default export opset.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The lowest default-domain opset <see cref="Load{T}(string, NpyConversion)"/> reads.</summary>
    public const int MinImportOpset = OnnxImporter.MinOpset;

    /// <summary>The highest default-domain opset <see cref="Load{T}(string, NpyConversion)"/> reads.</summary>
    public const int MaxImportOpset = OnnxImporter.MaxOpset;

    /// <summary>The metadata key of the architecture JSON (<see cref="NetworkArchitecture.ToJson"/>) in saved models.</summary>
    public const string ArchitectureMetadataKey = ModelFile.ArchitectureMetadataKey;

    /// <summary>The name of the graph input in saved models.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph output in saved models.</summary>
    public const string OutputName = "output";

    /// <summary>The symbolic batch dimension (<c>dim_param</c>) of saved models.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The <c>producer_name</c> of saved models.</summary>
    public const string ProducerName = "NeuralCore";

    /// <summary>The largest file read (a protobuf message cannot exceed 2 GB).</summary>
    private const long MaxFileBytes = int.MaxValue;

    /// <summary>Reads the network in the ONNX file at <paramref name="path"/>.</summary>
    /// <typeparam name="T">The element type to predict or train in (<see cref="float"/> or <see cref="double"/>).</typeparam>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="conversion">Whether a FLOAT model may load into a double network (exact) and a DOUBLE model into a float network (rounded).</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="OnnxFormatException">The file is not a valid ONNX model, or its graph is not a network NeuralCore represents exactly.</exception>
    public static NeuralNetwork<T> Load<T>(string path, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Load<T>(stream, conversion, path);
    }

    /// <summary>Reads a network from the ONNX model in <paramref name="stream"/> (read to its end).</summary>
    /// <typeparam name="T">The element type to predict or train in (<see cref="float"/> or <see cref="double"/>).</typeparam>
    /// <param name="stream">The stream (need not be seekable).</param>
    /// <param name="conversion">Whether FLOAT ↔ DOUBLE conversion is allowed.</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="OnnxFormatException">The stream does not hold a valid ONNX model, or its graph is not a network NeuralCore represents exactly.</exception>
    public static NeuralNetwork<T> Load<T>(Stream stream, NpyConversion conversion = NpyConversion.Exact, string? sourceName = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = sourceName ?? "<stream>";
        return Load<T>(ReadAll(stream, source), conversion, source);
    }

    /// <summary>Reads a network from an ONNX model held in memory.</summary>
    /// <typeparam name="T">The element type to predict or train in (<see cref="float"/> or <see cref="double"/>).</typeparam>
    /// <param name="bytes">The encoded model.</param>
    /// <param name="conversion">Whether FLOAT ↔ DOUBLE conversion is allowed.</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;memory&gt;</c>.</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="OnnxFormatException">The bytes are not a valid ONNX model, or its graph is not a network NeuralCore represents exactly.</exception>
    public static NeuralNetwork<T> Load<T>(ReadOnlyMemory<byte> bytes, NpyConversion conversion = NpyConversion.Exact, string? sourceName = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"ONNX models load as float or double networks; got {typeof(T).Name}.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX support assumes a little-endian host.");
        }

        var source = sourceName ?? "<memory>";
        return OnnxImporter.Import<T>(OnnxModelProto.Parse(bytes, source), source, conversion);
    }

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> as an ONNX model (replacing it atomically).</summary>
    /// <typeparam name="T">The element type; the model is FLOAT or DOUBLE accordingly.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="path">The destination <c>.onnx</c> file.</param>
    /// <param name="opset">The default-domain opset, <see cref="MinExportOpset"/> to <see cref="MaxExportOpset"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The opset is not one that is written.</exception>
    public static void Save<T>(NeuralNetwork<T> network, string path, int opset = DefaultOpset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Encode(network, opset);
        AtomicFile.Write(path, bytes, static (stream, b) => stream.Write(b.WrittenSpan));
    }

    /// <summary>Writes <paramref name="network"/> to <paramref name="stream"/> as an ONNX model.</summary>
    /// <typeparam name="T">The element type; the model is FLOAT or DOUBLE accordingly.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="stream">The destination stream.</param>
    /// <param name="opset">The default-domain opset, <see cref="MinExportOpset"/> to <see cref="MaxExportOpset"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The opset is not one that is written.</exception>
    public static void Save<T>(NeuralNetwork<T> network, Stream stream, int opset = DefaultOpset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encode(network, opset).WrittenSpan);
    }

    private static ProtobufWriter Encode<T>(NeuralNetwork<T> network, int opset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX support assumes a little-endian host.");
        }

        var writer = new ProtobufWriter();
        OnnxExporter.Export(network, opset).Write(writer);
        return writer;
    }

    /// <summary>The bytes of <paramref name="stream"/> from its position to its end, at most 2 GB (never more than it holds).</summary>
    internal static byte[] ReadAll(Stream stream, string source)
    {
        if (stream.CanSeek)
        {
            var length = stream.Length - stream.Position;
            if (length > MaxFileBytes)
            {
                throw new OnnxFormatException(source, $"the model is {length} bytes; protobuf messages (and this reader) are limited to 2 GB.");
            }

            var bytes = GC.AllocateUninitializedArray<byte>((int)length);
            stream.ReadExactly(bytes);
            return bytes;
        }

        // Unseekable: grow with the data actually read, never with a claimed size.
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes)
            {
                throw new OnnxFormatException(source, "the model is larger than 2 GB; protobuf messages (and this reader) are limited to 2 GB.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
