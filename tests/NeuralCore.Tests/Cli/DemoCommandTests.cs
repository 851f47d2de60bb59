using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NeuralCore.Cli;
using NeuralCore.IO;

namespace NeuralCore.Tests.Cli;

/// <summary>
/// <c>neuralcore demo</c> end to end, in process: exit codes, printed metrics, and the SVG and model files written.
/// The figures were also rendered with rsvg-convert and looked at (see the branch's report).
/// </summary>
public sealed partial class DemoCommandTests : IDisposable
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "neuralcore-demo-tests-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Demos => ["celsius", "moons", "autoencoder"];

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Demos))]
    public async Task Each_demo_at_few_epochs_writes_a_well_formed_figure_and_a_model_and_prints_the_paths(string demo)
    {
        var output = Path.Combine(_folder, "new", "nested");   // created if missing

        var (code, stdout, stderr) = await Run("demo", demo, "--out", output, "--epochs", "3");

        Assert.True(code == 0, stderr);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains("epoch      3/3", stdout, StringComparison.Ordinal);
        var svg = Path.Combine(output, demo + ".svg");
        var model = Path.Combine(output, demo + ".npz");
        Assert.Contains($"wrote {svg}", stdout, StringComparison.Ordinal);
        Assert.Contains($"wrote {model}", stdout, StringComparison.Ordinal);
        var document = XDocument.Load(svg);
        Assert.Equal(s_svg + "svg", document.Root!.Name);
        Assert.DoesNotContain("NaN", File.ReadAllText(svg), StringComparison.Ordinal);

        // A line per training curve has one vertex per epoch.
        if (demo != "celsius")
        {
            Assert.All(Lines(document), line => Assert.Equal(3, Vertices(line)));
        }

        using var network = ModelFile.Load<float>(model);
        Assert.Equal(demo switch { "celsius" => 1, "moons" => 2, _ => 8 }, network.InputSize);
        Assert.Empty(Directory.GetFiles(output, "*.tmp"));
    }

    [Fact]
    public async Task Celsius_learns_weight_1_8_and_bias_32_within_one_percent_and_plots_before_and_after()
    {
        var (code, stdout, stderr) = await Run("demo", "celsius", "--out", _folder);

        Assert.True(code == 0, stderr);
        var match = LearnedLine().Match(stdout);
        Assert.True(match.Success, stdout);
        var weight = double.Parse(match.Groups["w"].Value, CultureInfo.InvariantCulture);
        var bias = double.Parse(match.Groups["b"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(weight, 1.8 * 0.99, 1.8 * 1.01);
        Assert.InRange(bias, 32 * 0.99, 32 * 1.01);

        // The saved model takes degrees Celsius directly (the training scale is folded into the weight).
        using var network = ModelFile.Load<float>(Path.Combine(_folder, "celsius.npz"));
        Span<float> fahrenheit = stackalloc float[1];
        network.Predict([100f], fahrenheit);
        Assert.InRange(fahrenheit[0], 212 * 0.99, 212 * 1.01);

        var document = XDocument.Load(Path.Combine(_folder, "celsius.svg"));
        var texts = Texts(document);
        Assert.Equal(3, Lines(document).Count);
        Assert.Equal(20, document.Descendants(s_svg + "g").Single(g => (string?)g.Attribute("class") == "points").Elements().Count(e => e.Name != s_svg + "title"));
        Assert.Contains("°C", texts);
        Assert.Contains("°F", texts);
        Assert.Contains("true: F = 1.8·C + 32", texts);
        Assert.Contains(texts, t => t.StartsWith("before training: F = ", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("after training: F = 1.80", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Moons_at_default_settings_reaches_95_percent_on_the_held_out_points_and_the_saved_model_agrees()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (code, stdout, stderr) = await Run("demo", "--out", _folder);   // no argument: moons

        Assert.True(code == 0, stderr);
        Assert.Contains("training moons 2-4-6-6-4-1: 60 epochs", stdout, StringComparison.Ordinal);
        var match = MoonsAccuracy().Match(stdout);
        Assert.True(match.Success, stdout);
        var testAccuracy = double.Parse(match.Groups["test"].Value, CultureInfo.InvariantCulture) / 100;
        Assert.True(testAccuracy >= 0.95, stdout);
        Assert.True(double.Parse(match.Groups["train"].Value, CultureInfo.InvariantCulture) >= 95, stdout);

        // The README's first command: well within a few seconds even with the shared machine busy and the JIT cold.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");

        // The .npz is the trained network: on the same held-out rows (the data seed is the default seed) it scores
        // exactly what was printed.
        using var network = ModelFile.Load<float>(Path.Combine(_folder, "moons.npz"));
        using var data = Datasets.MakeMoons<float>(1000, 0.2, seed: 2);
        using var predictions = network.Predict(data.Features.ReadOnlySpan.SliceRows(900, 100));
        var correct = Enumerable.Range(0, 100).Count(r => (predictions[r, 0] >= 0.5f) == (data.Targets[900 + r, 0] >= 0.5f));
        Assert.Equal(testAccuracy, correct / 100.0, 1e-9);

        var document = XDocument.Load(Path.Combine(_folder, "moons.svg"));
        var texts = Texts(document);
        Assert.Equal(3, document.Descendants(s_svg + "g").Count(g => (string?)g.Attribute("class") == "panel"));
        Assert.Single(document.Descendants(s_svg + "g"), g => (string?)g.Attribute("class") == "heatmap");
        Assert.Single(document.Descendants(s_svg + "path"), p => (string?)p.Attribute("class") == "contour");
        Assert.Equal(4, Lines(document).Count);   // loss and accuracy, train and test
        foreach (var label in (string[])["Loss", "Accuracy", "Decision boundary", "train class 0", "train class 1", "test class 0", "test class 1", "p = 0.5"])
        {
            Assert.Contains(label, texts);
        }
    }

    [Fact]
    public async Task Autoencoder_reconstruction_error_falls_at_least_tenfold_and_below_predicting_the_mean()
    {
        var (code, stdout, stderr) = await Run("demo", "autoencoder", "--out", _folder);

        Assert.True(code == 0, stderr);
        var match = Reconstruction().Match(stdout);
        Assert.True(match.Success, stdout);
        var before = double.Parse(match.Groups["before"].Value, CultureInfo.InvariantCulture);
        var after = double.Parse(match.Groups["after"].Value, CultureInfo.InvariantCulture);
        var mean = double.Parse(match.Groups["mean"].Value, CultureInfo.InvariantCulture);
        Assert.True(before >= 10 * after, stdout);
        Assert.True(mean >= 10 * after, stdout);   // it learned the waves, not only their average

        var document = XDocument.Load(Path.Combine(_folder, "autoencoder.svg"));
        var texts = Texts(document);
        Assert.Equal(4, document.Descendants(s_svg + "g").Count(g => (string?)g.Attribute("class") == "panel"));
        Assert.Equal(6, document.Descendants(s_svg + "g").Count(g => (string?)g.Attribute("class") == "bars"));
        Assert.Contains("Reconstruction error", texts);
        Assert.Contains("reconstruction", texts);
        Assert.Contains("x8", texts);
    }

    [Theory]
    [MemberData(nameof(Demos))]
    public async Task Zero_epochs_shows_the_untrained_network(string demo)
    {
        var (code, stdout, stderr) = await Run("demo", demo, "--out", _folder, "--epochs", "0");

        Assert.True(code == 0, stderr);
        Assert.Contains("--epochs 0", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", File.ReadAllText(Path.Combine(_folder, demo + ".svg")), StringComparison.Ordinal);
        XDocument.Load(Path.Combine(_folder, demo + ".svg"));
    }

    [Fact]
    public async Task The_seed_makes_runs_repeatable_and_a_different_seed_changes_them()
    {
        string[] Args(string folder, int seed) => ["demo", "moons", "--epochs", "2", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--out", Path.Combine(_folder, folder)];

        Assert.Equal(0, (await Run(Args("a", 7))).Code);
        Assert.Equal(0, (await Run(Args("b", 7))).Code);
        Assert.Equal(0, (await Run(Args("c", 8))).Code);

        var a = File.ReadAllText(Path.Combine(_folder, "a", "moons.svg"));
        Assert.Equal(a, File.ReadAllText(Path.Combine(_folder, "b", "moons.svg")));
        Assert.NotEqual(a, File.ReadAllText(Path.Combine(_folder, "c", "moons.svg")));
    }

    [Theory]
    [InlineData("--epochs must be ≥ 0; got -3.", "demo", "moons", "--epochs", "-3")]
    [InlineData("--seed must be ≥ 0; got -1.", "demo", "celsius", "--seed", "-1")]
    [InlineData("demo must be one of celsius, moons, autoencoder; got 'mnist'.", "demo", "mnist")]
    [InlineData("--epochs", "demo", "--epochs", "many")]
    [InlineData("--out must name a folder", "demo", "--out", "")]
    public async Task Bad_arguments_exit_with_2_and_a_message_naming_the_argument(string message, params string[] args)
    {
        var (code, stdout, stderr) = await Run(args.Contains("--out") ? args : [.. args, "--out", _folder]);

        Assert.Equal(CliApplication.BadArguments, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("training", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder) && Directory.EnumerateFileSystemEntries(_folder).Any(), "a rejected command wrote to its output folder");
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_created_exits_with_1_and_a_message_not_a_stack_trace()
    {
        Directory.CreateDirectory(_folder);
        var file = Path.Combine(_folder, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");

        var (code, stdout, stderr) = await Run("demo", "celsius", "--out", Path.Combine(file, "plots"));

        Assert.Equal(CliApplication.Failure, code);
        Assert.StartsWith("error: --out: cannot create the folder", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("training", stdout, StringComparison.Ordinal);   // failed before training, not after
        Assert.Equal("not a folder", await File.ReadAllTextAsync(file));
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CliApplication.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static List<XElement> Lines(XDocument document) =>
        [.. document.Descendants(s_svg + "g").Where(g => (string?)g.Attribute("class") == "line")];

    private static int Vertices(XElement line) =>
        line.Elements(s_svg + "polyline").Sum(p => ((string)p.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    private static string[] Texts(XDocument document) =>
        [.. document.Descendants(s_svg + "text").Select(t => t.Value)];

    [GeneratedRegex(@"learned\s+F = (?<w>-?[0-9.]+)·C \+ (?<b>-?[0-9.]+)")]
    private static partial Regex LearnedLine();

    [GeneratedRegex(@"train accuracy (?<train>[0-9.]+) %.*test accuracy (?<test>[0-9.]+) %")]
    private static partial Regex MoonsAccuracy();

    [GeneratedRegex(@"before (?<before>[0-9.eE+-]+), after (?<after>[0-9.eE+-]+) .*predicting the mean would give (?<mean>[0-9.eE+-]+)")]
    private static partial Regex Reconstruction();
}
