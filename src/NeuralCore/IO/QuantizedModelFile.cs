using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using NeuralCore.Internals.Quantized;
using NeuralCore.Network.Internals.Quantized;

namespace NeuralCore.IO;

/// <summary>
/// Saves and loads a <see cref="QuantizedNetwork"/> as a NumPy <c>.npz</c> archive that <c>numpy.load</c> reads member
/// by member.
/// </summary>
/// <remarks>
/// <code>
/// architecture   uint8 [bytes]      the architecture JSON, as in a model file (<see cref="ModelFile"/>)
/// quantization   uint8 [bytes]      {"mode": "int8", "activations": "dynamic"}  (mode: int8 | bf16; activations: dynamic | static)
/// int8:  W1 … WL       int8 [out, in]     weight codes q in −127…127 (the largest |q| of an output is 127 unless its weights are subnormal)
///        W1_scale …    float32 [out]      scale_n: W ≈ q · scale_n (0 exactly for an all-zero output)
///        x1_range …    float32 [2]        static only: (s, z) of the layer's input, s &gt; 0, z an integer in 0…127
/// bf16:  W1 … WL       uint16 [out, in]   the bfloat16 bits (NumPy has no bfloat16: (W.astype(uint32) &lt;&lt; 16).view(float32))
/// both:  b1 … bL       float32 [out]
/// </code>
/// <para>Save → load is bit-exact: the same codes, scales, bits and biases, so the same predictions. Saving goes
/// through <see cref="AtomicFile"/>. Loading checks every member against the architecture and the rules above (and, before any layer's members, that
/// no int8 layer has more than 65 536 inputs): a
/// file that breaks one is an <see cref="NpyFormatException"/> naming the member, the expected and the actual.
/// An fp32 model file given here (no <c>quantization</c> member) is refused with a message saying so.</para>
/// </remarks>
public static class QuantizedModelFile
{
    /// <summary>The member holding the quantization JSON.</summary>
    public const string QuantizationMember = "quantization";

    private const int MaxJsonDepth = 4;

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> (replacing it atomically).</summary>
    /// <param name="network">The quantized network.</param>
    /// <param name="path">The destination; its extension must be <c>.npz</c>.</param>
    /// <exception cref="ArgumentException">The extension is not <c>.npz</c>.</exception>
    public static void Save(QuantizedNetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        RequireNpz(path, nameof(path));
        network.ThrowIfDisposed();
        Npz.Write(path, CreateArchive(network));
    }

    /// <summary>Writes <paramref name="network"/> to <paramref name="stream"/> as an <c>.npz</c> archive; the stream is left open.</summary>
    /// <param name="network">The quantized network.</param>
    /// <param name="stream">A writable stream.</param>
    public static void Save(QuantizedNetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        network.ThrowIfDisposed();
        Npz.Write(stream, CreateArchive(network));
    }

    /// <summary>Reads a quantized network from the <c>.npz</c> file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="ArgumentException">The extension is not <c>.npz</c>.</exception>
    /// <exception cref="NpyFormatException">A member is missing, malformed (the architecture JSON included), or breaks the rules (see the remarks).</exception>
    public static QuantizedNetwork Load(string path)
    {
        RequireNpz(path, nameof(path));
        return Load(Npz.Read(path), path);
    }

    /// <summary>Reads a quantized network from an <c>.npz</c> archive in <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable stream holding the whole archive.</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <returns>The network; dispose it.</returns>
    /// <exception cref="NpyFormatException">A member is missing, malformed, or breaks the rules.</exception>
    public static QuantizedNetwork Load(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = sourceName ?? "<stream>";
        return Load(Npz.Read(stream, source), source);
    }

    /// <summary>Whether the file at <paramref name="path"/> is a quantized model: an <c>.npz</c> archive with a <c>quantization</c> member.</summary>
    /// <param name="path">A model file path.</param>
    /// <returns><see langword="true"/> for a quantized model; <see langword="false"/> for any other extension or archive.</returns>
    /// <exception cref="NpyFormatException">An <c>.npz</c> file is not a valid archive.</exception>
    public static bool IsQuantized(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return string.Equals(Path.GetExtension(path), ".npz", StringComparison.OrdinalIgnoreCase) && Npz.Read(path).Contains(QuantizationMember);
    }

    /// <summary>The error for an fp32 loader given a quantized archive (the <see cref="ModelFile"/> loader calls it).</summary>
    internal static NpyFormatException NotAnFp32Model(string source) =>
        new(source, $"this is a quantized model (it has a '{QuantizationMember}' member); load it with QuantizedModelFile.Load (the CLI's predict does).");

    private static void RequireNpz(string path, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path, paramName);
        if (!string.Equals(Path.GetExtension(path), ".npz", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"A quantized model is an .npz file; got '{path}'.", paramName);
        }
    }

    private static NpzArchive CreateArchive(QuantizedNetwork network)
    {
        var mode = QuantizationModeNames.GetName(network.Mode);
        var activations = ActivationQuantizationNames.GetName(network.ActivationQuantization);
        var archive = new NpzArchive
        {
            { ModelFile.ArchitectureMember, NpyArray.FromUtf8String(network.Architecture.ToJson()) },
            { QuantizationMember, NpyArray.FromUtf8String($$"""{"mode": "{{mode}}", "activations": "{{activations}}"}""") },
        };
        var layers = network.Layers;
        for (var l = 0; l < layers.Length; l++)
        {
            var spec = layers[l].Spec;
            switch (layers[l])
            {
                case Int8Layer int8:
                    var codes = new sbyte[checked(spec.OutputDim * spec.InputDim)];
                    for (var j = 0; j < spec.OutputDim; j++)
                    {
                        for (var p = 0; p < spec.InputDim; p++)
                        {
                            codes[(j * spec.InputDim) + p] = int8.Code(j, p);
                        }
                    }

                    archive.Add(Name("W", l), NpyArray.FromMatrix(new ReadOnlyMatrixSpan<sbyte>(codes, spec.OutputDim, spec.InputDim)));
                    archive.Add(Name("W", l, "_scale"), NpyArray.FromSpan(int8.Scales));
                    if (int8.InputRange is { } range)
                    {
                        archive.Add(Name("x", l, "_range"), NpyArray.FromSpan<float>([range.Scale, range.ZeroPoint]));
                    }

                    break;
                case BFloat16Layer bf16:
                    var bits = new ushort[checked(spec.OutputDim * spec.InputDim)];
                    for (var j = 0; j < spec.OutputDim; j++)
                    {
                        for (var p = 0; p < spec.InputDim; p++)
                        {
                            bits[(j * spec.InputDim) + p] = bf16.Bits(j, p);
                        }
                    }

                    archive.Add(Name("W", l), NpyArray.FromMatrix(new ReadOnlyMatrixSpan<ushort>(bits, spec.OutputDim, spec.InputDim)));
                    break;
                default:
                    throw new InvalidOperationException($"Layer {l + 1} is a {layers[l].GetType().Name}, which has no file form.");
            }

            archive.Add(Name("b", l), NpyArray.FromSpan<float>(layers[l].Bias));
        }

        return archive;
    }

    private static QuantizedNetwork Load(NpzArchive archive, string source)
    {
        if (!archive.Contains(QuantizationMember))
        {
            throw new NpyFormatException(source, $"there is no '{QuantizationMember}' member: this is not a quantized model (an fp32 model loads with ModelFile.Load; quantize it with QuantizedNetwork.Quantize or `neuralcore quantize`).");
        }

        var architecture = ModelFile.ReadArchitecture(archive, source);
        var (mode, activations) = ReadQuantization(archive, source);
        if (mode == QuantizationMode.Int8)
        {
            // Before any layer's members: the architecture alone rules out a layer too wide for int8.
            RequireInt8Widths(architecture, source);
        }

        var layers = new QuantizedLayer[architecture.LayerCount];
        for (var l = 0; l < layers.Length; l++)
        {
            var spec = architecture[l];
            var bias = ReadFloats(archive, source, Name("b", l), spec.OutputDim);
            RequireFinite(bias, source, Name("b", l));
            layers[l] = mode switch
            {
                QuantizationMode.Int8 => ReadInt8(archive, source, spec, l, bias, activations),
                QuantizationMode.BFloat16 => ReadBFloat16(archive, source, spec, l, bias),
                _ => throw new NpyFormatException(Member(source, QuantizationMember), $"mode {mode} has no reader."),
            };
        }

        return QuantizedNetwork.FromLayers(architecture, mode, activations, layers);
    }

    private static Int8Layer ReadInt8(NpzArchive archive, string source, LayerSpec spec, int l, float[] bias, ActivationQuantization activations)
    {
        var name = Name("W", l);
        var codes = MemoryMarshal.Cast<byte, sbyte>(Read(archive, source, name, NpyDType.Int8, spec.OutputDim, spec.InputDim).DataBytes);
        var minimum = codes.IndexOf(sbyte.MinValue);
        if (minimum >= 0)
        {
            throw new NpyFormatException(Member(source, name), string.Create(CultureInfo.InvariantCulture, $"output {minimum / spec.InputDim} holds the code −128; codes are in −127…127."));
        }

        var scaleName = Name("W", l, "_scale");
        var scales = ReadFloats(archive, source, scaleName, spec.OutputDim);
        for (var j = 0; j < scales.Length; j++)
        {
            var allZero = !codes.Slice(j * spec.InputDim, spec.InputDim).ContainsAnyExcept((sbyte)0);
            if (!(float.IsFinite(scales[j]) && scales[j] >= 0) || (scales[j] == 0) != allZero)
            {
                throw new NpyFormatException(
                    Member(source, scaleName),
                    string.Create(CultureInfo.InvariantCulture, $"scale {j} is {scales[j]}; expected {(allZero ? "0 (its codes are all 0)" : "a finite value > 0 (its codes are not all 0)")}."));
            }
        }

        (float, int)? range = null;
        var rangeName = Name("x", l, "_range");
        if (activations == ActivationQuantization.Static)
        {
            var values = ReadFloats(archive, source, rangeName, 2);
            if (!(float.IsFinite(values[0]) && values[0] > 0 && values[1] >= 0 && values[1] <= 127 && values[1] == MathF.Floor(values[1])))
            {
                throw new NpyFormatException(Member(source, rangeName), string.Create(CultureInfo.InvariantCulture, $"({values[0]}, {values[1]}) is not (s, z) with s finite > 0 and z an integer in 0…127."));
            }

            range = (values[0], (int)values[1]);
        }
        else if (archive.Contains(rangeName))
        {
            throw new NpyFormatException(Member(source, rangeName), "a dynamic model has no input ranges; the quantization member says \"activations\": \"dynamic\".");
        }

        return Int8Layer.FromCodes(spec, codes, scales, bias, range);
    }

    private static void RequireInt8Widths(NetworkArchitecture architecture, string source)
    {
        for (var l = 0; l < architecture.LayerCount; l++)
        {
            if (architecture[l].InputDim > Int8Gemm.MaxK)
            {
                throw new NpyFormatException(
                    Member(source, ModelFile.ArchitectureMember),
                    string.Create(CultureInfo.InvariantCulture, $"layer {l + 1} has {architecture[l].InputDim} inputs; an int8 model's layers have at most {Int8Gemm.MaxK} (int8 sums stay exact in int32 up to that)."));
            }
        }
    }

    private static BFloat16Layer ReadBFloat16(NpzArchive archive, string source, LayerSpec spec, int l, float[] bias)
    {
        var name = Name("W", l);
        var bits = MemoryMarshal.Cast<byte, ushort>(Read(archive, source, name, NpyDType.UInt16, spec.OutputDim, spec.InputDim).DataBytes);
        for (var i = 0; i < bits.Length; i++)
        {
            if ((bits[i] & 0x7F80) == 0x7F80)
            {
                throw new NpyFormatException(Member(source, name), string.Create(CultureInfo.InvariantCulture, $"element {i} (output {i / spec.InputDim}, input {i % spec.InputDim}) is bfloat16 0x{bits[i]:X4}, NaN or ±∞; weights must be finite."));
            }
        }

        return BFloat16Layer.FromBits(spec, bits, bias);
    }

    private static (QuantizationMode Mode, ActivationQuantization Activations) ReadQuantization(NpzArchive archive, string source)
    {
        var member = Member(source, QuantizationMember);
        string? mode = null;
        string? activations = null;
        try
        {
            var text = archive[QuantizationMember].ToUtf8String();
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new NpyFormatException(member, $"expected a JSON object such as {{\"mode\": \"int8\", \"activations\": \"dynamic\"}}; got a JSON {document.RootElement.ValueKind}.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                switch (property.Name)
                {
                    case "mode":
                        mode = mode is null ? value ?? throw new NpyFormatException(member, "\"mode\" must be a string.") : throw new NpyFormatException(member, "\"mode\" is given twice.");
                        break;
                    case "activations":
                        activations = activations is null ? value ?? throw new NpyFormatException(member, "\"activations\" must be a string.") : throw new NpyFormatException(member, "\"activations\" is given twice.");
                        break;
                    default:
                        throw new NpyFormatException(member, $"unknown key \"{property.Name}\"; expected \"mode\" and \"activations\".");
                }
            }
        }
        catch (JsonException ex)
        {
            throw new NpyFormatException(member, $"not valid JSON: {ex.Message}", ex);
        }

        if (!QuantizationModeNames.TryParse(mode, out var parsed) || mode is null)
        {
            throw new NpyFormatException(member, $"\"mode\" is {(mode is null ? "missing" : $"'{mode}'")}; expected one of: {QuantizationModeNames.ValidNames}.");
        }

        if (!ActivationQuantizationNames.TryParse(activations, out var kind) || activations is null || (kind == ActivationQuantization.Static && parsed != QuantizationMode.Int8))
        {
            throw new NpyFormatException(member, $"\"activations\" is {(activations is null ? "missing" : $"'{activations}'")}; expected {(parsed == QuantizationMode.Int8 ? ActivationQuantizationNames.ValidNames : "dynamic (bf16 inputs stay fp32)")}.");
        }

        return (parsed, kind);
    }

    private static NpyArray Read(NpzArchive archive, string source, string name, NpyDType dtype, int rows, int columns)
    {
        if (!archive.TryGetValue(name, out var array))
        {
            throw new NpyFormatException(Member(source, name), "the member is missing.");
        }

        if (array.DType != dtype)
        {
            throw new NpyFormatException(Member(source, name), $"dtype '{array.Descr}'; expected '{Internals.NpyHeader.Descr(dtype)}'.");
        }

        var fits = columns < 0 ? array.Rank == 1 && array.Shape[0] == rows : array.Rank == 2 && array.Shape[0] == rows && array.Shape[1] == columns;
        if (!fits)
        {
            var expected = columns < 0 ? string.Create(CultureInfo.InvariantCulture, $"({rows},)") : string.Create(CultureInfo.InvariantCulture, $"({rows}, {columns}) = (output_dim, input_dim)");
            throw new NpyFormatException(Member(source, name), $"shape {ModelFile.Describe(array)}; expected {expected}.");
        }

        return array;
    }

    private static float[] ReadFloats(NpzArchive archive, string source, string name, int length) =>
        MemoryMarshal.Cast<byte, float>(Read(archive, source, name, NpyDType.Float32, length, -1).DataBytes).ToArray();

    private static void RequireFinite(ReadOnlySpan<float> values, string source, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new NpyFormatException(Member(source, name), string.Create(CultureInfo.InvariantCulture, $"element {i} is {values[i]}; biases must be finite."));
            }
        }
    }

    private static string Member(string source, string name) => $"{source}/{name}.npy";

    private static string Name(string prefix, int layer, string suffix = "") => string.Create(CultureInfo.InvariantCulture, $"{prefix}{layer + 1}{suffix}");
}
