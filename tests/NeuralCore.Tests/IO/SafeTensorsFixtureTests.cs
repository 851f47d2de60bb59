using System.Buffers.Binary;
using System.Numerics;
using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

/// <summary>
/// PyTorch 1.13 state_dicts (Fixtures/SafeTensors/generate.py) load and predict what PyTorch predicted, and the files
/// NeuralCore writes are the committed ones that <c>generate.py --verify</c> loads into <c>torch.nn.Sequential</c>.
/// </summary>
public sealed class SafeTensorsFixtureTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "SafeTensors", name);

    internal static NetworkArchitecture FixtureArchitecture => NetworkArchitecture.FromJson(File.ReadAllText(Fixture("arch.json")));

    [Theory]
    [InlineData("torch_f32.safetensors", false, "y_f32.npy")]        // 0.weight, metadata, padded
    [InlineData("torch_f32_plain.safetensors", true, "y_f32.npy")]   // no metadata, unpadded, spaced JSON
    public void Float32StateDict_PredictsWhatPyTorchPredicted(string file, bool giveArchitecture, string expected) =>
        AssertPredicts<float>(file, giveArchitecture ? FixtureArchitecture : null, NpyConversion.Exact, expected, 1e-6);

    [Fact]
    public void Float64StateDict_WithLayersPrefix_PredictsWhatPyTorchPredicted() =>
        AssertPredicts<double>("torch_f64.safetensors", null, NpyConversion.Exact, "y_f64.npy", 1e-12);

    [Fact]
    public void Float32StateDict_LoadsAsDouble_OnlyWhenAsked_AndThenPredictsLikeTheFloat64Model()
    {
        // generate.py's float64 model holds the float32 weights widened, so double predictions must match it.
        var error = Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load<double>(Fixture("torch_f32.safetensors")));
        Assert.Contains("torch_f32.safetensors/0.weight: dtype F32 cannot be read as float64 (pass NpyConversion.AllowPrecisionChange to convert)", error.Message, StringComparison.Ordinal);
        AssertPredicts<double>("torch_f32.safetensors", null, NpyConversion.AllowPrecisionChange, "y_f64.npy", 1e-12);
    }

    [Theory]
    [InlineData("torch_f16.safetensors", "y_f16_f32.npy", "y_f16_f64.npy")]    // 0.weight, no metadata, padded
    [InlineData("torch_bf16.safetensors", "y_bf16_f32.npy", "y_bf16_f64.npy")] // model.net.0.weight, data reversed, unpadded
    public void HalfPrecisionStateDict_LoadsWithConversion_AndPredictsLikeTheRoundedTorchModel(string file, string expected32, string expected64)
    {
        var architecture = FixtureArchitecture;
        var error = Assert.Throws<SafeTensorsFormatException>(() => ModelFile.Load<float>(Fixture(file), architecture));
        Assert.Contains("cannot be read as float32 (pass NpyConversion.AllowPrecisionChange to convert)", error.Message, StringComparison.Ordinal);

        AssertPredicts<float>(file, architecture, NpyConversion.AllowPrecisionChange, expected32, 1e-6);
        AssertPredicts<double>(file, architecture, NpyConversion.AllowPrecisionChange, expected64, 1e-12);
    }

    [Theory]
    [InlineData("torch_f32.safetensors", true)]
    [InlineData("torch_f16.safetensors", true)]
    [InlineData("torch_f32_plain.safetensors", false)]
    [InlineData("torch_f64.safetensors", false)]
    [InlineData("torch_bf16.safetensors", false)]
    public void Fixtures_HaveTheHeaderPaddingTheyClaim(string file, bool padded)
    {
        // So that the fixture tests above really cover both padded and unpadded headers.
        var bytes = File.ReadAllBytes(Fixture(file));
        var n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(padded, n % 8 == 0);
        Assert.Equal(padded, bytes[8 + (int)n - 1] == (byte)' ');
    }

    [Fact]
    public void Reader_ListsTensorsInDataOrder_AndReadsMetadata()
    {
        var archive = SafeTensors.Read(Fixture("torch_bf16.safetensors"));
        Assert.Equal(22, archive.Count);
        Assert.Equal("model.net.20.bias", archive.Names[0]); // generate.py wrote the data last tensor first
        Assert.Equal("model.net.0.weight", archive.Names[^1]);
        Assert.Equal(["format", "source"], archive.Metadata.Keys);
        Assert.Equal("pt", archive.Metadata["format"]);
        Assert.Equal(SafeTensorsDType.BF16, archive["model.net.0.weight"].DType);
        Assert.Equal([8L, 3L], archive["model.net.0.weight"].Shape.ToArray());
    }

    [Theory]
    [InlineData("neuralcore_f64.safetensors", true)]
    [InlineData("neuralcore_f32.safetensors", false)]
    public void NeuralCoreWrittenFixture_IsWhatTheWriterWritesToday(string file, bool asDouble)
    {
        // The committed files are the ones generate.py --verify loaded into torch.nn.Sequential.load_state_dict.
        using var files = new TestFiles();
        var path = files.PathOf(file);
        if (asDouble)
        {
            using var network = ModelFile.Load<double>(Fixture("torch_f64.safetensors"));
            ModelFile.Save(network, path);
        }
        else
        {
            using var network = ModelFile.Load<float>(Fixture("torch_f64.safetensors"), NpyConversion.AllowPrecisionChange);
            ModelFile.Save(network, path);
        }

        Assert.True(File.ReadAllBytes(Fixture(file)).AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{file} differs from what NeuralCore writes now; see Fixtures/SafeTensors/README.md.");
    }

    [Fact]
    public void NeuralCoreWrittenFixture_HasSequentialNamesAndTheArchitecture_AndPredictsLikePyTorch()
    {
        var archive = SafeTensors.Read(Fixture("neuralcore_f64.safetensors"));

        // relu sigmoid tanh linear leaky gelu gelu_tanh elu silu softplus softmax: a linear layer has no module after it.
        int[] indices = [0, 2, 4, 6, 7, 9, 11, 13, 15, 17, 19];
        Assert.Equal(indices.SelectMany(i => new[] { $"{i}.weight", $"{i}.bias" }), archive.Names);
        Assert.Equal(["format", ModelFile.ArchitectureMetadataKey], archive.Metadata.Keys);
        Assert.Equal(FixtureArchitecture, NetworkArchitecture.FromJson(archive.Metadata[ModelFile.ArchitectureMetadataKey]));

        // The same weights PyTorch ran, and NeuralCore's committed predictions that --verify compared with PyTorch's.
        AssertPredicts<double>("neuralcore_f64.safetensors", null, NpyConversion.Exact, "y_f64.npy", 1e-12);
        AssertPredicts<double>("neuralcore_f64.safetensors", null, NpyConversion.Exact, "neuralcore_f64_y.npy", 1e-12);
        AssertPredicts<float>("neuralcore_f32.safetensors", null, NpyConversion.Exact, "neuralcore_f32_y.npy", 1e-6);
    }

    private static void AssertPredicts<T>(string file, NetworkArchitecture? architecture, NpyConversion conversion, string expectedFile, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = ModelFile.Load<T>(Fixture(file), architecture, conversion);
        using var x = Npy.ReadMatrix<T>(Fixture("x.npy"), NpyVectorShape.Reject, NpyConversion.AllowPrecisionChange);
        using var expected = Npy.ReadMatrix<double>(Fixture(expectedFile), NpyVectorShape.Reject, NpyConversion.AllowPrecisionChange);
        using var predicted = network.Predict(x.ReadOnlySpan);
        Assert.Equal(expected.Rows, predicted.Rows);
        Assert.Equal(expected.Columns, predicted.Columns);
        for (var r = 0; r < expected.Rows; r++)
        {
            for (var c = 0; c < expected.Columns; c++)
            {
                var p = double.CreateChecked(predicted[r, c]);
                Assert.True(Math.Abs(p - expected[r, c]) <= tolerance, $"{file} row {r} column {c}: NeuralCore {p:R}, expected {expected[r, c]:R} (tolerance {tolerance:g})");
            }
        }
    }
}
