using NeuralCore.IO;

namespace NeuralCore.Tests.Cli;

/// <summary><c>neuralcore quantize</c> and <c>predict</c> on its output, end to end in process.</summary>
public sealed class QuantizeCommandTests : IDisposable
{
    private readonly CliTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string PathOf(string name) => _folder.PathOf(name);

    /// <summary>A 2-16-4 softmax classifier with seeded weights, the blobs as X and their class ids as y.</summary>
    private void WriteModelAndData()
    {
        using (var network = new NeuralNetwork<float>(NetworkArchitecture.FromJson(CliTestFolder.Classes4), new Initialization(4)))
        {
            ModelFile.Save(network, PathOf("model.npz"));
        }

        var (x, labels) = CliTestFolder.Blobs(30, 2);
        using var xm = new Matrix<float>(labels.Length, 2);
        using var ym = new Matrix<float>(labels.Length, 1);
        for (var i = 0; i < labels.Length; i++)
        {
            xm[i, 0] = (float)x[i, 0];
            xm[i, 1] = (float)x[i, 1];
            ym[i, 0] = labels[i];
        }

        Npy.Write(PathOf("x.npy"), xm.ReadOnlySpan);
        Npy.Write(PathOf("y.npy"), ym.ReadOnlySpan);
    }

    [Theory]
    [InlineData("int8", "dynamic", ".npz")]
    [InlineData("int8", "static", ".npz")]
    [InlineData("bf16", "dynamic", ".npz")]
    [InlineData("int8", "dynamic", ".safetensors")]
    [InlineData("int8", "static", ".safetensors")]
    [InlineData("bf16", "dynamic", ".safetensors")]
    public async Task Quantize_WritesAModelThatPredictsAsTheLibraryDoes_AndReports(string mode, string activations, string extension)
    {
        WriteModelAndData();
        var (code, output, error) = await CliTestFolder.Run(
            "quantize", "--model", PathOf("model.npz"), "--mode", mode, "--activations", activations, "--x", PathOf("x.npy"), "--y", PathOf("y.npy"), "--out", PathOf("q" + extension));
        Assert.True(code == 0, error);
        Assert.Contains($"wrote {PathOf("q" + extension)}: QuantizedNetwork {mode}", output, StringComparison.Ordinal);
        Assert.Contains("accuracy against the fp32 model on --x: 120 samples: max |Δ|", output, StringComparison.Ordinal);

        // The file predicts through the CLI exactly as the library predicts from the same fp32 model.
        (code, _, error) = await CliTestFolder.Run("predict", "--model", PathOf("q" + extension), "--x", PathOf("x.npy"), "--out", PathOf("p.npy"));
        Assert.True(code == 0, error);
        using var network = ModelFile.Load<float>(PathOf("model.npz"));
        using var x = Npy.Read(PathOf("x.npy")).ToMatrix<float>();
        using var quantized = activations == "static"
            ? QuantizedNetwork.QuantizeInt8Static(network, x.ReadOnlySpan)
            : QuantizedNetwork.Quantize(network, QuantizationModeNames.Parse(mode));
        using var expected = quantized.Predict(x.ReadOnlySpan);
        using var actual = Npy.Read(PathOf("p.npy")).ToMatrix<float>();
        Assert.Equal(expected.DangerousGetStorage().ToArray(), actual.DangerousGetStorage().ToArray());
        // The printed report is the library's on the same x and y, and its accuracies are the share of argmax = class id.
        using var y = Npy.Read(PathOf("y.npy")).ToMatrix<float>();
        var report = QuantizationReport.Create(network, quantized, x.ReadOnlySpan, y.ReadOnlySpan);
        Assert.Contains($"accuracy against the fp32 model on --x: {report}", output.Split('\n').Select(line => line.TrimEnd('\r')));
        Assert.Equal("accuracy", report.MetricName);
        using var fp32 = network.Predict(x.ReadOnlySpan);
        Assert.Equal(Accuracy(fp32, y), report.ReferenceMetric);
        Assert.Equal(Accuracy(expected, y), report.QuantizedMetric);
        Assert.NotNull(report.ClassAgreement);

        (code, _, error) = await CliTestFolder.Run("predict", "--model", PathOf("q" + extension), "--x", PathOf("x.npy"), "--out", PathOf("c.npy"), "--output", "classes");
        Assert.True(code == 0, error);
    }

    [Theory]
    [InlineData("int8", "static", ".npz", "quantized    int8 (static inputs), weights ")]
    [InlineData("bf16", "dynamic", ".safetensors", "quantized    bf16 (fp32 inputs), weights ")]
    public async Task Info_DescribesAQuantizedModel(string mode, string activations, string extension, string expected)
    {
        WriteModelAndData();
        var q = PathOf("q" + extension);
        var (code, _, error) = await CliTestFolder.Run("quantize", "--model", PathOf("model.npz"), "--mode", mode, "--activations", activations, "--x", PathOf("x.npy"), "--out", q);
        Assert.True(code == 0, error);
        using var quantized = QuantizedModelFile.Load(q);

        (code, var output, error) = await CliTestFolder.Run("info", "--model", q);
        Assert.True(code == 0, error);
        Assert.Contains(expected + quantized.WeightBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " bytes", output, StringComparison.Ordinal);
        Assert.Contains(quantized.ToString(), output, StringComparison.Ordinal);

        (code, output, error) = await CliTestFolder.Run("info", "--model", q, "--json");
        Assert.True(code == 0, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(mode, json.RootElement.GetProperty("quantization").GetString());
        Assert.Equal(activations, json.RootElement.GetProperty("activations").GetString());
        Assert.Equal(quantized.WeightBytes, json.RootElement.GetProperty("weightBytes").GetInt64());
        Assert.Equal(quantized.Architecture, NetworkArchitecture.FromJson(json.RootElement.GetProperty("architecture").GetRawText()));

        (code, _, error) = await CliTestFolder.Run("info", "--model", q, "--arch", "[{\"input_dim\": 2, \"output_dim\": 3, \"activation\": \"relu\"}]");
        Assert.NotEqual(0, code);
        Assert.Contains("records its own architecture", error, StringComparison.Ordinal);
    }

    /// <summary>The share of rows whose first largest output is the row's class id.</summary>
    private static double Accuracy(Matrix<float> outputs, Matrix<float> ids)
    {
        var correct = 0;
        for (var i = 0; i < outputs.Rows; i++)
        {
            var row = outputs.ReadOnlySpan.GetRowSpan(i);
            var best = 0;
            for (var j = 1; j < row.Length; j++)
            {
                best = row[j] > row[best] ? j : best;
            }

            correct += best == (int)ids[i, 0] ? 1 : 0;
        }

        return (double)correct / outputs.Rows;
    }

    [Fact]
    public async Task WithoutX_ThereIsNoReport()
    {
        WriteModelAndData();
        var (code, output, error) = await CliTestFolder.Run("quantize", "--model", PathOf("model.npz"), "--mode", "bf16", "--out", PathOf("q.npz"));
        Assert.True(code == 0, error);
        Assert.DoesNotContain("accuracy", output, StringComparison.Ordinal);
        Assert.Contains("2.0× smaller", output, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> Mistakes => new()
    {
        { ["--mode", "int4", "--out", "q.npz"], "int4" },
        { ["--mode", "bf16", "--activations", "static", "--x", "x.npy", "--out", "q.npz"], "only int8 quantizes its inputs" },
        { ["--mode", "int8", "--activations", "static", "--out", "q.npz"], "--x is missing: --activations static calibrates" },
        { ["--mode", "int8", "--y", "y.npy", "--out", "q.npz"], "--x is missing" },
        { ["--mode", "int8", "--out", "q.onnx"], "--out must name an .npz or .safetensors file" },
        { ["--mode", "int8", "--x", "y.npy", "--out", "q.npz"], "has 1 features per sample, but" },
        { ["--mode", "int8", "--x", "x.npy", "--y", "x.npy", "--out", "q.npz"], "labels are 120×2" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Mistakes_AreUsageErrorsThatWriteNothing(string[] arguments, string expected)
    {
        WriteModelAndData();
        var args = new List<string> { "quantize", "--model", PathOf("model.npz") };
        args.AddRange(arguments.Select(a => a.EndsWith(".npy", StringComparison.Ordinal) || a.StartsWith("q.", StringComparison.Ordinal) ? PathOf(a) : a));
        var (code, _, error) = await CliTestFolder.Run([.. args]);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("q.npz")));
        Assert.False(File.Exists(PathOf("q.onnx")));
    }

    [Fact]
    public async Task OneLabelColumn_ForALinearModelOfThreeOutputs_IsAnErrorThatWritesNothing()
    {
        // Not a classifier (a linear output), so one column cannot be class ids: the labels must be 3 targets per sample.
        WriteModelAndData();
        using (var network = new NeuralNetwork<float>(NetworkArchitecture.FromSizes([2, 3], [Activation.Linear]), new Initialization(5)))
        {
            Assert.False(QuantizationReport.IsClassifier(network.Architecture));
            Assert.False(QuantizationReport.TakesClassIds(network.Architecture, 1));
            ModelFile.Save(network, PathOf("linear.npz"));
        }

        foreach (var mode in (string[])["int8", "bf16"])
        {
            var (code, output, error) = await CliTestFolder.Run(
                "quantize", "--model", PathOf("linear.npz"), "--mode", mode, "--x", PathOf("x.npy"), "--y", PathOf("y.npy"), "--out", PathOf("q.npz"));
            Assert.NotEqual(0, code);
            Assert.Contains($"--y {PathOf("y.npy")}: labels are 120×1; expected 120 rows (one per sample of --x) of 3 targets (one column of class ids needs a softmax output; {PathOf("linear.npz")}'s is linear).", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            Assert.DoesNotContain("wrote", output, StringComparison.Ordinal);
            Assert.False(File.Exists(PathOf("q.npz")));
        }
    }

    [Fact]
    public async Task AnExistingOut_IsKeptWithoutForce_AndAQuantizedModelIsNotQuantizedAgain()
    {
        WriteModelAndData();
        File.WriteAllText(PathOf("q.npz"), "keep me");
        var (code, _, error) = await CliTestFolder.Run("quantize", "--model", PathOf("model.npz"), "--mode", "int8", "--out", PathOf("q.npz"));
        Assert.NotEqual(0, code);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(PathOf("q.npz")));

        (code, _, error) = await CliTestFolder.Run("quantize", "--model", PathOf("model.npz"), "--mode", "int8", "--out", PathOf("q.npz"), "--force");
        Assert.True(code == 0, error);
        (code, _, error) = await CliTestFolder.Run("quantize", "--model", PathOf("q.npz"), "--mode", "bf16", "--out", PathOf("q2.npz"));
        Assert.NotEqual(0, code);
        Assert.Contains("already a quantized model", error, StringComparison.Ordinal);
        (code, _, error) = await CliTestFolder.Run("predict", "--model", PathOf("q.npz"), "--x", PathOf("x.npy"), "--out", PathOf("p.npy"), "--dtype", "float64");
        Assert.NotEqual(0, code);
        Assert.Contains("predicts in float32", error, StringComparison.Ordinal);
        (code, _, error) = await CliTestFolder.Run("convert", PathOf("q.npz"), PathOf("q.onnx"));
        Assert.NotEqual(0, code);
        Assert.Contains("QuantizedModelFile.Load", error, StringComparison.Ordinal);
    }
}
