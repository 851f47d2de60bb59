using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace NeuralCore.IO.Internals;

/// <summary>
/// Maps a network to and from a PyTorch <c>nn.Sequential</c> state_dict: <c>&lt;prefix&gt;&lt;index&gt;.weight</c>
/// [out, in] and <c>&lt;prefix&gt;&lt;index&gt;.bias</c> [out] for each <c>nn.Linear</c>, in index order.
/// </summary>
/// <remarks>
/// <para>Loading: every tensor must parse as <c>prefix + index + ".weight" | ".bias"</c> with one prefix for all
/// (<c>""</c>, <c>"layers."</c>, <c>"model.net."</c>, …); the indices, sorted, are the layers in order and need not be
/// contiguous, since activations and dropout hold indices of their own in <c>nn.Sequential</c>. Anything else — a
/// second prefix, an index spelled twice, a tensor that is not a Linear's weight or bias, a missing bias, a layer too
/// many or too few, a shape that does not fit — is a <see cref="SafeTensorsFormatException"/> listing the tensors found
/// and the ones expected.</para>
/// <para>Saving: the indices PyTorch gives the Linear layers of <c>nn.Sequential(Linear, Act, Linear, Act, …)</c> where
/// each non-linear activation is one module and a linear activation is no module: <c>relu, relu, sigmoid</c> → 0, 2, 4;
/// <c>linear, sigmoid</c> → 0, 1. So a model rebuilt from the architecture that way takes the file with
/// <c>load_state_dict(strict=True)</c>.</para>
/// </remarks>
internal static class SafeTensorsModel
{
    private const string WeightSuffix = "weight";
    private const string BiasSuffix = "bias";

    /// <summary>The state_dict of <paramref name="network"/>, with its architecture in the metadata.</summary>
    public static SafeTensorsArchive CreateArchive<T>(NeuralNetwork<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var archive = new SafeTensorsArchive();

        // "format": "pt" is the key Hugging Face loaders check to treat the file as a PyTorch state_dict.
        archive.Metadata["format"] = "pt";
        archive.Metadata[ModelFile.ArchitectureMetadataKey] = CompactJson(network.Architecture);
        var indices = SequentialIndices(network.Architecture);
        for (var l = 0; l < network.LayerCount; l++)
        {
            var spec = network.Architecture[l];
            using var weights = new Matrix<T>(spec.OutputDim, spec.InputDim);
            network.CopyWeightsTo(l, weights.Span);
            archive.Add(Name(string.Empty, indices[l], WeightSuffix), SafeTensor.FromMatrix(weights.ReadOnlySpan));
            archive.Add(Name(string.Empty, indices[l], BiasSuffix), SafeTensor.FromSpan<T>(network.GetBias(l)));
        }

        return archive;
    }

    /// <summary>The <c>nn.Sequential</c> index of each layer's Linear module (see the remarks on the class).</summary>
    public static int[] SequentialIndices(NetworkArchitecture architecture)
    {
        var indices = new int[architecture.LayerCount];
        var position = 0;
        for (var l = 0; l < indices.Length; l++)
        {
            indices[l] = position;
            position += architecture[l].Activation.Kind == ActivationKind.Linear ? 1 : 2;
        }

        return indices;
    }

    /// <summary>The architecture stored in the metadata, checked against the one given; one of them must exist.</summary>
    public static NetworkArchitecture ResolveArchitecture(SafeTensorsArchive archive, string source, NetworkArchitecture? given)
    {
        NetworkArchitecture? stored = null;
        if (archive.Metadata.TryGetValue(ModelFile.ArchitectureMetadataKey, out var json))
        {
            try
            {
                stored = NetworkArchitecture.FromJson(json);
            }
            catch (ArgumentException ex)
            {
                throw new SafeTensorsFormatException($"{source}/{SafeTensorsArchive.MetadataKey}/{ModelFile.ArchitectureMetadataKey}", ex.Message, ex);
            }
        }

        if (stored is not null && given is not null && !stored.Equals(given))
        {
            throw new SafeTensorsFormatException(source, $"the architecture in the file's metadata ({stored}) differs from the one given ({given}).");
        }

        return stored ?? given ?? throw new SafeTensorsFormatException(
            source,
            $"the file has no '{ModelFile.ArchitectureMetadataKey}' metadata, so the architecture must be given (CLI: --arch ARCH.json); found {Found(archive)}.");
    }

    /// <summary>A network from a state_dict; see the remarks on the class for the rules.</summary>
    public static NeuralNetwork<T> Load<T>(SafeTensorsArchive archive, string source, NetworkArchitecture? given, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (archive.Metadata.ContainsKey(QuantizedModelFile.QuantizationMember))
        {
            throw new SafeTensorsFormatException(
                source,
                $"this is a quantized model (its metadata has '{QuantizedModelFile.QuantizationMember}'); load it with QuantizedModelFile.Load (the CLI's predict does).");
        }

        var architecture = ResolveArchitecture(archive, source, given);
        var layers = MapLayers(archive, source, architecture);
        var network = NeuralNetwork<T>.CreateZeroed(architecture);
        try
        {
            for (var l = 0; l < layers.Length; l++)
            {
                using var weights = archive[layers[l].Weight].ToMatrix<T>(conversion);
                var bias = archive[layers[l].Bias].ToArray<T>(conversion);
                try
                {
                    network.SetWeights(l, weights.ReadOnlySpan);
                }
                catch (ArgumentException ex)
                {
                    // NaN/±∞ in the file (or an F64 value beyond float's range): a bad file, named as one.
                    throw new SafeTensorsFormatException($"{source}/{layers[l].Weight}", ex.Message, ex);
                }

                try
                {
                    network.SetBias(l, bias);
                }
                catch (ArgumentException ex)
                {
                    throw new SafeTensorsFormatException($"{source}/{layers[l].Bias}", ex.Message, ex);
                }
            }

            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The weight and bias tensor names of each layer, in order, after checking names and shapes.</summary>
    private static (string Weight, string Bias)[] MapLayers(SafeTensorsArchive archive, string source, NetworkArchitecture architecture)
    {
        var unrecognised = new List<string>();
        var prefixes = new SortedSet<string>(StringComparer.Ordinal);
        var byIndex = new SortedDictionary<long, (string? Weight, string? Bias)>();
        foreach (var name in archive.Names)
        {
            if (!TryParse(name, out var prefix, out var index, out var isWeight))
            {
                unrecognised.Add(name);
                continue;
            }

            prefixes.Add(prefix);
            byIndex.TryGetValue(index, out var pair);
            var existing = isWeight ? pair.Weight : pair.Bias;
            if (existing is not null)
            {
                throw Error(source, archive, architecture, null, $"'{existing}' and '{name}' both name layer index {index.ToString(CultureInfo.InvariantCulture)}'s {(isWeight ? WeightSuffix : BiasSuffix)}, so the mapping is ambiguous");
            }

            byIndex[index] = isWeight ? (name, pair.Bias) : (pair.Weight, name);
        }

        var commonPrefix = prefixes.Count == 1 ? prefixes.Min : null;
        if (unrecognised.Count > 0)
        {
            throw Error(source, archive, architecture, commonPrefix, $"{Quote(unrecognised)} {(unrecognised.Count == 1 ? "is not" : "are not")} an nn.Linear weight or bias ('<prefix><index>.weight' / '.bias')");
        }

        if (prefixes.Count > 1)
        {
            throw Error(source, archive, architecture, null, $"the tensors are under {prefixes.Count} prefixes ({Quote(prefixes)}), so the mapping is ambiguous; expected one nn.Sequential");
        }

        foreach (var (index, pair) in byIndex)
        {
            if (pair.Weight is null || pair.Bias is null)
            {
                var missing = Name(commonPrefix ?? string.Empty, index, pair.Weight is null ? WeightSuffix : BiasSuffix);
                throw Error(source, archive, architecture, commonPrefix, $"'{missing}' is missing (every nn.Linear needs a weight and a bias)");
            }
        }

        if (byIndex.Count != architecture.LayerCount)
        {
            throw Error(
                source,
                archive,
                architecture,
                commonPrefix,
                string.Create(CultureInfo.InvariantCulture, $"the file holds {byIndex.Count} nn.Linear layers, the architecture {architecture.LayerCount}"));
        }

        var layers = new (string Weight, string Bias)[architecture.LayerCount];
        var l = 0;
        var previousIndex = -1L;
        foreach (var (index, pair) in byIndex)
        {
            var spec = architecture[l];

            // A non-linear activation is a module of its own between two Linears, so their indices differ by 2 or more;
            // adjacent indices say there is none, i.e. a different model than the architecture describes.
            if (l > 0 && architecture[l - 1].Activation.Kind != ActivationKind.Linear && index - previousIndex < 2)
            {
                throw Error(source, archive, architecture, commonPrefix, string.Create(
                    CultureInfo.InvariantCulture,
                    $"layers {previousIndex} and {index} are adjacent nn.Sequential modules, but the architecture puts {architecture[l - 1].Activation} between them (a module of its own)"));
            }

            previousIndex = index;
            var weight = archive[pair.Weight!];
            var bias = archive[pair.Bias!];
            if (weight.Rank != 2 || weight.Shape[0] != spec.OutputDim || weight.Shape[1] != spec.InputDim)
            {
                throw Error(source, archive, architecture, commonPrefix, string.Create(
                    CultureInfo.InvariantCulture,
                    $"'{pair.Weight}' has shape {weight.ShapeText}, but layer {l} of the architecture ({spec}) needs [{spec.OutputDim}, {spec.InputDim}] = [out, in]"));
            }

            if (bias.Rank != 1 || bias.Shape[0] != spec.OutputDim)
            {
                throw Error(source, archive, architecture, commonPrefix, string.Create(
                    CultureInfo.InvariantCulture,
                    $"'{pair.Bias}' has shape {bias.ShapeText}, but layer {l} of the architecture ({spec}) needs [{spec.OutputDim}]"));
            }

            layers[l++] = (pair.Weight!, pair.Bias!);
        }

        return layers;
    }

    /// <summary>Splits <c>model.net.3.weight</c> into <c>model.net.</c>, 3 and weight.</summary>
    private static bool TryParse(string name, out string prefix, out long index, out bool isWeight)
    {
        prefix = string.Empty;
        index = 0;
        isWeight = name.EndsWith("." + WeightSuffix, StringComparison.Ordinal);
        var suffixLength = isWeight ? WeightSuffix.Length + 1 : BiasSuffix.Length + 1;
        if (!isWeight && !name.EndsWith("." + BiasSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.AsSpan(0, name.Length - suffixLength);
        var dot = rest.LastIndexOf('.');
        var digits = rest[(dot + 1)..];
        if (digits.IsEmpty || digits.Length > 9 || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        index = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        prefix = rest[..(dot + 1)].ToString();
        return true;
    }

    private static string Name(string prefix, long index, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{index}.{suffix}");

    private static SafeTensorsFormatException Error(string source, SafeTensorsArchive archive, NetworkArchitecture architecture, string? prefix, string problem) =>
        new(source, $"{problem}. Found {Found(archive)}. Expected for {architecture}: {Expected(architecture, prefix ?? string.Empty)}.");

    internal static string Found(SafeTensorsArchive archive)
    {
        if (archive.Count == 0)
        {
            return "no tensors";
        }

        // A hostile file can hold many tensors; the list shows enough to see the pattern.
        const int Shown = 40;
        var parts = archive.Take(Shown).Select(p => $"{p.Key} {p.Value.ShapeText} {SafeTensorsDTypes.Name(p.Value.DType)}");
        var more = archive.Count > Shown ? string.Create(CultureInfo.InvariantCulture, $", … ({archive.Count - Shown} more)") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{archive.Count} tensor{(archive.Count == 1 ? string.Empty : "s")}: {string.Join(", ", parts)}{more}");
    }

    private static string Expected(NetworkArchitecture architecture, string prefix)
    {
        var indices = SequentialIndices(architecture);
        var parts = new List<string>();
        for (var l = 0; l < architecture.LayerCount; l++)
        {
            var spec = architecture[l];
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Name(prefix, indices[l], WeightSuffix)} [{spec.OutputDim}, {spec.InputDim}]"));
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Name(prefix, indices[l], BiasSuffix)} [{spec.OutputDim}]"));
        }

        return string.Join(", ", parts) + " (any one prefix; any increasing indices)";
    }

    internal static string Quote(IEnumerable<string> names) => string.Join(", ", names.Take(10).Select(n => $"'{(n.Length > 80 ? n[..80] + "…" : n)}'"));

    internal static string CompactJson(NetworkArchitecture architecture)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            architecture.WriteJson(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
