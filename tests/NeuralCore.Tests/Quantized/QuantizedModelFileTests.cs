using NeuralCore.IO;
using NeuralCore.Tests.Network;

namespace NeuralCore.Tests.Quantized;

public sealed class QuantizedModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("neuralcore-quantized-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static NeuralNetwork<float> Network() =>
        new(NetworkArchitecture.FromSizes([7, 9, 4], [Activation.Relu, Activation.Softmax]), new Initialization(3) { BiasScale = 0.2 });

    private static QuantizedNetwork[] AllKinds(NeuralNetwork<float> network, ReadOnlyMatrixSpan<float> calibration) =>
    [
        QuantizedNetwork.Quantize(network, QuantizationMode.Int8),
        QuantizedNetwork.QuantizeInt8Static(network, calibration),
        QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16),
    ];

    [Fact]
    public void SaveThenLoad_PredictsTheSameBits_InEveryMode()
    {
        using var network = Network();
        using var x = NetworkTestHelpers.RandomMatrix<float>(11, 7, 2);
        foreach (var quantized in AllKinds(network, x.ReadOnlySpan))
        {
            using (quantized)
            {
                var path = PathOf($"q-{quantized.Mode}-{quantized.ActivationQuantization}.npz");
                QuantizedModelFile.Save(quantized, path);
                Assert.True(QuantizedModelFile.IsQuantized(path));
                using var loaded = QuantizedModelFile.Load(path);
                Assert.Equal(quantized.ToString(), loaded.ToString());
                Assert.Equal(quantized.WeightBytes, loaded.WeightBytes);
                using var expected = quantized.Predict(x.ReadOnlySpan);
                using var actual = loaded.Predict(x.ReadOnlySpan);
                Assert.Equal(expected.DangerousGetStorage().ToArray(), actual.DangerousGetStorage().ToArray());

                using var stream = new MemoryStream();
                QuantizedModelFile.Save(quantized, stream);
                stream.Position = 0;
                using var fromStream = QuantizedModelFile.Load(stream);
                using var again = fromStream.Predict(x.ReadOnlySpan);
                Assert.Equal(expected.DangerousGetStorage().ToArray(), again.DangerousGetStorage().ToArray());
            }
        }
    }

    [Fact]
    public void SubnormalWeights_OfOneOutput_SaveAndLoadWithTheSamePredictions()
    {
        // Output 2 of layer 1 has only subnormal weights: scale = 1e-43 / 127 rounds to the smallest subnormal, so its
        // largest |code| is round(1e-43 / 1.4e-45) = 71, not 127 (files like this used to be refused).
        using var network = Network();
        var w = network.GetWeights(0);
        for (var p = 0; p < w.GetLength(1); p++)
        {
            w[2, p] = (p % 3) switch { 0 => 1e-43f, 1 => -3e-44f, _ => 0f };
        }

        network.SetWeights(0, w);
        using var x = NetworkTestHelpers.RandomMatrix<float>(11, 7, 4, scale: 3);
        using var dynamicInt8 = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var staticInt8 = QuantizedNetwork.QuantizeInt8Static(network, x.ReadOnlySpan);
        foreach (var quantized in (QuantizedNetwork[])[dynamicInt8, staticInt8])
        {
            var path = PathOf($"subnormal-{quantized.ActivationQuantization}.npz");
            QuantizedModelFile.Save(quantized, path);
            var codes = Npz.Read(path)["W1"].DataBytes.ToArray().Select(b => (int)(sbyte)b).ToArray();
            var largest = Enumerable.Range(0, 7).Max(p => Math.Abs(codes[(2 * 7) + p]));
            Assert.InRange(largest, 1, 126);
            Assert.True(float.IsSubnormal(Npz.Read(path)["W1_scale"].ToArray<float>()[2]));

            using var loaded = QuantizedModelFile.Load(path);
            using var expected = quantized.Predict(x.ReadOnlySpan);
            using var actual = loaded.Predict(x.ReadOnlySpan);
            Assert.Equal(expected.DangerousGetStorage().ToArray(), actual.DangerousGetStorage().ToArray());
            using var before = quantized.Dequantize();
            using var after = loaded.Dequantize();
            Assert.Equal(before.GetWeights(0), after.GetWeights(0));
            Assert.Equal(1e-43f, after.GetWeights(0)[2, 0], 1e-44f);
        }
    }

    [Fact]
    public void TheArchive_HoldsTheDocumentedMembers()
    {
        using var network = Network();
        using var int8 = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        var path = PathOf("int8.npz");
        QuantizedModelFile.Save(int8, path);
        var archive = Npz.Read(path);
        Assert.Equal(["architecture", "quantization", "W1", "W1_scale", "b1", "W2", "W2_scale", "b2"], archive.Names);
        Assert.Equal("""{"mode": "int8", "activations": "dynamic"}""", archive["quantization"].ToUtf8String());
        Assert.Equal(NpyDType.Int8, archive["W1"].DType);
        Assert.Equal([9, 7], archive["W1"].Shape.ToArray());

        // The codes times the scales are the dequantized weights; the bias is the fp32 bias.
        using var dequantized = int8.Dequantize();
        var codes = archive["W1"].DataBytes.ToArray().Select(b => (sbyte)b).ToArray();
        var scales = archive["W1_scale"].ToArray<float>();
        var weights = dequantized.GetWeights(0);
        for (var j = 0; j < 9; j++)
        {
            Assert.Equal(127, Enumerable.Range(0, 7).Max(p => Math.Abs((int)codes[(j * 7) + p])));
            for (var p = 0; p < 7; p++)
            {
                Assert.Equal(weights[j, p], codes[(j * 7) + p] * scales[j]);
            }
        }

        Assert.Equal(network.GetBias(0), archive["b1"].ToArray<float>());

        using var bf16 = QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16);
        QuantizedModelFile.Save(bf16, path);
        archive = Npz.Read(path);
        Assert.Equal(NpyDType.UInt16, archive["W2"].DType);
        Assert.False(archive.Contains("W2_scale"));
    }

    [Fact]
    public void Fp32AndQuantizedFiles_AreNotMistakenForEachOther()
    {
        using var network = Network();
        var fp32 = PathOf("fp32.npz");
        ModelFile.Save(network, fp32);
        Assert.False(QuantizedModelFile.IsQuantized(fp32));
        Assert.Contains("not a quantized model", Assert.Throws<NpyFormatException>(() => QuantizedModelFile.Load(fp32)).Message, StringComparison.Ordinal);

        using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        var q = PathOf("q.npz");
        QuantizedModelFile.Save(quantized, q);
        var error = Assert.Throws<NpyFormatException>(() => ModelFile.Load<float>(q));
        Assert.StartsWith(q, error.Message, StringComparison.Ordinal);
        Assert.Contains("QuantizedModelFile.Load", error.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => QuantizedModelFile.Save(quantized, PathOf("q.onnx")));
        Assert.False(File.Exists(PathOf("q.onnx")));
        Assert.False(QuantizedModelFile.IsQuantized(PathOf("model.onnx")));
    }

    public static TheoryData<string, string> BrokenMembers => new()
    {
        { "code -128", "the code −128" },
        { "zero codes with a scale", "expected 0 (its codes are all 0)" },
        { "zero scale", "scale 2 is 0" },
        { "negative scale", "scale 0 is -1" },
        { "weights float32", "dtype '<f4'; expected '|i1'" },
        { "weights transposed", "shape (7, 9); expected (9, 7)" },
        { "bias NaN", "element 1 is NaN" },
        { "missing scale", "W1_scale.npy: the member is missing" },
        { "mode fp8", "\"mode\" is 'fp8'; expected one of: int8, bf16" },
        { "unknown key", "unknown key \"bits\"" },
        { "not JSON", "not valid JSON" },
        { "JSON array", "expected a JSON object" },
        { "static without range", "x1_range.npy: the member is missing" },
        { "range in a dynamic file", "a dynamic model has no input ranges" },
        { "range zero point 3.5", "is not (s, z)" },
        { "bf16 static", "expected dynamic (bf16 inputs stay fp32)" },
        { "bf16 infinity", "NaN or ±∞" },
        { "bf16 as int8", "dtype '|i1'; expected '<u2'" },
        { "extra member", "W9.npy: this entry is not part of this int8 (dynamic) model of 2 layers: 'W9'" },
        { "bf16 with scales", "W1_scale.npy: this entry is not part of this bf16 (dynamic) model" },
    };

    [Theory]
    [MemberData(nameof(BrokenMembers))]
    public void ABrokenMember_IsAnErrorNamingIt(string breakage, string expected)
    {
        using var network = Network();
        using var x = NetworkTestHelpers.RandomMatrix<float>(5, 7, 1);
        var bf16 = breakage.StartsWith("bf16", StringComparison.Ordinal);
        using var quantized = bf16
            ? QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16)
            : breakage.Contains("static", StringComparison.Ordinal) || breakage.Contains("zero point", StringComparison.Ordinal)
                ? QuantizedNetwork.QuantizeInt8Static(network, x.ReadOnlySpan)
                : QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        var good = PathOf("good.npz");
        QuantizedModelFile.Save(quantized, good);
        var source = Npz.Read(good);
        var archive = new NpzArchive();
        foreach (var (name, array) in source)
        {
            var replacement = Break(breakage, name, array);
            if (replacement is not null)
            {
                archive.Add(name, replacement);
            }
        }

        if (breakage == "range in a dynamic file")
        {
            archive.Add("x1_range", NpyArray.FromSpan<float>([0.1f, 0]));
        }

        if (breakage == "extra member")
        {
            archive.Add("W9", NpyArray.FromSpan<float>([1f]));
        }

        if (breakage == "bf16 with scales")
        {
            archive.Add("W1_scale", NpyArray.FromSpan<float>(new float[9]));
        }

        var bad = PathOf("bad.npz");
        Npz.Write(bad, archive);
        var error = Assert.Throws<NpyFormatException>(() => QuantizedModelFile.Load(bad));
        Assert.StartsWith(bad, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The member as <paramref name="breakage"/> leaves it: a changed copy, null to drop it, or the array itself.</summary>
    private static NpyArray? Break(string breakage, string name, NpyArray array)
    {
        sbyte[] Codes() => [.. array.DataBytes.ToArray().Select(b => (sbyte)b)];
        NpyArray Matrix<T>(T[] values, int rows, int columns)
            where T : unmanaged => NpyArray.FromMatrix(new ReadOnlyMatrixSpan<T>(values, rows, columns));
        switch (breakage, name)
        {
            case ("code -128", "W1"):
                var codes = Codes();
                codes[3] = sbyte.MinValue;
                return Matrix(codes, 9, 7);
            case ("zero codes with a scale", "W2"):
                var zeroed = Codes();
                zeroed.AsSpan(0, 9).Clear();
                return Matrix(zeroed, 4, 9);
            case ("zero scale", "W1_scale"):
            case ("negative scale", "W1_scale"):
                var scales = array.ToArray<float>();
                scales[breakage == "zero scale" ? 2 : 0] = breakage == "zero scale" ? 0 : -1;
                return NpyArray.FromSpan<float>(scales);
            case ("weights float32", "W1"):
                return Matrix(Codes().Select(c => (float)c).ToArray(), 9, 7);
            case ("weights transposed", "W1"):
                return Matrix(Codes(), 7, 9);
            case ("bias NaN", "b2"):
                var bias = array.ToArray<float>();
                bias[1] = float.NaN;
                return NpyArray.FromSpan<float>(bias);
            case ("missing scale", "W1_scale"):
            case ("static without range", "x1_range"):
                return null;
            case ("mode fp8", "quantization"):
                return NpyArray.FromUtf8String("""{"mode": "fp8", "activations": "dynamic"}""");
            case ("unknown key", "quantization"):
                return NpyArray.FromUtf8String("""{"mode": "int8", "activations": "dynamic", "bits": 8}""");
            case ("not JSON", "quantization"):
                return NpyArray.FromUtf8String("""{"mode": "int8",""");
            case ("JSON array", "quantization"):
                return NpyArray.FromUtf8String("""["int8"]""");
            case ("range zero point 3.5", "x2_range"):
                var range = array.ToArray<float>();
                range[1] = 3.5f;
                return NpyArray.FromSpan<float>(range);
            case ("bf16 static", "quantization"):
                return NpyArray.FromUtf8String("""{"mode": "bf16", "activations": "static"}""");
            case ("bf16 infinity", "W2"):
                var bits = array.DataBytes.ToArray();
                bits[10] = 0x80;
                bits[11] = 0x7F;
                return Matrix(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bits).ToArray(), 4, 9);
            case ("bf16 as int8", "W1"):
                return Matrix(new sbyte[63], 9, 7);
            default:
                return array;
        }
    }

    [Fact]
    public void AnInt8LayerWiderThanMaxK_IsRefusedFromTheArchitecture_BeforeItsMembersAreRead()
    {
        // Only the architecture and quantization members: a layer's members would be read (and found missing) after the check.
        foreach (var (sizes, layer) in new (int[], int)[] { ([65537, 1], 1), ([1, 65537, 1], 2) })
        {
            var architecture = NetworkArchitecture.FromSizes(sizes, [.. Enumerable.Repeat(Activation.Linear, sizes.Length - 1)]);
            var path = PathOf($"wide-{layer}.npz");
            Npz.Write(path, new NpzArchive
            {
                { ModelFile.ArchitectureMember, NpyArray.FromUtf8String(architecture.ToJson()) },
                { QuantizedModelFile.QuantizationMember, NpyArray.FromUtf8String("""{"mode": "int8", "activations": "dynamic"}""") },
            });
            Assert.True(new FileInfo(path).Length < 4096);
            var error = Assert.Throws<NpyFormatException>(() => QuantizedModelFile.Load(path));
            Assert.StartsWith($"{path}/architecture.npy", error.Message, StringComparison.Ordinal);
            Assert.Contains($"layer {layer} has 65537 inputs", error.Message, StringComparison.Ordinal);
            Assert.Contains("65536", error.Message, StringComparison.Ordinal);

            // bf16 has no such limit: the same architecture goes on to its members.
            Npz.Write(path, new NpzArchive
            {
                { ModelFile.ArchitectureMember, NpyArray.FromUtf8String(architecture.ToJson()) },
                { QuantizedModelFile.QuantizationMember, NpyArray.FromUtf8String("""{"mode": "bf16", "activations": "dynamic"}""") },
            });
            Assert.Contains("b1.npy: the member is missing", Assert.Throws<NpyFormatException>(() => QuantizedModelFile.Load(path)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MutatedBytes_AreCleanErrorsOrValidModels()
    {
        using var network = Network();
        using var x = NetworkTestHelpers.RandomMatrix<float>(5, 7, 1);
        var random = new Random(1203);
        foreach (var quantized in AllKinds(network, x.ReadOnlySpan))
        {
            using (quantized)
            {
                using var stream = new MemoryStream();
                QuantizedModelFile.Save(quantized, stream);
                var bytes = stream.ToArray();
                for (var cut = 0; cut < bytes.Length; cut += 10)
                {
                    _ = LoadsOrFailsCleanly(bytes.AsSpan(0, cut).ToArray(), $"{quantized}: truncated at {cut}");
                }

                for (var round = 0; round < 300; round++)
                {
                    var mutated = (byte[])bytes.Clone();
                    for (var flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    }

                    _ = LoadsOrFailsCleanly(mutated, $"{quantized}: mutation round {round}");
                }
            }
        }
    }

    [Fact]
    public void MutatedArchitectureJson_IsAFormatErrorOrAValidModel()
    {
        // Inside a valid archive, so the JSON parser and the architecture's own checks see every change.
        using var network = Network();
        using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var stream = new MemoryStream();
        QuantizedModelFile.Save(quantized, stream);
        var source = Npz.Read(new MemoryStream(stream.ToArray()));
        var json = source[ModelFile.ArchitectureMember].ToUtf8String();
        var loaded = 0;
        var refused = 0;
        for (var i = 0; i < json.Length; i++)
        {
            foreach (var c in "0159-.e\"[]{}:,a ")
            {
                var archive = new NpzArchive();
                foreach (var (name, array) in source)
                {
                    archive.Add(name, name == ModelFile.ArchitectureMember ? NpyArray.FromUtf8String(json[..i] + c + json[(i + 1)..]) : array);
                }

                using var bytes = new MemoryStream();
                Npz.Write(bytes, archive);
                var ok = LoadsOrFailsCleanly(bytes.ToArray(), $"architecture [{i}] = '{c}'");
                loaded += ok ? 1 : 0;
                refused += ok ? 0 : 1;
            }
        }

        // Both outcomes occur (e.g. a space for a space loads; a letter in a dimension does not).
        Assert.True(loaded > 0 && refused > 0, $"{loaded} loaded, {refused} refused");
    }

    /// <summary>Loads and predicts (true), or fails with an <see cref="NpyFormatException"/> naming the source (false).</summary>
    private static bool LoadsOrFailsCleanly(byte[] bytes, string what)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        bool loads;
        try
        {
            using var loaded = QuantizedModelFile.Load(new MemoryStream(bytes), "mutated.npz");
            loaded.Predict(new float[7].AsSpan(), new float[4]);
            loads = true;
        }
        catch (NpyFormatException error)
        {
            Assert.StartsWith("mutated.npz", error.Message, StringComparison.Ordinal);
            loads = false;
        }
        catch (Exception error)
        {
            Assert.Fail($"{what}: {error.GetType().Name}: {error.Message}");
            throw;
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, what);
        return loads;
    }
}
