using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using NeuralCore.Internals.Quantized;
using NeuralCore.IO.Internals;
using NeuralCore.Network.Internals.Quantized;

namespace NeuralCore.IO;

/// <summary>
/// Saves and loads a <see cref="QuantizedNetwork"/> as a NumPy <c>.npz</c> archive that <c>numpy.load</c> reads member
/// by member, or as a <c>.safetensors</c> file with I8 and BF16 tensors.
/// </summary>
/// <remarks>
/// <code>
/// .npz member    .safetensors tensor    dtype, shape
/// architecture   metadata neuralcore.architecture   the architecture JSON, as in a model file (<see cref="ModelFile"/>)
/// quantization   metadata quantization  {"mode": "int8", "activations": "dynamic"}  (mode: int8 | bf16; activations: dynamic | static)
/// int8:  W1 …    0.weight …             int8 / I8 [out, in]      weight codes q in −127…127 (Save writes 127 as each output's largest |q| unless its weights are subnormal; Load takes any)
///        W1_scale  0.weight_scale       float32 / F32 [out]      scale_n: W ≈ q · scale_n (0 exactly for an all-zero output)
///        x1_range  0.input_range        float32 / F32 [2]        static only: (s, z) of the layer's input, s &gt; 0, z an integer in 0…127
/// bf16:  W1 …    0.weight …             uint16 / BF16 [out, in]  the bfloat16 bits (NumPy has no bfloat16: (W.astype(uint32) &lt;&lt; 16).view(float32))
/// both:  b1 …    0.bias …               float32 / F32 [out]
/// </code>
/// <para>The safetensors names are the <c>nn.Sequential</c> indices of the Linear modules, as in an fp32 state_dict
/// (<see cref="ModelFile"/>: relu, relu, softmax → 0, 2, 4), and the metadata also holds <c>"format": "pt"</c>; a bf16
/// file is so a state_dict PyTorch loads into the same <c>nn.Sequential</c> (its weights cast from bfloat16; checked
/// by hand with PyTorch 1.13, not by a test).</para>
/// <para>Save → load is bit-exact in both formats: the same codes, scales, bits and biases, so the same predictions.
/// Saving goes through <see cref="AtomicFile"/>. Loading checks every tensor against the architecture and the rules
/// above (and, before any layer's, that no int8 layer has more than 65 536 inputs; and, after them, that the file holds
/// no entry its mode does not have): a file that breaks one is an
/// <see cref="NpyFormatException"/> (<c>.npz</c>) or <see cref="SafeTensorsFormatException"/> (<c>.safetensors</c>)
/// naming the tensor, the expected and the actual. An fp32 model file given here (no <c>quantization</c> entry) is
/// refused with a message saying so, and <see cref="ModelFile"/> refuses a quantized one the same way.</para>
/// </remarks>
public static class QuantizedModelFile
{
    /// <summary>The <c>.npz</c> member, and the <c>.safetensors</c> metadata key, holding the quantization JSON.</summary>
    public const string QuantizationMember = "quantization";

    private const int MaxJsonDepth = 4;

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> (replacing it atomically), in the format its extension names.</summary>
    /// <param name="network">The quantized network.</param>
    /// <param name="path">The destination: <c>.npz</c> or <c>.safetensors</c>.</param>
    /// <exception cref="ArgumentException">The extension is neither.</exception>
    public static void Save(QuantizedNetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        var format = FormatOf(path, nameof(path));
        network.ThrowIfDisposed();
        if (format == ModelFormat.Npz)
        {
            Npz.Write(path, CreateNpz(network));
        }
        else
        {
            SafeTensors.Write(path, CreateSafeTensors(network));
        }
    }

    /// <summary>Writes <paramref name="network"/> to <paramref name="stream"/> as an <c>.npz</c> archive; the stream is left open.</summary>
    /// <param name="network">The quantized network.</param>
    /// <param name="stream">A writable stream.</param>
    public static void Save(QuantizedNetwork network, Stream stream) => Save(network, stream, ModelFormat.Npz);

    /// <summary>Writes <paramref name="network"/> to <paramref name="stream"/> in <paramref name="format"/>; the stream is left open.</summary>
    /// <param name="network">The quantized network.</param>
    /// <param name="stream">A writable stream.</param>
    /// <param name="format"><see cref="ModelFormat.Npz"/> or <see cref="ModelFormat.SafeTensors"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="format"/> is another format.</exception>
    public static void Save(QuantizedNetwork network, Stream stream, ModelFormat format)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        RequireFormat(format, nameof(format));
        network.ThrowIfDisposed();
        if (format == ModelFormat.Npz)
        {
            Npz.Write(stream, CreateNpz(network));
        }
        else
        {
            SafeTensors.Write(stream, CreateSafeTensors(network));
        }
    }

    /// <summary>Reads a quantized network from the <c>.npz</c> or <c>.safetensors</c> file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="ArgumentException">The extension is neither <c>.npz</c> nor <c>.safetensors</c>.</exception>
    /// <exception cref="NpyFormatException">An <c>.npz</c> member is missing, malformed (the architecture JSON included), or breaks the rules (see the remarks).</exception>
    /// <exception cref="SafeTensorsFormatException">A <c>.safetensors</c> file is malformed, or a tensor or metadata entry is missing or breaks the rules.</exception>
    public static QuantizedNetwork Load(string path) =>
        FormatOf(path, nameof(path)) == ModelFormat.Npz
            ? Load(new NpzContainer(Npz.Read(path), path))
            : Load(new SafeTensorsContainer(SafeTensors.Read(path), path));

    /// <summary>Reads a quantized network from an <c>.npz</c> archive in <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable stream holding the whole archive.</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="NpyFormatException">A member is missing, malformed, or breaks the rules.</exception>
    public static QuantizedNetwork Load(Stream stream, string? sourceName = null) => Load(stream, ModelFormat.Npz, sourceName);

    /// <summary>Reads a quantized network in <paramref name="format"/> from <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable stream holding the whole file.</param>
    /// <param name="format"><see cref="ModelFormat.Npz"/> or <see cref="ModelFormat.SafeTensors"/>.</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="ArgumentException"><paramref name="format"/> is another format.</exception>
    /// <exception cref="NpyFormatException">An <c>.npz</c> member is missing, malformed, or breaks the rules.</exception>
    /// <exception cref="SafeTensorsFormatException">A <c>.safetensors</c> tensor or metadata entry is missing, malformed, or breaks the rules.</exception>
    public static QuantizedNetwork Load(Stream stream, ModelFormat format, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        RequireFormat(format, nameof(format));
        var source = sourceName ?? "<stream>";
        return format == ModelFormat.Npz
            ? Load(new NpzContainer(Npz.Read(stream, source), source))
            : Load(new SafeTensorsContainer(SafeTensors.Read(stream, source), source));
    }

    /// <summary>Whether the file at <paramref name="path"/> is a quantized model: an <c>.npz</c> archive with a <c>quantization</c> member, or a <c>.safetensors</c> file with that metadata key.</summary>
    /// <param name="path">A model file path.</param>
    /// <returns><see langword="true"/> for a quantized model; <see langword="false"/> for any other extension or file.</returns>
    /// <exception cref="NpyFormatException">An <c>.npz</c> file is not a valid archive.</exception>
    /// <exception cref="SafeTensorsFormatException">A <c>.safetensors</c> file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it does not exist).</exception>
    public static bool IsQuantized(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var extension = Path.GetExtension(path);
        return string.Equals(extension, ".npz", StringComparison.OrdinalIgnoreCase)
            ? Npz.Read(path).Contains(QuantizationMember)
            : string.Equals(extension, ".safetensors", StringComparison.OrdinalIgnoreCase) && SafeTensors.Read(path).Metadata.ContainsKey(QuantizationMember);
    }

    /// <summary>The error for an fp32 loader given a quantized archive (the <see cref="ModelFile"/> loader calls it).</summary>
    internal static NpyFormatException NotAnFp32Model(string source) =>
        new(source, $"this is a quantized model (it has a '{QuantizationMember}' member); load it with QuantizedModelFile.Load (the CLI's predict does).");

    private static ModelFormat FormatOf(string path, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path, paramName);
        var extension = Path.GetExtension(path);
        if (string.Equals(extension, ".npz", StringComparison.OrdinalIgnoreCase))
        {
            return ModelFormat.Npz;
        }

        if (string.Equals(extension, ".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            return ModelFormat.SafeTensors;
        }

        throw new ArgumentException($"A quantized model is an .npz or .safetensors file; got '{path}'.", paramName);
    }

    private static void RequireFormat(ModelFormat format, string paramName)
    {
        if (format is not (ModelFormat.Npz or ModelFormat.SafeTensors))
        {
            throw new ArgumentException($"A quantized model is stored as {ModelFormat.Npz} or {ModelFormat.SafeTensors}; got {format}.", paramName);
        }
    }

    private static string QuantizationJson(QuantizedNetwork network) =>
        $$"""{"mode": "{{QuantizationModeNames.GetName(network.Mode)}}", "activations": "{{ActivationQuantizationNames.GetName(network.ActivationQuantization)}}"}""";

    /// <summary>W [out, in] of an int8 layer, as its codes.</summary>
    private static sbyte[] CodesOutIn(Int8Layer layer)
    {
        var spec = layer.Spec;
        var codes = new sbyte[checked(spec.OutputDim * spec.InputDim)];
        for (var j = 0; j < spec.OutputDim; j++)
        {
            for (var p = 0; p < spec.InputDim; p++)
            {
                codes[(j * spec.InputDim) + p] = layer.Code(j, p);
            }
        }

        return codes;
    }

    /// <summary>W [out, in] of a bf16 layer, as its bits.</summary>
    private static ushort[] BitsOutIn(BFloat16Layer layer)
    {
        var spec = layer.Spec;
        var bits = new ushort[checked(spec.OutputDim * spec.InputDim)];
        for (var j = 0; j < spec.OutputDim; j++)
        {
            for (var p = 0; p < spec.InputDim; p++)
            {
                bits[(j * spec.InputDim) + p] = layer.Bits(j, p);
            }
        }

        return bits;
    }

    private static NpzArchive CreateNpz(QuantizedNetwork network)
    {
        var archive = new NpzArchive
        {
            { ModelFile.ArchitectureMember, NpyArray.FromUtf8String(network.Architecture.ToJson()) },
            { QuantizationMember, NpyArray.FromUtf8String(QuantizationJson(network)) },
        };
        var names = new NpzNames();
        var layers = network.Layers;
        for (var l = 0; l < layers.Length; l++)
        {
            var spec = layers[l].Spec;
            switch (layers[l])
            {
                case Int8Layer int8:
                    archive.Add(names.Weights(l), NpyArray.FromMatrix(new ReadOnlyMatrixSpan<sbyte>(CodesOutIn(int8), spec.OutputDim, spec.InputDim)));
                    archive.Add(names.Scales(l), NpyArray.FromSpan(int8.Scales));
                    if (int8.InputRange is { } range)
                    {
                        archive.Add(names.InputRange(l), NpyArray.FromSpan<float>([range.Scale, range.ZeroPoint]));
                    }

                    break;
                case BFloat16Layer bf16:
                    archive.Add(names.Weights(l), NpyArray.FromMatrix(new ReadOnlyMatrixSpan<ushort>(BitsOutIn(bf16), spec.OutputDim, spec.InputDim)));
                    break;
                default:
                    throw new InvalidOperationException($"Layer {l + 1} is a {layers[l].GetType().Name}, which has no file form.");
            }

            archive.Add(names.Bias(l), NpyArray.FromSpan<float>(layers[l].Bias));
        }

        return archive;
    }

    private static SafeTensorsArchive CreateSafeTensors(QuantizedNetwork network)
    {
        var archive = new SafeTensorsArchive();
        archive.Metadata["format"] = "pt";
        archive.Metadata[ModelFile.ArchitectureMetadataKey] = SafeTensorsModel.CompactJson(network.Architecture);
        archive.Metadata[QuantizationMember] = QuantizationJson(network);
        var names = new SafeTensorsNames(network.Architecture);
        var layers = network.Layers;
        for (var l = 0; l < layers.Length; l++)
        {
            var spec = layers[l].Spec;
            switch (layers[l])
            {
                case Int8Layer int8:
                    archive.Add(names.Weights(l), SafeTensor.FromMatrix(new ReadOnlyMatrixSpan<sbyte>(CodesOutIn(int8), spec.OutputDim, spec.InputDim)));
                    archive.Add(names.Scales(l), SafeTensor.FromSpan(int8.Scales));
                    if (int8.InputRange is { } range)
                    {
                        archive.Add(names.InputRange(l), SafeTensor.FromSpan<float>([range.Scale, range.ZeroPoint]));
                    }

                    break;
                case BFloat16Layer bf16:
                    archive.Add(names.Weights(l), SafeTensor.FromBytes(SafeTensorsDType.BF16, [spec.OutputDim, spec.InputDim], MemoryMarshal.AsBytes(BitsOutIn(bf16).AsSpan())));
                    break;
                default:
                    throw new InvalidOperationException($"Layer {l + 1} is a {layers[l].GetType().Name}, which has no file form.");
            }

            archive.Add(names.Bias(l), SafeTensor.FromSpan<float>(layers[l].Bias));
        }

        return archive;
    }

    private static QuantizedNetwork Load(Container file)
    {
        var json = file.QuantizationJson ?? throw file.NotQuantized();
        var architecture = file.ReadArchitecture();
        var (mode, activations) = ReadQuantization(file, json);
        if (mode == QuantizationMode.Int8)
        {
            // Before any layer's tensors: the architecture alone rules out a layer too wide for int8.
            RequireInt8Widths(file, architecture);
        }

        var names = file.Names(architecture);
        var layers = new QuantizedLayer[architecture.LayerCount];
        for (var l = 0; l < layers.Length; l++)
        {
            var spec = architecture[l];
            var bias = ReadFloats(file, names.Bias(l), spec.OutputDim);
            RequireFinite(file, bias, names.Bias(l));
            layers[l] = mode switch
            {
                QuantizationMode.Int8 => ReadInt8(file, names, spec, l, bias, activations),
                QuantizationMode.BFloat16 => ReadBFloat16(file, names, spec, l, bias),
                _ => throw file.Error(file.QuantizationName, $"mode {mode} has no reader."),
            };
        }

        RequireNoOthers(file, names, architecture, mode, activations);
        return QuantizedNetwork.FromLayers(architecture, mode, activations, layers);
    }

    /// <summary>Refuses entries the mode does not have (a half-converted or confused file), as the fp32 state_dict reader does.</summary>
    private static void RequireNoOthers(Container file, Names names, NetworkArchitecture architecture, QuantizationMode mode, ActivationQuantization activations)
    {
        var expected = new HashSet<string>(file.FixedNames, StringComparer.Ordinal);
        for (var l = 0; l < architecture.LayerCount; l++)
        {
            expected.Add(names.Weights(l));
            expected.Add(names.Bias(l));
            if (mode == QuantizationMode.Int8)
            {
                expected.Add(names.Scales(l));
                if (activations == ActivationQuantization.Static)
                {
                    expected.Add(names.InputRange(l));
                }
            }
        }

        var others = file.AllNames.Where(name => !expected.Contains(name)).ToList();
        if (others.Count > 0)
        {
            throw file.Error(
                others[0],
                string.Create(CultureInfo.InvariantCulture, $"{(others.Count == 1 ? "this entry is" : $"{others.Count} entries are")} not part of this {QuantizationModeNames.GetName(mode)} ({ActivationQuantizationNames.GetName(activations)}) model of {architecture.LayerCount} layers: {SafeTensorsModel.Quote(others)}{(others.Count > 10 ? ", …" : string.Empty)}; its entries are {names.Describe(mode, activations)}."));
        }
    }

    private static Int8Layer ReadInt8(Container file, Names names, LayerSpec spec, int l, float[] bias, ActivationQuantization activations)
    {
        var name = names.Weights(l);
        var codes = MemoryMarshal.Cast<byte, sbyte>(file.Read(name, Element.Int8, spec.OutputDim, spec.InputDim));
        var minimum = codes.IndexOf(sbyte.MinValue);
        if (minimum >= 0)
        {
            throw file.Error(name, string.Create(CultureInfo.InvariantCulture, $"output {minimum / spec.InputDim} holds the code −128; codes are in −127…127."));
        }

        var scaleName = names.Scales(l);
        var scales = ReadFloats(file, scaleName, spec.OutputDim);
        for (var j = 0; j < scales.Length; j++)
        {
            var allZero = !codes.Slice(j * spec.InputDim, spec.InputDim).ContainsAnyExcept((sbyte)0);
            if (!(float.IsFinite(scales[j]) && scales[j] >= 0) || (scales[j] == 0) != allZero)
            {
                throw file.Error(
                    scaleName,
                    string.Create(CultureInfo.InvariantCulture, $"scale {j} is {scales[j]}; expected {(allZero ? "0 (its codes are all 0)" : "a finite value > 0 (its codes are not all 0)")}."));
            }
        }

        (float, int)? range = null;
        var rangeName = names.InputRange(l);
        if (activations == ActivationQuantization.Static)
        {
            var values = ReadFloats(file, rangeName, 2);
            if (!(float.IsFinite(values[0]) && values[0] > 0 && values[1] >= 0 && values[1] <= 127 && values[1] == MathF.Floor(values[1])))
            {
                throw file.Error(rangeName, string.Create(CultureInfo.InvariantCulture, $"({values[0]}, {values[1]}) is not (s, z) with s finite > 0 and z an integer in 0…127."));
            }

            range = (values[0], (int)values[1]);
        }
        else if (file.Contains(rangeName))
        {
            throw file.Error(rangeName, "a dynamic model has no input ranges; the quantization entry says \"activations\": \"dynamic\".");
        }

        return Int8Layer.FromCodes(spec, codes, scales, bias, range);
    }

    private static void RequireInt8Widths(Container file, NetworkArchitecture architecture)
    {
        for (var l = 0; l < architecture.LayerCount; l++)
        {
            if (architecture[l].InputDim > Int8Gemm.MaxK)
            {
                throw file.Error(
                    file.ArchitectureName,
                    string.Create(CultureInfo.InvariantCulture, $"layer {l + 1} has {architecture[l].InputDim} inputs; an int8 model's layers have at most {Int8Gemm.MaxK} (int8 sums stay exact in int32 up to that)."));
            }
        }
    }

    private static BFloat16Layer ReadBFloat16(Container file, Names names, LayerSpec spec, int l, float[] bias)
    {
        var name = names.Weights(l);
        var bits = MemoryMarshal.Cast<byte, ushort>(file.Read(name, Element.BFloat16, spec.OutputDim, spec.InputDim));
        for (var i = 0; i < bits.Length; i++)
        {
            if ((bits[i] & 0x7F80) == 0x7F80)
            {
                throw file.Error(name, string.Create(CultureInfo.InvariantCulture, $"element {i} (output {i / spec.InputDim}, input {i % spec.InputDim}) is bfloat16 0x{bits[i]:X4}, NaN or ±∞; weights must be finite."));
            }
        }

        return BFloat16Layer.FromBits(spec, bits, bias);
    }

    private static (QuantizationMode Mode, ActivationQuantization Activations) ReadQuantization(Container file, string text)
    {
        var name = file.QuantizationName;
        string? mode = null;
        string? activations = null;
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw file.Error(name, $"expected a JSON object such as {{\"mode\": \"int8\", \"activations\": \"dynamic\"}}; got a JSON {document.RootElement.ValueKind}.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                switch (property.Name)
                {
                    case "mode":
                        mode = mode is null ? value ?? throw file.Error(name, "\"mode\" must be a string.") : throw file.Error(name, "\"mode\" is given twice.");
                        break;
                    case "activations":
                        activations = activations is null ? value ?? throw file.Error(name, "\"activations\" must be a string.") : throw file.Error(name, "\"activations\" is given twice.");
                        break;
                    default:
                        throw file.Error(name, $"unknown key \"{property.Name}\"; expected \"mode\" and \"activations\".");
                }
            }
        }
        catch (JsonException ex)
        {
            throw file.Error(name, $"not valid JSON: {ex.Message}", ex);
        }

        if (!QuantizationModeNames.TryParse(mode, out var parsed) || mode is null)
        {
            throw file.Error(name, $"\"mode\" is {(mode is null ? "missing" : $"'{mode}'")}; expected one of: {QuantizationModeNames.ValidNames}.");
        }

        if (!ActivationQuantizationNames.TryParse(activations, out var kind) || activations is null || (kind == ActivationQuantization.Static && parsed != QuantizationMode.Int8))
        {
            throw file.Error(name, $"\"activations\" is {(activations is null ? "missing" : $"'{activations}'")}; expected {(parsed == QuantizationMode.Int8 ? ActivationQuantizationNames.ValidNames : "dynamic (bf16 inputs stay fp32)")}.");
        }

        return (parsed, kind);
    }

    private static float[] ReadFloats(Container file, string name, int length) =>
        MemoryMarshal.Cast<byte, float>(file.Read(name, Element.Float32, length, -1)).ToArray();

    private static void RequireFinite(Container file, ReadOnlySpan<float> values, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw file.Error(name, string.Create(CultureInfo.InvariantCulture, $"element {i} is {values[i]}; biases must be finite."));
            }
        }
    }

    /// <summary>The element types of a quantized file's tensors.</summary>
    private enum Element
    {
        Int8,
        BFloat16,
        Float32,
    }

    /// <summary>The names of each layer's tensors in one format.</summary>
    private abstract class Names
    {
        /// <summary>The per-layer entries of <paramref name="mode"/>, for messages: e.g. <c>W1…, W1_scale…, b1…</c>.</summary>
        public string Describe(QuantizationMode mode, ActivationQuantization activations) =>
            mode == QuantizationMode.Int8
                ? $"{Weights(0)}…, {Scales(0)}…, {(activations == ActivationQuantization.Static ? $"{InputRange(0)}…, " : string.Empty)}{Bias(0)}… per layer"
                : $"{Weights(0)}…, {Bias(0)}… per layer";

        public abstract string Weights(int layer);

        public abstract string Scales(int layer);

        public abstract string InputRange(int layer);

        public abstract string Bias(int layer);
    }

    /// <summary><c>W1</c>, <c>W1_scale</c>, <c>x1_range</c>, <c>b1</c>: the model file's names, counted from 1.</summary>
    private sealed class NpzNames : Names
    {
        public override string Weights(int layer) => Name("W", layer, string.Empty);

        public override string Scales(int layer) => Name("W", layer, "_scale");

        public override string InputRange(int layer) => Name("x", layer, "_range");

        public override string Bias(int layer) => Name("b", layer, string.Empty);

        private static string Name(string prefix, int layer, string suffix) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{layer + 1}{suffix}");
    }

    /// <summary><c>0.weight</c>, <c>0.weight_scale</c>, <c>0.input_range</c>, <c>0.bias</c>: the state_dict's names at each Linear's <c>nn.Sequential</c> index.</summary>
    private sealed class SafeTensorsNames(NetworkArchitecture architecture) : Names
    {
        private readonly int[] _indices = SafeTensorsModel.SequentialIndices(architecture);

        public override string Weights(int layer) => Name(layer, "weight");

        public override string Scales(int layer) => Name(layer, "weight_scale");

        public override string InputRange(int layer) => Name(layer, "input_range");

        public override string Bias(int layer) => Name(layer, "bias");

        private string Name(int layer, string suffix) => string.Create(CultureInfo.InvariantCulture, $"{_indices[layer]}.{suffix}");
    }

    /// <summary>One quantized file's entries, whatever its format: lookups, the shape and dtype checks, and the format's error.</summary>
    private abstract class Container(string source)
    {
        protected string Source { get; } = source;

        /// <summary>The quantization JSON, or null when the file has none (an fp32 model).</summary>
        public abstract string? QuantizationJson { get; }

        public abstract string QuantizationName { get; }

        public abstract string ArchitectureName { get; }

        public abstract NetworkArchitecture ReadArchitecture();

        public abstract Names Names(NetworkArchitecture architecture);

        public abstract bool Contains(string name);

        /// <summary>Every entry the file holds (members or tensors; safetensors metadata is free-form and not listed).</summary>
        public abstract IEnumerable<string> AllNames { get; }

        /// <summary>The entries besides the layers' (the .npz architecture and quantization members).</summary>
        public abstract IEnumerable<string> FixedNames { get; }

        /// <summary>The bytes of <paramref name="name"/>, checked to be <paramref name="element"/> [rows, columns] (columns &lt; 0: [rows]).</summary>
        public abstract ReadOnlySpan<byte> Read(string name, Element element, int rows, int columns);

        public abstract IOException Error(string name, string problem, Exception? inner = null);

        public abstract IOException NotQuantized();

        /// <summary>The expected shape, as NumPy writes it (a tuple) or as safetensors does (a list).</summary>
        protected static string Expected(int rows, int columns, bool tuple)
        {
            var (open, close, ones) = tuple ? ("(", ")", ",") : ("[", "]", string.Empty);
            return columns < 0
                ? string.Create(CultureInfo.InvariantCulture, $"{open}{rows}{ones}{close}")
                : string.Create(CultureInfo.InvariantCulture, $"{open}{rows}, {columns}{close} = {open}output_dim, input_dim{close}");
        }
    }

    private sealed class NpzContainer(NpzArchive archive, string source) : Container(source)
    {
        public override string? QuantizationJson
        {
            get
            {
                if (!archive.TryGetValue(QuantizationMember, out var member))
                {
                    return null;
                }

                try
                {
                    return member.ToUtf8String();
                }
                catch (InvalidOperationException ex)
                {
                    throw Error(QuantizationMember, ex.Message, ex);
                }
            }
        }

        public override string QuantizationName => QuantizationMember;

        public override string ArchitectureName => ModelFile.ArchitectureMember;

        public override NetworkArchitecture ReadArchitecture() => ModelFile.ReadArchitecture(archive, Source);

        public override Names Names(NetworkArchitecture architecture) => new NpzNames();

        public override bool Contains(string name) => archive.Contains(name);

        public override IEnumerable<string> AllNames => archive.Names;

        public override IEnumerable<string> FixedNames => [ModelFile.ArchitectureMember, QuantizationMember];

        public override ReadOnlySpan<byte> Read(string name, Element element, int rows, int columns)
        {
            if (!archive.TryGetValue(name, out var array))
            {
                throw Error(name, "the member is missing.");
            }

            var dtype = element switch
            {
                Element.Int8 => NpyDType.Int8,
                Element.BFloat16 => NpyDType.UInt16,
                Element.Float32 => NpyDType.Float32,
                _ => throw new ArgumentOutOfRangeException(nameof(element), element, "Not a quantized file element."),
            };
            if (array.DType != dtype)
            {
                throw Error(name, $"dtype '{array.Descr}'; expected '{Internals.NpyHeader.Descr(dtype)}'.");
            }

            var fits = columns < 0 ? array.Rank == 1 && array.Shape[0] == rows : array.Rank == 2 && array.Shape[0] == rows && array.Shape[1] == columns;
            if (!fits)
            {
                throw Error(name, $"shape {ModelFile.Describe(array)}; expected {Expected(rows, columns, tuple: true)}.");
            }

            return array.DataBytes;
        }

        public override IOException Error(string name, string problem, Exception? inner = null) =>
            new NpyFormatException($"{Source}/{name}.npy", problem, inner);

        public override IOException NotQuantized() =>
            new NpyFormatException(Source, $"there is no '{QuantizationMember}' member: this is not a quantized model (an fp32 model loads with ModelFile.Load; quantize it with QuantizedNetwork.Quantize or `neuralcore quantize`).");
    }

    private sealed class SafeTensorsContainer(SafeTensorsArchive archive, string source) : Container(source)
    {
        public override string? QuantizationJson => archive.Metadata.TryGetValue(QuantizationMember, out var json) ? json : null;

        public override string QuantizationName => $"{SafeTensorsArchive.MetadataKey}/{QuantizationMember}";

        public override string ArchitectureName => $"{SafeTensorsArchive.MetadataKey}/{ModelFile.ArchitectureMetadataKey}";

        public override NetworkArchitecture ReadArchitecture()
        {
            if (!archive.Metadata.ContainsKey(ModelFile.ArchitectureMetadataKey))
            {
                throw Error(ArchitectureName, "the entry is missing; a quantized model carries its architecture.");
            }

            return SafeTensorsModel.ResolveArchitecture(archive, Source, null);
        }

        public override Names Names(NetworkArchitecture architecture) => new SafeTensorsNames(architecture);

        public override bool Contains(string name) => archive.Contains(name);

        public override IEnumerable<string> AllNames => archive.Names;

        public override IEnumerable<string> FixedNames => [];

        public override ReadOnlySpan<byte> Read(string name, Element element, int rows, int columns)
        {
            if (!archive.TryGetValue(name, out var tensor))
            {
                throw Error(name, $"the tensor is missing (the file has {SafeTensorsModel.Found(archive)}).");
            }

            var dtype = element switch
            {
                Element.Int8 => SafeTensorsDType.I8,
                Element.BFloat16 => SafeTensorsDType.BF16,
                Element.Float32 => SafeTensorsDType.F32,
                _ => throw new ArgumentOutOfRangeException(nameof(element), element, "Not a quantized file element."),
            };
            if (tensor.DType != dtype)
            {
                throw Error(name, $"dtype {SafeTensorsDTypes.Name(tensor.DType)}; expected {SafeTensorsDTypes.Name(dtype)}.");
            }

            var shape = tensor.Shape;
            var fits = columns < 0 ? shape.Length == 1 && shape[0] == rows : shape.Length == 2 && shape[0] == rows && shape[1] == columns;
            if (!fits)
            {
                throw Error(name, $"shape {tensor.ShapeText}; expected {Expected(rows, columns, tuple: false)}.");
            }

            return tensor.DataBytes;
        }

        public override IOException Error(string name, string problem, Exception? inner = null) =>
            inner is null ? new SafeTensorsFormatException($"{Source}/{name}", problem) : new SafeTensorsFormatException($"{Source}/{name}", problem, inner);

        public override IOException NotQuantized() =>
            new SafeTensorsFormatException(Source, $"its metadata has no '{QuantizationMember}' entry: this is not a quantized model (an fp32 state_dict loads with ModelFile.Load; quantize it with QuantizedNetwork.Quantize or `neuralcore quantize`).");
    }
}
