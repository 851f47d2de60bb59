using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

public class ModelFileTests
{
    private static readonly NetworkArchitecture s_moons = new(
        new LayerSpec(2, 4, Activation.Relu),
        new LayerSpec(4, 6, Activation.Relu),
        new LayerSpec(6, 6, Activation.Relu),
        new LayerSpec(6, 4, Activation.Relu),
        new LayerSpec(4, 1, Activation.Sigmoid));

    [Fact]
    public void Integer_parameters_are_refused_even_when_integer_data_is_allowed()
    {
        // A one-layer 2 → 1 model whose W1 is int64 (NumPy's default integer): the data conversion that takes class
        // ids exactly must not turn an integer tensor into model parameters.
        var architecture = new NetworkArchitecture(new LayerSpec(2, 1, Activation.Linear));
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] bytes)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(bytes);
            }

            using var architectureFile = new MemoryStream();
            Npy.Write(architectureFile, NpyArray.FromUtf8String(architecture.ToJson()));
            Add("architecture.npy", architectureFile.ToArray());
            Add("W1.npy", NpyBytes.WithHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }", [.. BitConverter.GetBytes(3L), .. BitConverter.GetBytes(-4L)]));
            using var bias = new MemoryStream();
            Npy.Write(bias, NpyArray.FromSpan<double>([0.5]));
            Add("b1.npy", bias.ToArray());
        }

        stream.Position = 0;
        var error = Assert.Throws<NpyFormatException>(() => ModelFile.Load<double>(stream, ModelFormat.Npz, conversion: NpyConversion.AllowIntegers, sourceName: "int.npz"));
        Assert.Equal("int.npz/W1.npy: dtype '<i8': model parameters must be float32 or float64.", error.Message);
    }

    [Fact]
    public void EveryFormat_HasOneExtension_ThatMapsBackToIt_AndRoundTripsBitExact()
    {
        var extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var network = new NeuralNetwork<double>(s_moons, Initialization.He(3));
        var directory = Directory.CreateTempSubdirectory("neuralcore-formats-").FullName;
        try
        {
            foreach (var format in Enum.GetValues<ModelFormat>())
            {
                var extension = ModelFile.GetExtension(format);
                Assert.True(extensions.Add(extension), extension);
                Assert.Contains(extension, ModelFile.SupportedExtensions, StringComparison.Ordinal);
                var path = Path.Combine(directory, "model" + extension.ToUpperInvariant());
                Assert.Equal(format, ModelFile.GetFormat(path));
                ModelFile.Save(network, path);
                Assert.Equal(format, ModelFile.Inspect(path).Format);
                using var loaded = ModelFile.Load<double>(path);
                Assert.Equal(network.Architecture, loaded.Architecture);
                Assert.Equal(network.GetParameters(), loaded.GetParameters());
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void SaveThenLoad_IsBitExact_Float() => RoundTrip<float>();

    [Fact]
    public void SaveThenLoad_IsBitExact_Double() => RoundTrip<double>();

    [Fact]
    public void SavedFile_HasTheDocumentedMembers()
    {
        using var files = new TestFiles();
        using var network = new NeuralNetwork<float>(s_moons, Initialization.He(3));
        ModelFile.Save(network, files.PathOf("m.npz"));
        var archive = Npz.Read(files.PathOf("m.npz"));
        Assert.Equal(["architecture", "W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4", "W5", "b5"], archive.Names);
        Assert.Equal([4, 6], archive["W4"].Shape.ToArray());
        Assert.Equal([4], archive["b4"].Shape.ToArray());
        Assert.Equal(NetworkArchitecture.FromJson(archive["architecture"].ToUtf8String()), s_moons);
    }

    [Fact]
    public void NumPyWrittenModel_LoadsAndPredictsWhatNumPyPredicted()
    {
        // Fixtures/Models/generate.py: W [out, in], b [out, 1] as seed 003 stores them, float64, and NumPy's forward pass.
        using var network = ModelFile.Load<double>(Fixture("numpy_model.npz"));
        using var x = Npy.ReadMatrix<double>(Fixture("numpy_model_x.npy"));
        using var expected = Npy.ReadMatrix<double>(Fixture("numpy_model_y.npy"));
        using var predicted = network.Predict(x.ReadOnlySpan);
        var e = expected.ToArray();
        var p = predicted.ToArray();
        Assert.Equal(e.Length, p.Length);
        for (var i = 0; i < e.Length; i++)
        {
            // Same formulas in double; differences come only from summation order and exp/tanh implementations (a few ulp).
            Assert.Equal(e[i], p[i], 1e-12);
        }
    }

    [Fact]
    public void NumPyFloat64Model_LoadsIntoFloatOnlyWhenAsked()
    {
        var ex = Assert.Throws<NpyFormatException>(() => ModelFile.Load<float>(Fixture("numpy_model.npz")));
        Assert.Contains("numpy_model.npz", ex.Message, StringComparison.Ordinal);
        using var network = ModelFile.Load<float>(Fixture("numpy_model.npz"), NpyConversion.AllowPrecisionChange);
        Assert.Equal(3, network.LayerCount);
    }

    [Fact]
    public void WeightsThatDoNotMatchTheArchitecture_AreRejectedNamingMemberAndShapes()
    {
        using var files = new TestFiles();
        var original = Npz.Read(Fixture("numpy_model.npz"));
        var archive = new NpzArchive();
        foreach (var name in original.Names)
        {
            archive.Add(name, name == "W2" ? NpyArray.FromMatrix(new ReadOnlyMatrixSpan<double>(new double[4 * 4], 4, 4)) : original[name]);
        }

        var path = files.PathOf("bad.npz");
        Npz.Write(path, archive);

        var ex = Assert.Throws<NpyFormatException>(() => ModelFile.Load<double>(path));
        Assert.Contains("bad.npz/W2.npy", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(4, 4)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(6, 4)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingMemberAndBadArchitecture_AreRejected()
    {
        using var files = new TestFiles();
        var archive = new NpzArchive();
        foreach (var name in Npz.Read(Fixture("numpy_model.npz")).Names.Where(n => n != "b3"))
        {
            archive.Add(name, Npz.Read(Fixture("numpy_model.npz"))[name]);
        }

        Npz.Write(files.PathOf("missing.npz"), archive);
        var missing = Assert.Throws<NpyFormatException>(() => ModelFile.Load<double>(files.PathOf("missing.npz")));
        Assert.Contains("b3", missing.Message, StringComparison.Ordinal);

        var chainBroken = new NpzArchive
        {
            { "architecture", NpyArray.FromUtf8String("""[{"input_dim": 2, "output_dim": 4, "activation": "relu"}, {"input_dim": 5, "output_dim": 1, "activation": "sigmoid"}]""") },
        };
        Npz.Write(files.PathOf("chain.npz"), chainBroken);
        var chain = Assert.Throws<NpyFormatException>(() => ModelFile.Load<double>(files.PathOf("chain.npz")));
        Assert.Contains("architecture", chain.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailedSave_LeavesTheExistingFileUntouched()
    {
        using var files = new TestFiles();
        var path = files.PathOf("model.npz");
        File.WriteAllBytes(path, [1, 2, 3]);
        using var network = new NeuralNetwork<float>(s_moons, Initialization.He(1));
        network.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => ModelFile.Save(network, path));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["model.npz"], files.FileNames());
    }

    private static void RoundTrip<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var files = new TestFiles();
        using var network = new NeuralNetwork<T>(s_moons, Initialization.SmallNormal(7));
        var path = files.PathOf("model.npz");
        ModelFile.Save(network, path);
        using var loaded = ModelFile.Load<T>(path);
        Assert.Equal(network.Architecture, loaded.Architecture);
        Assert.Equal(network.GetParameters(), loaded.GetParameters());
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Models", name);
}
