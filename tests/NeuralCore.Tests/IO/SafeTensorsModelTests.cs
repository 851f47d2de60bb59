using System.Buffers.Binary;
using System.Text;
using NeuralCore.IO;
using static NeuralCore.Tests.IO.SafeTensorsFixtureTests;

namespace NeuralCore.Tests.IO;

/// <summary>Save → load, the nn.Sequential name mapping and its errors, and the model-format dispatch.</summary>
public sealed class SafeTensorsModelTests
{
    private static readonly NetworkArchitecture s_small = new(
        new LayerSpec(2, 4, Activation.Relu),
        new LayerSpec(4, 3, Activation.Linear),
        new LayerSpec(3, 2, Activation.CreateLeakyRelu(0.25)),
        new LayerSpec(2, 1, Activation.Sigmoid));

    [Fact]
    public void SaveThenLoad_IsBitExact_Float() => RoundTrip<float>();

    [Fact]
    public void SaveThenLoad_IsBitExact_Double() => RoundTrip<double>();

    [Fact]
    public void SaveThenLoad_ThroughStreams_IsBitExact()
    {
        using var network = new NeuralNetwork<double>(s_small, Initialization.SmallNormal(3));
        using var stream = new MemoryStream();
        ModelFile.Save(network, stream, ModelFormat.SafeTensors);
        stream.Position = 0;
        using var loaded = ModelFile.Load<double>(stream, ModelFormat.SafeTensors);
        Assert.Equal(network.GetParameters(), loaded.GetParameters());
    }

    [Fact]
    public void SavedFile_HasPyTorchNames_PaddedHeader_AndTheArchitecture()
    {
        using var files = new TestFiles();
        using var network = new NeuralNetwork<float>(s_small, Initialization.He(1));
        var path = files.PathOf("m.safetensors");
        ModelFile.Save(network, path);

        // relu → module 1, linear → no module, leaky_relu → module 4: Linear at 0, 2, 3, 5.
        var archive = SafeTensors.Read(path);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias", "5.weight", "5.bias"], archive.Names);
        Assert.Equal([3L, 4L], archive["2.weight"].Shape.ToArray());
        Assert.Equal([3L], archive["2.bias"].Shape.ToArray());
        Assert.Equal(network.GetBias(1), archive["2.bias"].ToArray<float>());
        Assert.Equal(s_small, NetworkArchitecture.FromJson(archive.Metadata[ModelFile.ArchitectureMetadataKey]));

        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, n);
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\",\"neuralcore.architecture\":\"[{\\\"input_dim\\\":2,", header, StringComparison.Ordinal);
        Assert.Contains("\"0.weight\":{\"dtype\":\"F32\",\"shape\":[4,2],\"data_offsets\":[0,32]}", header, StringComparison.Ordinal);
        Assert.Equal(header.TrimEnd(' ').Length + ((8 - (header.TrimEnd(' ').Length % 8)) % 8), n);
        Assert.Equal(8 + n + (network.ParameterCount * 4), bytes.Length);
    }

    [Fact]
    public void Archive_RoundTrip_KeepsEveryDTypeShapeAndMetadata()
    {
        var bf16 = new byte[] { 0x80, 0x3F, 0x00, 0xC0, 0xC0, 0x7F }; // 1.0, -2.0, NaN
        var archive = new SafeTensorsArchive
        {
            { "half", SafeTensor.FromSpan<Half>([(Half)1.5, (Half)(-0.25)]) },
            { "brain", SafeTensor.FromBytes(SafeTensorsDType.BF16, [3], bf16) },
            { "scalar", SafeTensor.FromBytes(SafeTensorsDType.F64, [], BitConverter.GetBytes(Math.PI)) },
            { "empty", SafeTensor.FromBytes(SafeTensorsDType.F32, [0, 5], []) },
            { "cube", SafeTensor.FromBytes(SafeTensorsDType.F32, [2, 1, 2], new byte[16]) },
        };
        archive.Metadata["note"] = "ünïcode \"quoted\"\n";
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, archive);
        stream.Position = 0;

        var read = SafeTensors.Read(stream, "mem.safetensors");

        Assert.Equal(archive.Names, read.Names);
        Assert.Equal("ünïcode \"quoted\"\n", read.Metadata["note"]);
        foreach (var name in archive.Names)
        {
            Assert.Equal(archive[name].DType, read[name].DType);
            Assert.Equal(archive[name].Shape.ToArray(), read[name].Shape.ToArray());
            Assert.Equal(archive[name].DataBytes.ToArray(), read[name].DataBytes.ToArray());
        }

        Assert.Equal([1f, -2f], read["brain"].ToArray<float>(NpyConversion.AllowPrecisionChange)[..2]);
        Assert.True(float.IsNaN(read["brain"].ToArray<float>(NpyConversion.AllowPrecisionChange)[2]));
        Assert.Equal([1.5, -0.25], read["half"].ToArray<double>(NpyConversion.AllowPrecisionChange));
        Assert.Equal([Math.PI], read["scalar"].ToArray<double>());
        Assert.Equal("mem.safetensors/half", read["half"].Source);
    }

    [Fact]
    public void SequentialIndices_GiveEachNonLinearActivationItsOwnModule()
    {
        Assert.Equal([0, 2, 3, 5], NeuralCore.IO.Internals.SafeTensorsModel.SequentialIndices(s_small));
        Assert.Equal([0, 1, 2], NeuralCore.IO.Internals.SafeTensorsModel.SequentialIndices(new NetworkArchitecture(
            new LayerSpec(1, 1, Activation.Linear), new LayerSpec(1, 1, Activation.Linear), new LayerSpec(1, 1, Activation.Softmax))));
    }

    [Fact]
    public void MissingBias_ListsFoundAndExpected()
    {
        var message = MappingFails(Without("5.bias"));
        Assert.Contains("'5.bias' is missing (every nn.Linear needs a weight and a bias)", message, StringComparison.Ordinal);
        Assert.Contains("Found 21 tensors: 0.weight [8, 3] F32, 0.bias [8] F32, 3.weight [8, 8] F32", message, StringComparison.Ordinal);
        Assert.Contains("Expected for 3-8-8-7-7-6-6-6-5-5-4-3 (relu, sigmoid, tanh", message, StringComparison.Ordinal);
        Assert.Contains(": 0.weight [8, 3], 0.bias [8], 2.weight [8, 8], 2.bias [8],", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtraTensor_IsNamed()
    {
        var archive = Without();
        archive.Add("3.running_mean", SafeTensor.FromSpan<float>([0f]));
        var message = MappingFails(archive);
        Assert.Contains("'3.running_mean' is not an nn.Linear weight or bias ('<prefix><index>.weight' / '.bias')", message, StringComparison.Ordinal);
        Assert.Contains("Found 23 tensors", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoPrefixes_AreAmbiguous()
    {
        var source = SafeTensors.Read(Fixture("torch_f32.safetensors"));
        var archive = Copy(source, name => name.StartsWith("0.", StringComparison.Ordinal) ? "encoder." + name : name);
        var message = MappingFails(archive);
        Assert.Contains("the tensors are under 2 prefixes ('', 'encoder.'), so the mapping is ambiguous", message, StringComparison.Ordinal);
        Assert.Contains("encoder.0.weight [8, 3] F32", message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexSpelledTwice_IsAmbiguous()
    {
        var archive = Without();
        archive.Add("03.weight", archive["3.weight"]);
        Assert.Contains("'3.weight' and '03.weight' both name layer index 3's weight, so the mapping is ambiguous", MappingFails(archive), StringComparison.Ordinal);
    }

    [Fact]
    public void ShapeMismatch_NamesTensorLayerAndShapes()
    {
        var source = SafeTensors.Read(Fixture("torch_f32.safetensors"));
        var archive = new SafeTensorsArchive();
        foreach (var (name, tensor) in source)
        {
            archive.Add(name, name == "5.weight" ? SafeTensor.FromMatrix(new ReadOnlyMatrixSpan<float>(new float[8 * 7], 8, 7)) : tensor);
        }

        archive.Metadata[ModelFile.ArchitectureMetadataKey] = source.Metadata[ModelFile.ArchitectureMetadataKey];
        Assert.Contains("'5.weight' has shape [8, 7], but layer 2 of the architecture (8→7 tanh) needs [7, 8] = [out, in]", MappingFails(archive), StringComparison.Ordinal);
    }

    [Fact]
    public void AdjacentIndices_AcrossANonLinearActivation_AreRefused()
    {
        // s_small: relu after layer 0, so its Linears must not be modules 0 and 1 (that is Linear, Linear: another model).
        using var network = new NeuralNetwork<float>(s_small, Initialization.He(2));
        using var files = new TestFiles();
        var path = files.PathOf("m.safetensors");
        ModelFile.Save(network, path);
        var saved = SafeTensors.Read(path);
        var archive = Copy(saved, name => name.StartsWith("2.", StringComparison.Ordinal) ? "1." + name[2..] : name);
        var shifted = files.PathOf("shifted.safetensors");
        SafeTensors.Write(shifted, archive);

        var error = Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load<float>(shifted, s_small));
        Assert.Contains("layers 0 and 1 are adjacent nn.Sequential modules, but the architecture puts relu between them", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonFiniteWeights_AreAFileError_NamingTheTensor()
    {
        var archive = Without();
        var weight = archive["0.weight"].ToArray<float>();
        weight[5] = float.NaN;
        var replaced = Copy(archive, name => name == "0.weight" ? null : name);
        replaced.Add("0.weight", SafeTensor.FromMatrix(new ReadOnlyMatrixSpan<float>(weight, 8, 3)));
        Assert.Contains("/0.weight", MappingFails(replaced), StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyTensorWithAHugeDimension_IsAFormatErrorAsAMatrix()
    {
        var tensor = SafeTensor.FromBytes(SafeTensorsDType.F32, [3_000_000_000, 0], []);
        var error = Assert.Throws<SafeTensorsFormatException>(() => tensor.ToMatrix<float>());
        Assert.Contains("does not fit a matrix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerMissing_SaysHowManyOfEach()
    {
        Assert.Contains("the file holds 10 nn.Linear layers, the architecture 11", MappingFails(Without("20.weight", "20.bias")), StringComparison.Ordinal);
    }

    [Fact]
    public void NoArchitecture_AsksForOne_AndListsTheTensors()
    {
        var error = Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load<float>(Fixture("torch_f32_plain.safetensors")));
        Assert.Contains("torch_f32_plain.safetensors: the file has no 'neuralcore.architecture' metadata, so the architecture must be given (CLI: --arch ARCH.json); found 22 tensors: 0.weight [8, 3] F32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenArchitecture_MustAgreeWithTheMetadata()
    {
        var other = new NetworkArchitecture(new LayerSpec(3, 3, Activation.Softmax));
        var error = Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load<float>(Fixture("torch_f32.safetensors"), other));
        Assert.Contains("differs from the one given (3-3 (softmax))", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidArchitectureMetadata_NamesTheKey()
    {
        var archive = Without();
        archive.Metadata[ModelFile.ArchitectureMetadataKey] = """[{"input_dim": 3, "output_dim": 8, "activation": "swish"}]""";
        var message = MappingFails(archive, giveArchitecture: false);
        Assert.Contains("m.safetensors/__metadata__/neuralcore.architecture: ", message, StringComparison.Ordinal);
        Assert.Contains("swish", message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownExtension_IsRefusedListingTheFormats_AndWritesNothing()
    {
        using var files = new TestFiles();
        using var network = new NeuralNetwork<float>(s_small, Initialization.He(1));
        var error = Assert.Throws<ArgumentException>(() => ModelFile.Save(network, files.PathOf("model.bin")));
        Assert.StartsWith($"{files.PathOf("model.bin")}: extension '.bin' is not a model format; expected one of .npz, .safetensors, .onnx.", error.Message, StringComparison.Ordinal);
        Assert.Empty(files.FileNames());
        Assert.Throws<ArgumentException>(() => ModelFile.Load<float>(files.PathOf("model")));
        Assert.Equal(ModelFormat.SafeTensors, ModelFile.GetFormat("a/B.SafeTensors"));
        Assert.Equal(ModelFormat.Npz, ModelFile.GetFormat("model.npz"));
    }

    [Fact]
    public void ExplicitFormat_IgnoresTheExtension()
    {
        using var files = new TestFiles();
        using var network = new NeuralNetwork<float>(s_small, Initialization.He(1));
        var path = files.PathOf("weights.bin");
        ModelFile.Save(network, path, ModelFormat.SafeTensors);
        using var stream = File.OpenRead(path);
        using var loaded = ModelFile.Load<float>(stream, ModelFormat.SafeTensors);
        Assert.Equal(network.GetParameters(), loaded.GetParameters());
    }

    [Fact]
    public void NpzWithoutArchitectureMember_LoadsWithAGivenArchitecture()
    {
        using var files = new TestFiles();
        using var network = new NeuralNetwork<double>(s_small, Initialization.He(4));
        var full = NeuralCore.IO.ModelFile.CreateArchive(network);
        var archive = new NpzArchive();
        foreach (var (name, array) in full)
        {
            if (name != ModelFile.ArchitectureMember)
            {
                archive.Add(name, array);
            }
        }

        var path = files.PathOf("weights.npz");
        Npz.Write(path, archive);
        Assert.Throws<NpyFormatException>(() => ModelFile.Load<double>(path));
        using var loaded = ModelFile.Load<double>(path, s_small);
        Assert.Equal(network.GetParameters(), loaded.GetParameters());
    }

    [Fact]
    public void FailedSave_LeavesTheExistingFileUntouched()
    {
        using var files = new TestFiles();
        var path = files.PathOf("model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var network = new NeuralNetwork<float>(s_small, Initialization.He(1));
        network.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => ModelFile.Save(network, path));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], files.FileNames());
    }

    [Fact]
    public void Inspect_ReportsTheFormatFacts()
    {
        var info = ModelFile.Inspect(Fixture("torch_f64.safetensors"));
        Assert.Equal(ModelFormat.SafeTensors, info.Format);
        Assert.Equal(new FileInfo(Fixture("torch_f64.safetensors")).Length, info.FileSize);
        Assert.Equal(22, info.TensorCount);
        Assert.Equal(["F64"], info.DTypes);
        Assert.Equal(["format", ModelFile.ArchitectureMetadataKey], info.MetadataKeys);
        Assert.True(info.IsFloat64);

        using var files = new TestFiles();
        using var network = new NeuralNetwork<float>(s_small, Initialization.He(1));
        ModelFile.Save(network, files.PathOf("m.npz"));
        var npz = ModelFile.Inspect(files.PathOf("m.npz"));
        Assert.Equal(ModelFormat.Npz, npz.Format);
        Assert.Equal(8, npz.TensorCount);
        Assert.Equal(["<f4"], npz.DTypes);
        Assert.Equal([ModelFile.ArchitectureMember], npz.MetadataKeys);
        Assert.False(npz.IsFloat64);
    }

    /// <summary>The torch_f32 fixture's tensors and architecture metadata, without the named tensors.</summary>
    private static SafeTensorsArchive Without(params string[] names)
    {
        var source = SafeTensors.Read(Fixture("torch_f32.safetensors"));
        var archive = Copy(source, name => Array.IndexOf(names, name) >= 0 ? null : name);
        return archive;
    }

    private static SafeTensorsArchive Copy(SafeTensorsArchive source, Func<string, string?> rename)
    {
        var archive = new SafeTensorsArchive();
        foreach (var (name, tensor) in source)
        {
            if (rename(name) is { } newName)
            {
                archive.Add(newName, tensor);
            }
        }

        return archive;
    }

    /// <summary>Writes the archive and loads it with the fixture architecture; returns the error message.</summary>
    private static string MappingFails(SafeTensorsArchive archive, bool giveArchitecture = true)
    {
        using var files = new TestFiles();
        var path = files.PathOf("m.safetensors");
        SafeTensors.Write(path, archive);
        var error = Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load<float>(path, giveArchitecture ? FixtureArchitecture : null));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        return error.Message;
    }

    private static void RoundTrip<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var files = new TestFiles();
        using var network = new NeuralNetwork<T>(s_small, Initialization.SmallNormal(7));
        var path = files.PathOf("model.safetensors");
        ModelFile.Save(network, path);
        using var loaded = ModelFile.Load<T>(path);
        Assert.Equal(network.Architecture, loaded.Architecture);
        Assert.Equal(network.GetParameters(), loaded.GetParameters());
    }
}
