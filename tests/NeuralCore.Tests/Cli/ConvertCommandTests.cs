using NeuralCore.Cli;
using NeuralCore.IO;
using NeuralCore.Tests.IO;

namespace NeuralCore.Tests.Cli;

/// <summary><c>neuralcore convert</c>, <c>info --model</c> and <c>--model</c>/<c>--arch</c> with safetensors, end to end in process.</summary>
public sealed class ConvertCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("neuralcore-convert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task NpzToSafeTensorsToNpz_PredictsTheSame()
    {
        using (var network = new NeuralNetwork<double>(NetworkArchitecture.FromJson(File.ReadAllText(SafeTensorsFixtureTests.Fixture("arch.json"))), Initialization.He(5)))
        {
            ModelFile.Save(network, PathOf("a.npz"));
        }

        var (code, output, error) = await Run("convert", PathOf("a.npz"), PathOf("b.safetensors"));
        Assert.True(code == 0, error);
        using (var expectedSummary = ModelFile.Load<double>(PathOf("a.npz")))
        {
            Assert.StartsWith(expectedSummary.Summary(), output, StringComparison.Ordinal);
        }

        Assert.Contains($"wrote {PathOf("b.safetensors")} (safetensors, float64) from {PathOf("a.npz")} (npz)", output, StringComparison.Ordinal);
        (code, _, error) = await Run("convert", PathOf("b.safetensors"), PathOf("c.npz"));
        Assert.True(code == 0, error);

        var x = SafeTensorsFixtureTests.Fixture("x.npy");
        foreach (var model in new[] { "a.npz", "b.safetensors", "c.npz" })
        {
            (code, _, error) = await Run("predict", "--model", PathOf(model), "--x", x, "--out", PathOf(model + ".npy"), "--dtype", "float64");
            Assert.True(code == 0, error);
        }

        // float64 all the way: the same parameters, so the same bits.
        Assert.Equal(File.ReadAllBytes(PathOf("a.npz.npy")), File.ReadAllBytes(PathOf("b.safetensors.npy")));
        Assert.Equal(File.ReadAllBytes(PathOf("a.npz.npy")), File.ReadAllBytes(PathOf("c.npz.npy")));
        Assert.Equal(File.ReadAllBytes(PathOf("a.npz")), File.ReadAllBytes(PathOf("c.npz")));
    }

    [Fact]
    public async Task NpzToOnnxToSafeTensorsToNpz_PredictsTheSame()
    {
        // Every interchange format in one chain, float64: each step must keep the parameters bit for bit.
        using (var network = new NeuralNetwork<double>(NetworkArchitecture.FromJson(File.ReadAllText(SafeTensorsFixtureTests.Fixture("arch.json"))), Initialization.He(6)))
        {
            ModelFile.Save(network, PathOf("a.npz"));
        }

        var (code, output, error) = await Run("convert", PathOf("a.npz"), PathOf("b.onnx"));
        Assert.True(code == 0, error);
        Assert.Contains($"wrote {PathOf("b.onnx")} (onnx, float64) from {PathOf("a.npz")} (npz)", output, StringComparison.Ordinal);
        (code, _, error) = await Run("convert", PathOf("b.onnx"), PathOf("c.safetensors"));
        Assert.True(code == 0, error);
        (code, _, error) = await Run("convert", PathOf("c.safetensors"), PathOf("d.npz"));
        Assert.True(code == 0, error);

        var x = SafeTensorsFixtureTests.Fixture("x.npy");
        foreach (var model in new[] { "a.npz", "b.onnx", "d.npz" })
        {
            (code, _, error) = await Run("predict", "--model", PathOf(model), "--x", x, "--out", PathOf(model + ".npy"), "--dtype", "float64");
            Assert.True(code == 0, error);
        }

        Assert.Equal(File.ReadAllBytes(PathOf("a.npz.npy")), File.ReadAllBytes(PathOf("b.onnx.npy")));
        Assert.Equal(File.ReadAllBytes(PathOf("a.npz")), File.ReadAllBytes(PathOf("d.npz")));
    }

    [Fact]
    public async Task Info_OnnxModel_PrintsFormatFactsAndSummary()
    {
        var path = OnnxTestSupport.Fixture("relu_gemm_op17_f32.onnx");
        var (code, output, error) = await Run("info", "--model", path);
        Assert.True(code == 0, error);
        Assert.Contains("format       onnx", output, StringComparison.Ordinal);
        Assert.Contains("dtype        FLOAT", output, StringComparison.Ordinal);
        using var network = OnnxModel.Load<float>(path);
        Assert.Contains(network.Summary(), output, StringComparison.Ordinal);
        Assert.Contains($"tensors      {2 * network.LayerCount}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_DTypeOption_AndAStateDictWithoutMetadata_NeedsArch()
    {
        var plain = SafeTensorsFixtureTests.Fixture("torch_f16.safetensors");
        var (code, _, error) = await Run("convert", plain, PathOf("m.npz"));
        Assert.Equal(1, code);
        Assert.Contains("no 'neuralcore.architecture' metadata, so the architecture must be given (CLI: --arch ARCH.json)", error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("m.npz")));

        (code, _, error) = await Run("convert", plain, PathOf("m.npz"), "--arch", SafeTensorsFixtureTests.Fixture("arch.json"), "--dtype", "float64");
        Assert.True(code == 0, error);
        var info = ModelFile.Inspect(PathOf("m.npz"));
        Assert.Equal(["<f8"], info.DTypes);
    }

    [Fact]
    public async Task Info_Model_PrintsFormatFactsAndSummary()
    {
        var path = SafeTensorsFixtureTests.Fixture("torch_f64.safetensors");
        var (code, output, error) = await Run("info", "--model", path);
        Assert.True(code == 0, error);
        Assert.Contains($"file         {path}\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("format       safetensors", output, StringComparison.Ordinal);
        Assert.Contains($"size         {new FileInfo(path).Length:N0} bytes", output, StringComparison.Ordinal);
        Assert.Contains("dtype        F64", output, StringComparison.Ordinal);
        Assert.Contains("tensors      22", output, StringComparison.Ordinal);
        Assert.Contains("metadata     format, neuralcore.architecture", output, StringComparison.Ordinal);
        using var network = ModelFile.Load<double>(path);
        Assert.Contains(network.Summary(), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_StateDictWithArch_MatchesPyTorch()
    {
        var (code, _, error) = await Run(
            "predict", "--model", SafeTensorsFixtureTests.Fixture("torch_f32_plain.safetensors"), "--arch", SafeTensorsFixtureTests.Fixture("arch.json"),
            "--x", SafeTensorsFixtureTests.Fixture("x.npy"), "--out", PathOf("p.npy"));
        Assert.True(code == 0, error);
        var predicted = Npy.Read(PathOf("p.npy")).ToArray<float>();
        var expected = Npy.Read(SafeTensorsFixtureTests.Fixture("y_f32.npy")).ToArray<float>();
        Assert.Equal(expected.Length, predicted.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - predicted[i]) <= 1e-6, $"element {i}: {predicted[i]} vs PyTorch {expected[i]}");
        }
    }

    [Fact]
    public async Task Convert_OutIsIn_IsRefused_AndNothingIsWritten()
    {
        var source = PathOf("m.safetensors");
        File.Copy(SafeTensorsFixtureTests.Fixture("torch_f32.safetensors"), source);
        var before = File.ReadAllBytes(source);
        var (code, _, error) = await Run("convert", source, Path.Combine(_dir, ".", "m.safetensors"));
        Assert.Equal(2, code);
        Assert.Contains($"OUT {Path.Combine(_dir, ".", "m.safetensors")} is the same file as IN {source}", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(source));
        Assert.Equal(["m.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Convert_BadInputs_ExitNonZero_WithAClearMessage_AndLeaveOutAlone()
    {
        File.WriteAllBytes(PathOf("out.npz"), [7, 7, 7]);
        File.WriteAllBytes(PathOf("broken.safetensors"), [1, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);

        var (code, _, error) = await Run("convert", PathOf("broken.safetensors"), PathOf("out.npz"), "--force");
        Assert.Equal(1, code);
        Assert.Contains($"error: {PathOf("broken.safetensors")}: header length 1 bytes is too short", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        (code, _, error) = await Run("convert", PathOf("model.onnx2"), PathOf("out.npz"), "--force");
        Assert.Equal(2, code);
        Assert.Contains($"IN {PathOf("model.onnx2")}: extension '.onnx2' is not a model format; expected one of .npz, .safetensors, .onnx.", error, StringComparison.Ordinal);

        (code, _, error) = await Run("convert", SafeTensorsFixtureTests.Fixture("torch_f32.safetensors"), PathOf("out.txt"));
        Assert.Equal(2, code);
        Assert.Contains("OUT ", error, StringComparison.Ordinal);

        (code, _, error) = await Run("convert", PathOf("missing.npz"), PathOf("out.npz"), "--force");
        Assert.Equal(1, code);
        Assert.Contains("missing.npz", error, StringComparison.Ordinal);

        Assert.Equal([7, 7, 7], File.ReadAllBytes(PathOf("out.npz")));
        Assert.Equal(["broken.safetensors", "out.npz"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Predict_UnknownModelExtension_IsABadArgument()
    {
        var (code, _, error) = await Run("predict", "--model", PathOf("m.pt"), "--x", SafeTensorsFixtureTests.Fixture("x.npy"), "--out", PathOf("p.npy"));
        Assert.Equal(2, code);
        Assert.Contains("--model", error, StringComparison.Ordinal);
        Assert.Contains("expected one of .npz, .safetensors, .onnx", error, StringComparison.Ordinal);
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApplication.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
