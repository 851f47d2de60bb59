using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NeuralCore.Cli;
using static NeuralCore.Tests.Cli.CliTestFolder;

namespace NeuralCore.Tests.Cli;

/// <summary>
/// What a new user reads: help with examples for every command, the nearest name for a typo, messages that name
/// the option and file (no .NET parameter names, enum names or <c>E-009</c> exponents), values in any case,
/// inline <c>--arch</c> JSON, <c>info --json</c>, and a legend that leaves the data visible.
/// </summary>
public sealed partial class HelpAndMessagesTests : IDisposable
{
    private readonly CliTestFolder _files = new();

    public HelpAndMessagesTests()
    {
        var (x, labels) = Blobs(20, seed: 7);
        _files.WriteMatrix("X.npy", x);
        _files.WriteInt64("y.npy", [.. labels.Select(l => (long)l)]);
    }

    public void Dispose() => _files.Dispose();

    private string P(string name) => _files.PathOf(name);

    private static List<Command> Commands() => [.. CliApplication.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null)).Subcommands];

    [Fact]
    public async Task No_arguments_print_the_overview_and_exit_2_while_help_exits_0()
    {
        var (code, output, _) = await Run();
        var (helpCode, help, _) = await Run("--help");

        Assert.Equal(2, code);
        Assert.Equal(0, helpCode);
        Assert.Equal(help, output);
        Assert.All(Commands(), c => Assert.Contains($"  {c.Name} ", output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_command_has_at_least_two_examples_that_parse()
    {
        var commands = Commands();
        Assert.True(commands.Count >= 8, string.Join(", ", commands.Select(c => c.Name)));
        foreach (var command in commands)
        {
            var (code, output, error) = await Run(command.Name, "--help");
            Assert.True(code == 0, $"{command.Name}: {error}");
            var examples = output[(output.IndexOf("Examples:", StringComparison.Ordinal) + 1)..]
                .Split('\n').Where(l => l.StartsWith($"  neuralcore {command.Name}", StringComparison.Ordinal)).ToList();
            Assert.True(examples.Count >= 2, $"{command.Name} has {examples.Count} examples:\n{output}");

            // Each example is a valid command line: the parser finds no error in it (files need not exist to parse).
            var root = CliApplication.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null));
            foreach (var example in examples)
            {
                var parse = root.Parse(ShellWords(example.Trim())[1..]);
                Assert.True(parse.Errors.Count == 0, $"{example}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
            }
        }
    }

    /// <summary>Splits a command line as a POSIX shell does for the quoting the examples use ('…' and plain words).</summary>
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var inWord = false;
        foreach (var c in line)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                inWord = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return [.. words];
    }

    [Fact]
    public async Task An_unknown_option_or_command_suggests_the_nearest_and_the_commands_help()
    {
        var (code, _, error) = await Run("train", "--batchsize", "32");
        Assert.Equal(2, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("error: unknown option '--batchsize'; did you mean '--batch-size'?", lines[0]);
        Assert.Equal("Run 'neuralcore train --help' for usage and examples.", lines[^1]);

        (code, _, error) = await Run("trian");
        Assert.Equal(2, code);
        Assert.Equal(["error: unknown command 'trian'; did you mean 'train'?", "Run 'neuralcore --help' for usage and examples."], error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        (code, _, error) = await Run("predict", "--modle", "m.npz", "--x", "X.npy", "--out", "p.csv");
        Assert.Equal(2, code);
        Assert.Contains("unknown option '--modle'; did you mean '--model'?", error, StringComparison.Ordinal);
        Assert.Contains("Run 'neuralcore predict --help' for usage and examples.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_names_the_option()
    {
        string[] train = ["train", "--arch", Classes4, "--optimizer", "sgd", "--lr", "0.1", "--epochs", "1", "--out", P("m.npz")];
        var cases = new (string[] Args, string Expected)[]
        {
            ([.. train, "--x", P("nope.csv"), "--y", P("y.npy")], $"error: --x {P("nope.csv")}: file not found."),
            ([.. train, "--x", P("X.npy"), "--y", P("nope.npy")], $"error: --y {P("nope.npy")}: file not found."),
            (["train", "--arch", P("nope.json"), "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "sgd", "--lr", "0.1", "--epochs", "1", "--out", P("m.npz")], $"error: --arch {P("nope.json")}: file not found."),
            (["predict", "--model", P("nope.npz"), "--x", P("X.npy"), "--out", P("p.csv")], $"error: --model {P("nope.npz")}: file not found."),
            (["evaluate", "--model", P("nope.onnx"), "--x", P("X.npy"), "--y", P("y.npy")], $"error: --model {P("nope.onnx")}: file not found."),
            (["info", "--model", P("nope.npz")], $"error: --model {P("nope.npz")}: file not found."),
            (["convert", P("nope.npz"), P("out.onnx")], $"error: IN {P("nope.npz")}: file not found."),
        };
        foreach (var (args, expected) in cases)
        {
            var (code, _, error) = await Run(args);
            Assert.Equal(1, code);
            Assert.Equal(expected, error.TrimEnd());
        }

        Assert.Equal(["X.npy", "y.npy"], _files.Files());
    }

    [Fact]
    public async Task Epochs_0_is_refused_rather_than_reporting_an_untrained_model()
    {
        var (code, output, error) = await Run("train", "--arch", Classes4, "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "sgd", "--lr", "0.1", "--epochs", "0", "--out", P("m.npz"));

        Assert.Equal(2, code);
        Assert.Contains("--epochs must be ≥ 1; got 0", error, StringComparison.Ordinal);
        Assert.DoesNotContain("accuracy", output + error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m.npz")));
    }

    [Fact]
    public async Task Values_and_option_names_are_case_insensitive()
    {
        var (code, _, error) = await Run("train", "--arch", Classes4, "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "Adam", "--Lr", "0.05", "--EPOCHS", "3", "--dtype", "Float64", "--loss", "Sparse_CE", "--out", P("m.npz"));
        Assert.True(code == 0, error);

        (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", P("c.csv"), "--output", "CLASSES", "--dtype", "FLOAT32");
        Assert.True(code == 0, error);

        (code, _, error) = await Run("train", "--arch", Classes4, "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "Nadam", "--lr", "0.05", "--epochs", "3", "--out", P("m2.npz"));
        Assert.Equal(2, code);
        Assert.Contains("--optimizer must be one of sgd, momentum, adam, rmsprop, adamw; got 'Nadam'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arch_takes_inline_json_and_a_bad_one_is_named_as_inline()
    {
        var (code, output, error) = await Run("train", "--arch", " " + Classes4, "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "adam", "--lr", "0.05", "--epochs", "2", "--out", P("m.npz"));
        Assert.True(code == 0, error);
        Assert.Contains("2-16-4 (relu, softmax)", output, StringComparison.Ordinal);

        (code, _, error) = await Run("train", "--arch", """[{"input_dim": 2, "output_dim": 4, "activation": "swish"}]""", "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "adam", "--lr", "0.05", "--epochs", "2", "--out", P("m2.npz"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: --arch (inline JSON): ", error, StringComparison.Ordinal);
        Assert.Contains("swish", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_json_parses_and_says_what_the_text_says()
    {
        var (code, output, error) = await Run("info", "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(Kernels.GetName(Kernels.Default), json.RootElement.GetProperty("kernelPath").GetString());
            Assert.Equal(Environment.ProcessorCount, json.RootElement.GetProperty("cpuCores").GetInt32());
            Assert.Equal(Kernels.Available.Select(Kernels.GetName), json.RootElement.GetProperty("availableKernelPaths").EnumerateArray().Select(e => e.GetString()));
        }

        (code, _, error) = await Run("train", "--arch", Classes4, "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "adam", "--lr", "0.05", "--epochs", "1", "--out", P("m.npz"));
        Assert.True(code == 0, error);
        (code, output, error) = await Run("info", "--model", P("m.npz"), "--json");
        Assert.True(code == 0, error);
        using var model = JsonDocument.Parse(output);
        Assert.Equal(P("m.npz"), model.RootElement.GetProperty("file").GetString());
        Assert.Equal(NetworkArchitecture.FromJson(Classes4).ParameterCount, model.RootElement.GetProperty("parameters").GetInt32());
        Assert.Equal(NetworkArchitecture.FromJson(Classes4), NetworkArchitecture.FromJson(model.RootElement.GetProperty("architecture").GetRawText()));
    }

    [Fact]
    public async Task Messages_have_no_dotnet_internals()
    {
        // The library's ArgumentException for an optimizer setting reaches the user in the CLI's option names,
        // without "(Parameter 'options')" or property paths.
        var (code, _, error) = await Run("train", "--arch", Classes4, "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "momentum", "--momentum", "1.5", "--lr", "0.05", "--epochs", "1", "--out", P("m.npz"));
        Assert.Equal(2, code);
        Assert.Equal(["error: --momentum must be in [0, 1); got 1.5.", "Run 'neuralcore train --help' for usage and examples."], error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        (code, _, error) = await Run("train", "--arch", Classes4, "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "sgd", "--lr", "1e-400", "--epochs", "1", "--out", P("m.npz"));
        Assert.Equal(2, code);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        Assert.DoesNotContain("options.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m.npz")));

        // gradcheck's figures: float64, not Double; e-9 exponents, not E-009.
        (code, var output, error) = await Run("gradcheck", "--arch", Classes4, "--loss", "SPARSE_CE");
        Assert.True(code == 0, error);
        Assert.Contains("float64", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Double", output, StringComparison.Ordinal);
        Assert.DoesNotContain("CrossEntropy", output, StringComparison.Ordinal);
        Assert.False(DotNetExponent().IsMatch(output), output);
        Assert.Matches(@"tolerance 1e-6\)", output);
    }

    [Fact]
    public async Task Usage_errors_after_parsing_point_to_the_commands_help_too()
    {
        var (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", P("p.txt"));
        Assert.Equal(2, code);
        Assert.Equal([$"error: --out must name a .npy or .csv file; got '{P("p.txt")}'.", "Run 'neuralcore predict --help' for usage and examples."], error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // A data error (exit 1) is not a usage error: no help hint.
        (code, _, error) = await Run("predict", "--model", P("nope.npz"), "--x", P("X.npy"), "--out", P("p.csv"));
        Assert.Equal(1, code);
        Assert.DoesNotContain("--help", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2.49e-9, 6, "2.49e-9")]
    [InlineData(1e15, 6, "1e15")]
    [InlineData(-3.5e-12, 6, "-3.5e-12")]
    [InlineData(0.000123456789, 4, "0.0001235")]
    [InlineData(0.5, 6, "0.5")]
    [InlineData(double.NaN, 6, "NaN")]
    [InlineData(double.NegativeInfinity, 6, "-inf")]
    public void Numbers_are_written_as_people_write_them(double value, int digits, string expected) =>
        Assert.Equal(expected, Messages.Number(value, digits));

    [Fact]
    public async Task Training_progress_writes_tiny_losses_without_dotnet_exponents()
    {
        // A linear fit of y = x by full-batch gradient descent: the loss falls far below 1e-5.
        using (var x = new Matrix<double>(20, 1))
        {
            for (var i = 0; i < 20; i++)
            {
                x[i, 0] = i / 20.0;
            }

            NeuralCore.IO.Npy.Write(P("lx.npy"), x.ReadOnlySpan);
        }

        var (code, output, error) = await Run("train", "--arch", """[{"input_dim": 1, "output_dim": 1, "activation": "linear"}]""", "--x", P("lx.npy"), "--y", P("lx.npy"), "--optimizer", "sgd", "--lr", "0.5", "--epochs", "300", "--dtype", "float64", "--out", P("lin.npz"));

        Assert.True(code == 0, error);
        Assert.Matches(@"final loss \d(\.\d+)?e-\d+", output);
        Assert.False(DotNetExponent().IsMatch(output), output);
    }

    [GeneratedRegex(@"\dE[+-]?\d")]
    private static partial Regex DotNetExponent();

    [Fact]
    public async Task The_decision_boundary_legend_covers_no_data_point()
    {
        var (code, _, error) = await Run("demo", "moons", "--out", P("demo"));
        Assert.True(code == 0, error);

        var svg = XDocument.Load(Path.Combine(P("demo"), "moons.svg"));
        var panel = svg.Descendants().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("id") == "panel-2");
        var legend = panel.Descendants().Single(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "legend");
        var box = legend.Elements().First(e => e.Name.LocalName == "rect");
        var (left, top) = (Number(box, "x"), Number(box, "y"));
        var (right, bottom) = (left + Number(box, "width"), top + Number(box, "height"));

        // Every marker's bounding box, from the SVG itself: circles (train points) and triangles (test points).
        var markers = panel.Descendants().Where(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "points").SelectMany(g => g.Elements()).Select(e => e.Name.LocalName switch
        {
            "circle" => (Number(e, "cx") - Number(e, "r"), Number(e, "cy") - Number(e, "r"), Number(e, "cx") + Number(e, "r"), Number(e, "cy") + Number(e, "r")),
            "polygon" => Bounds((string)e.Attribute("points")!),
            "title" => (double.NaN, double.NaN, double.NaN, double.NaN),
            var other => throw new InvalidOperationException($"unexpected marker <{other}>"),
        }).Where(b => !double.IsNaN(b.Item1)).ToList();

        Assert.True(markers.Count >= 300, $"{markers.Count} markers");
        var covered = markers.Where(m => m.Item1 < right && m.Item3 > left && m.Item2 < bottom && m.Item4 > top).ToList();
        Assert.True(covered.Count == 0, $"{covered.Count} markers under the legend at ({left}, {top})–({right}, {bottom})");

        // And the legend is inside the picture.
        Assert.True(right <= Number(svg.Root!, "width") && left >= 0, $"legend at {left}–{right}");
    }

    private static double Number(XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, System.Globalization.CultureInfo.InvariantCulture);

    private static (double, double, double, double) Bounds(string points)
    {
        var xy = points.Split(' ').Select(p => p.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return (xy.Min(p => p[0]), xy.Min(p => p[1]), xy.Max(p => p[0]), xy.Max(p => p[1]));
    }
}
