using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NeuralCore.IO;
using NeuralCore.Tests.Network;

namespace NeuralCore.Tests.Quantized;

/// <summary>
/// Quantized models as <c>.safetensors</c> (<see cref="QuantizedModelFile"/>): the tensors, dtypes and metadata the
/// format documents, bit-exact round trips equal to the <c>.npz</c> form, fp32/quantized confusion refused both ways,
/// broken tensors named, and hostile bytes as clean errors.
/// </summary>
public sealed class QuantizedSafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("neuralcore-quantized-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>relu, linear, softmax: the Linear modules sit at nn.Sequential indices 0, 2, 3.</summary>
    private static NeuralNetwork<float> Network() =>
        new(NetworkArchitecture.FromSizes([7, 9, 5, 4], [Activation.Relu, Activation.Linear, Activation.Softmax]), new Initialization(5) { BiasScale = 0.2 });

    private static QuantizedNetwork[] AllKinds(NeuralNetwork<float> network, ReadOnlyMatrixSpan<float> calibration) =>
    [
        QuantizedNetwork.Quantize(network, QuantizationMode.Int8),
        QuantizedNetwork.QuantizeInt8Static(network, calibration),
        QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16),
    ];

    [Fact]
    public void SaveThenLoad_PredictsTheSameBits_AsTheNetworkAndTheNpzForm()
    {
        using var network = Network();
        using var x = NetworkTestHelpers.RandomMatrix<float>(13, 7, 4);
        foreach (var quantized in AllKinds(network, x.ReadOnlySpan))
        {
            using (quantized)
            {
                var path = PathOf($"q-{quantized.Mode}-{quantized.ActivationQuantization}.safetensors");
                QuantizedModelFile.Save(quantized, path);
                Assert.True(QuantizedModelFile.IsQuantized(path));
                using var loaded = QuantizedModelFile.Load(path);
                var npz = PathOf("q.npz");
                QuantizedModelFile.Save(quantized, npz);
                using var fromNpz = QuantizedModelFile.Load(npz);
                Assert.Equal(quantized.ToString(), loaded.ToString());
                Assert.Equal(quantized.WeightBytes, loaded.WeightBytes);
                using var expected = quantized.Predict(x.ReadOnlySpan);
                using var actual = loaded.Predict(x.ReadOnlySpan);
                using var viaNpz = fromNpz.Predict(x.ReadOnlySpan);
                Assert.Equal(expected.DangerousGetStorage().ToArray(), actual.DangerousGetStorage().ToArray());
                Assert.Equal(expected.DangerousGetStorage().ToArray(), viaNpz.DangerousGetStorage().ToArray());

                using var stream = new MemoryStream();
                QuantizedModelFile.Save(quantized, stream, ModelFormat.SafeTensors);
                Assert.Equal(File.ReadAllBytes(path), stream.ToArray());
                stream.Position = 0;
                using var fromStream = QuantizedModelFile.Load(stream, ModelFormat.SafeTensors);
                using var again = fromStream.Predict(x.ReadOnlySpan);
                Assert.Equal(expected.DangerousGetStorage().ToArray(), again.DangerousGetStorage().ToArray());
            }
        }
    }

    [Fact]
    public void TheFile_HoldsTheDocumentedTensorsAndMetadata()
    {
        using var network = Network();
        using var x = NetworkTestHelpers.RandomMatrix<float>(6, 7, 1);
        using var int8 = QuantizedNetwork.QuantizeInt8Static(network, x.ReadOnlySpan);
        var path = PathOf("int8.safetensors");
        QuantizedModelFile.Save(int8, path);
        var archive = SafeTensors.Read(path);
        QuantizedModelFile.Save(int8, PathOf("int8.npz"));
        var npz = Npz.Read(PathOf("int8.npz"));
        Assert.Equal("pt", archive.Metadata["format"]);
        Assert.Equal(network.Architecture, NetworkArchitecture.FromJson(archive.Metadata[ModelFile.ArchitectureMetadataKey]));
        using (var json = JsonDocument.Parse(archive.Metadata[QuantizedModelFile.QuantizationMember]))
        {
            Assert.Equal("int8", json.RootElement.GetProperty("mode").GetString());
            Assert.Equal("static", json.RootElement.GetProperty("activations").GetString());
        }

        int[] indices = [0, 2, 3];
        int[] outputs = [9, 5, 4];
        int[] inputs = [7, 9, 5];
        Assert.Equal(
            indices.SelectMany(i => new[] { $"{i}.weight", $"{i}.weight_scale", $"{i}.input_range", $"{i}.bias" }).Order(StringComparer.Ordinal),
            archive.Names.Order(StringComparer.Ordinal));
        using var file = QuantizedModelFile.Load(path);
        using var dequantized = file.Dequantize();
        for (var l = 0; l < 3; l++)
        {
            var weights = archive[$"{indices[l]}.weight"];
            Assert.Equal(SafeTensorsDType.I8, weights.DType);
            Assert.Equal([outputs[l], inputs[l]], weights.Shape.ToArray());
            var scales = archive[$"{indices[l]}.weight_scale"].ToArray<float>();
            Assert.Equal(outputs[l], scales.Length);

            // The codes times the scales are the weights the quantized network multiplies by.
            var codes = weights.ToArray<sbyte>();
            var w = dequantized.GetWeights(l);
            for (var j = 0; j < outputs[l]; j++)
            {
                for (var p = 0; p < inputs[l]; p++)
                {
                    Assert.Equal(w[j, p], codes[(j * inputs[l]) + p] * scales[j]);
                }
            }

            // (s, z) of the layer's input, as the npz form stores it.
            Assert.Equal(SafeTensorsDType.F32, archive[$"{indices[l]}.input_range"].DType);
            Assert.Equal(npz[$"x{l + 1}_range"].ToArray<float>(), archive[$"{indices[l]}.input_range"].ToArray<float>());
            Assert.Equal(network.GetBias(l).ToArray(), archive[$"{indices[l]}.bias"].ToArray<float>());
        }


        using var bf16 = QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16);
        QuantizedModelFile.Save(bf16, path);
        archive = SafeTensors.Read(path);
        Assert.Equal(indices.SelectMany(i => new[] { $"{i}.weight", $"{i}.bias" }).Order(StringComparer.Ordinal), archive.Names.Order(StringComparer.Ordinal));
        for (var l = 0; l < 3; l++)
        {
            // BF16 widened to float is the bf16 rounding of the fp32 weight: a state_dict PyTorch loads as it is.
            var weights = archive[$"{indices[l]}.weight"];
            Assert.Equal(SafeTensorsDType.BF16, weights.DType);
            var widened = weights.ToArray<float>(NpyConversion.AllowPrecisionChange);
            var w = network.GetWeights(l);
            for (var j = 0; j < outputs[l]; j++)
            {
                for (var p = 0; p < inputs[l]; p++)
                {
                    Assert.Equal(NeuralCore.Internals.Reference.QuantizedReference.FromBFloat16(NeuralCore.Internals.Reference.QuantizedReference.ToBFloat16(w[j, p])), widened[(j * inputs[l]) + p]);
                }
            }
        }
    }

    [Fact]
    public void Fp32AndQuantizedFiles_AreNotMistakenForEachOther()
    {
        using var network = Network();
        var fp32 = PathOf("fp32.safetensors");
        ModelFile.Save(network, fp32);
        Assert.False(QuantizedModelFile.IsQuantized(fp32));
        var notQuantized = Assert.Throws<SafeTensorsFormatException>(() => QuantizedModelFile.Load(fp32));
        Assert.Contains("not a quantized model", notQuantized.Message, StringComparison.Ordinal);

        foreach (var mode in new[] { QuantizationMode.Int8, QuantizationMode.BFloat16 })
        {
            // A bf16 file's tensors would widen into a plausible fp32 network: the metadata key is what refuses it.
            using var quantized = QuantizedNetwork.Quantize(network, mode);
            var q = PathOf($"q-{mode}.safetensors");
            QuantizedModelFile.Save(quantized, q);
            var error = Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load<float>(q, NpyConversion.AllowPrecisionChange));
            Assert.StartsWith(q, error.Message, StringComparison.Ordinal);
            Assert.Contains("QuantizedModelFile.Load", error.Message, StringComparison.Ordinal);
        }

        using var int8 = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var untouched = new MemoryStream();
        Assert.Throws<ArgumentException>(() => QuantizedModelFile.Save(int8, untouched, ModelFormat.Onnx));
        Assert.Equal(0, untouched.Length);
        Assert.Throws<ArgumentException>(() => QuantizedModelFile.Load(new MemoryStream(), ModelFormat.Onnx));
        Assert.Throws<ArgumentException>(() => QuantizedModelFile.Save(int8, PathOf("q.onnx")));

        // A file of I8 codes whose quantization key was removed is not widened into fp32 weights either.
        var stripped = SafeTensors.Read(PathOf($"q-{QuantizationMode.Int8}.safetensors"));
        stripped.Metadata.Remove(QuantizedModelFile.QuantizationMember);
        SafeTensors.Write(PathOf("stripped.safetensors"), stripped);
        Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load<float>(PathOf("stripped.safetensors"), NpyConversion.AllowPrecisionChange));

        // Not a safetensors file at all.
        File.WriteAllBytes(PathOf("garbage.safetensors"), [1, 2, 3]);
        Assert.Throws<SafeTensorsFormatException>(() => QuantizedModelFile.IsQuantized(PathOf("garbage.safetensors")));
    }

    public static TheoryData<string, string> BrokenTensors => new()
    {
        { "code -128", "0.weight: output 0 holds the code −128" },
        { "weights F32", "0.weight: dtype F32; expected I8" },
        { "weights transposed", "0.weight: shape [7, 9]; expected [9, 7]" },
        { "missing scale", "2.weight_scale: the tensor is missing" },
        { "zero scale", "0.weight_scale: scale 1 is 0" },
        { "bias NaN", "3.bias: element 2 is NaN" },
        { "no quantization", "not a quantized model" },
        { "no architecture", "__metadata__/neuralcore.architecture: the entry is missing" },
        { "mode fp8", "__metadata__/quantization: \"mode\" is 'fp8'" },
        { "range in a dynamic file", "0.input_range: a dynamic model has no input ranges" },
        { "bf16 infinity", "0.weight: element 0 (output 0, input 0) is bfloat16 0x7F80" },
        { "bf16 as I8", "0.weight: dtype I8; expected BF16" },
        { "static without range", "2.input_range: the tensor is missing (the file has 11 tensors: " },
        { "static range s 0", "0.input_range: (0, 3) is not (s, z)" },
        { "static range z 200", "0.input_range: (0.1, 200) is not (s, z)" },
        { "bias F64", "0.bias: dtype F64; expected F32" },
        { "scale 2-D", "3.weight_scale: shape [2, 2]; expected [4]" },
        { "extra tensor", "junk: this entry is not part of this int8 (dynamic) model of 3 layers: 'junk'; its entries are 0.weight…, 0.weight_scale…, 0.bias… per layer" },
        { "bf16 with scales", "0.weight_scale: this entry is not part of this bf16 (dynamic) model" },
        { "quantization not an object", "__metadata__/quantization: expected a JSON object" },
        { "quantization bf16 static", "__metadata__/quantization: \"activations\" is 'static'; expected dynamic (bf16 inputs stay fp32)" },
        { "architecture not JSON", "__metadata__/neuralcore.architecture" },
    };

    [Theory]
    [MemberData(nameof(BrokenTensors))]
    public void ABrokenTensor_IsAnErrorNamingIt(string breakage, string expected)
    {
        using var network = Network();
        var bf16 = breakage.StartsWith("bf16", StringComparison.Ordinal);
        using var calibration = NetworkTestHelpers.RandomMatrix<float>(6, 7, 2);
        using var quantized = bf16 ? QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16)
            : breakage.StartsWith("static", StringComparison.Ordinal) ? QuantizedNetwork.QuantizeInt8Static(network, calibration.ReadOnlySpan)
            : QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        var good = PathOf("good.safetensors");
        QuantizedModelFile.Save(quantized, good);
        var source = SafeTensors.Read(good);
        var archive = new SafeTensorsArchive();
        foreach (var (key, value) in source.Metadata)
        {
            archive.Metadata[key] = value;
        }

        foreach (var (name, tensor) in source)
        {
            var replacement = Break(breakage, name, tensor);
            if (replacement is not null)
            {
                archive.Add(name, replacement);
            }
        }

        switch (breakage)
        {
            case "no quantization":
                archive.Metadata.Remove(QuantizedModelFile.QuantizationMember);
                break;
            case "no architecture":
                archive.Metadata.Remove(ModelFile.ArchitectureMetadataKey);
                break;
            case "mode fp8":
                archive.Metadata[QuantizedModelFile.QuantizationMember] = """{"mode": "fp8", "activations": "dynamic"}""";
                break;
            case "range in a dynamic file":
                archive.Add("0.input_range", SafeTensor.FromSpan<float>([0.1f, 0]));
                break;
            case "extra tensor":
                archive.Add("junk", SafeTensor.FromSpan<float>([1f]));
                break;
            case "bf16 with scales":
                archive.Add("0.weight_scale", SafeTensor.FromSpan<float>(new float[9]));
                break;
            case "quantization not an object":
                archive.Metadata[QuantizedModelFile.QuantizationMember] = "[1]";
                break;
            case "quantization bf16 static":
                archive.Metadata[QuantizedModelFile.QuantizationMember] = """{"mode": "bf16", "activations": "static"}""";
                break;
            case "architecture not JSON":
                archive.Metadata[ModelFile.ArchitectureMetadataKey] = "[{";
                break;
        }

        var bad = PathOf("bad.safetensors");
        SafeTensors.Write(bad, archive);
        var error = Assert.Throws<SafeTensorsFormatException>(() => QuantizedModelFile.Load(bad));
        Assert.StartsWith(bad, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The tensor as <paramref name="breakage"/> leaves it: a changed copy, null to drop it, or the tensor itself.</summary>
    private static SafeTensor? Break(string breakage, string name, SafeTensor tensor)
    {
        var shape = tensor.Shape.ToArray();
        switch (breakage, name)
        {
            case ("code -128", "0.weight"):
                var codes = tensor.DataBytes.ToArray();
                codes[0] = 0x80;
                return SafeTensor.FromBytes(SafeTensorsDType.I8, shape, codes);
            case ("weights F32", "0.weight"):
                return SafeTensor.FromMatrix(new ReadOnlyMatrixSpan<float>([.. tensor.ToArray<sbyte>().Select(c => (float)c)], (int)shape[0], (int)shape[1]));
            case ("weights transposed", "0.weight"):
                return SafeTensor.FromBytes(SafeTensorsDType.I8, [shape[1], shape[0]], tensor.DataBytes);
            case ("missing scale", "2.weight_scale"):
                return null;
            case ("zero scale", "0.weight_scale"):
                var scales = tensor.ToArray<float>();
                scales[1] = 0;
                return SafeTensor.FromSpan<float>(scales);
            case ("bias NaN", "3.bias"):
                var bias = tensor.ToArray<float>();
                bias[2] = float.NaN;
                return SafeTensor.FromSpan<float>(bias);
            case ("bf16 infinity", "0.weight"):
                var bits = MemoryMarshal.Cast<byte, ushort>(tensor.DataBytes).ToArray();
                bits[0] = 0x7F80;
                return SafeTensor.FromBytes(SafeTensorsDType.BF16, shape, MemoryMarshal.AsBytes(bits.AsSpan()));
            case ("bf16 as I8", "0.weight"):
                return SafeTensor.FromBytes(SafeTensorsDType.I8, [shape[0], shape[1] * 2], tensor.DataBytes);
            case ("static without range", "2.input_range"):
                return null;
            case ("static range s 0", "0.input_range"):
                return SafeTensor.FromSpan<float>([0f, 3f]);
            case ("static range z 200", "0.input_range"):
                return SafeTensor.FromSpan<float>([0.1f, 200f]);
            case ("bias F64", "0.bias"):
                return SafeTensor.FromSpan<double>([.. tensor.ToArray<float>().Select(v => (double)v)]);
            case ("scale 2-D", "3.weight_scale"):
                return SafeTensor.FromBytes(SafeTensorsDType.F32, [2, 2], tensor.DataBytes);
            default:
                return tensor;
        }
    }

    [Fact]
    public void AnInt8LayerWiderThanMaxK_IsRefusedFromTheMetadata_BeforeAnyTensorIsRead()
    {
        var architecture = NetworkArchitecture.FromSizes([65537, 1], [Activation.Linear]);
        var archive = new SafeTensorsArchive();
        archive.Metadata[ModelFile.ArchitectureMetadataKey] = architecture.ToJson();
        archive.Metadata[QuantizedModelFile.QuantizationMember] = """{"mode": "int8", "activations": "dynamic"}""";
        var path = PathOf("wide.safetensors");
        SafeTensors.Write(path, archive);
        var error = Assert.Throws<SafeTensorsFormatException>(() => QuantizedModelFile.Load(path));
        Assert.Contains("__metadata__/neuralcore.architecture: layer 1 has 65537 inputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void I8Tensors_ReadAsSByteOnly()
    {
        sbyte[] codes = [-127, -1, 0, 1, 127, 5];
        var tensor = SafeTensor.FromMatrix(new ReadOnlyMatrixSpan<sbyte>(codes, 2, 3));
        Assert.Equal(SafeTensorsDType.I8, tensor.DType);
        Assert.Equal(codes, tensor.ToArray<sbyte>());
        Assert.Equal(MemoryMarshal.AsBytes(codes.AsSpan()).ToArray(), tensor.DataBytes.ToArray());

        // Codes are not values: no conversion turns them into floats, and no float becomes a code.
        var toFloat = Assert.Throws<SafeTensorsFormatException>(() => tensor.ToArray<float>(NpyConversion.AllowPrecisionChange));
        Assert.Contains("dtype I8 cannot be read as float32", toFloat.Message, StringComparison.Ordinal);
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensor.FromSpan<float>([1f]).ToArray<sbyte>(NpyConversion.AllowPrecisionChange));

        var archive = new SafeTensorsArchive { { "codes", tensor } };
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, archive);
        var header = Encoding.UTF8.GetString(stream.ToArray(), 8, (int)BitConverter.ToInt64(stream.ToArray(), 0));
        Assert.Contains("\"dtype\":\"I8\",\"shape\":[2,3],\"data_offsets\":[0,6]", header, StringComparison.Ordinal);
        stream.Position = 0;
        Assert.Equal(codes, SafeTensors.Read(stream)["codes"].ToArray<sbyte>());
    }

    [Fact]
    public void MutatedBytes_AreCleanErrorsOrValidModels()
    {
        using var network = Network();
        using var x = NetworkTestHelpers.RandomMatrix<float>(5, 7, 1);
        var random = new Random(1204);
        foreach (var quantized in AllKinds(network, x.ReadOnlySpan))
        {
            using (quantized)
            {
                using var stream = new MemoryStream();
                QuantizedModelFile.Save(quantized, stream, ModelFormat.SafeTensors);
                var bytes = stream.ToArray();
                for (var cut = 0; cut < bytes.Length; cut += 7)
                {
                    LoadsOrFailsCleanly(bytes.AsSpan(0, cut).ToArray(), $"{quantized}: truncated at {cut}");
                }

                for (var round = 0; round < 400; round++)
                {
                    var mutated = (byte[])bytes.Clone();
                    for (var flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    }

                    LoadsOrFailsCleanly(mutated, $"{quantized}: mutation round {round}");
                }
            }
        }
    }

    private static void LoadsOrFailsCleanly(byte[] bytes, string what)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            using var loaded = QuantizedModelFile.Load(new MemoryStream(bytes), ModelFormat.SafeTensors, "mutated.safetensors");
            loaded.Predict(new float[7].AsSpan(), new float[4]);
        }
        catch (SafeTensorsFormatException error)
        {
            Assert.StartsWith("mutated.safetensors", error.Message, StringComparison.Ordinal);
        }
        catch (Exception error)
        {
            Assert.Fail($"{what}: {error.GetType().Name}: {error.Message}");
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, what);
    }
}
