using System.Globalization;
using NeuralCore.IO;
using static NeuralCore.Tests.Cli.CliTestFolder;

namespace NeuralCore.Tests.Cli;

/// <summary>
/// The user never loses a file: an output that is an input, two outputs on one file, an existing output without
/// <c>--force</c>, a PNG name for an SVG plot and non-finite predict input are refused before anything is written —
/// the files keep their bytes and their timestamps.
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    private readonly CliTestFolder _files = new();

    public OutputSafetyTests()
    {
        var (x, labels) = Blobs(20, seed: 5);
        _files.WriteMatrix("X.npy", x);
        _files.WriteInt64("y.npy", [.. labels.Select(l => (long)l)]);
    }

    public void Dispose() => _files.Dispose();

    private string P(string name) => _files.PathOf(name);

    private string[] Train(string output, params string[] extra) =>
        ["train", "--arch", Classes4, "--x", P("X.npy"), "--y", P("y.npy"), "--optimizer", "adam", "--lr", "0.05", "--epochs", "5", "--out", output, .. extra];

    private async Task TrainModel()
    {
        var (code, _, error) = await Run(Train(P("m.npz")));
        Assert.True(code == 0, error);
    }

    [Fact]
    public async Task Predict_output_equal_to_its_input_is_refused_naming_both_options()
    {
        await TrainModel();
        var before = _files.Snapshot("X.npy");

        var (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", P("X.npy"), "--force");

        Assert.Equal(2, code);
        Assert.Contains($"error: --out {P("X.npy")} is the same file as --x {P("X.npy")}: an output never replaces an input; choose another --out.", error, StringComparison.Ordinal);
        Assert.Equal(before, _files.Snapshot("X.npy"));
    }

    [Fact]
    public async Task Another_spelling_or_a_link_of_an_input_is_the_same_file()
    {
        await TrainModel();
        var before = _files.Snapshot("m.npz");
        var spelled = Path.Combine(Path.GetDirectoryName(P("m.npz"))!, ".", "m.npz");

        var (code, _, error) = await Run(Train(spelled, "--init", P("m.npz"), "--force"));
        Assert.Equal(2, code);
        Assert.Contains($"--out {spelled} is the same file as --init {P("m.npz")}", error, StringComparison.Ordinal);

        File.CreateSymbolicLink(P("link.npy"), P("X.npy"));
        var x = _files.Snapshot("X.npy");
        (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", P("link.npy"), "--force");
        Assert.Equal(2, code);
        Assert.Contains($"--out {P("link.npy")} is the same file as --x {P("X.npy")}", error, StringComparison.Ordinal);
        Assert.Equal(x, _files.Snapshot("X.npy"));

        // Through a linked folder: the same file under another directory name.
        Directory.CreateSymbolicLink(P("again"), Path.GetDirectoryName(P("X.npy"))!);
        var through = Path.Combine(P("again"), "X.npy");
        (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", through, "--force");
        Assert.Equal(2, code);
        Assert.Contains($"--out {through} is the same file as --x {P("X.npy")}", error, StringComparison.Ordinal);
        Assert.Equal(x, _files.Snapshot("X.npy"));
        Assert.Equal(before, _files.Snapshot("m.npz"));
    }

    [Fact]
    public async Task Two_outputs_on_one_file_are_refused()
    {
        var (code, _, error) = await Run(Train(P("m.npz"), "--history", P("run.svg"), "--plot", P("run.svg")));

        Assert.Equal(2, code);
        Assert.Contains($"--plot {P("run.svg")} and --history {P("run.svg")} are the same file; give each output its own name.", error, StringComparison.Ordinal);
        Assert.Equal(["X.npy", "y.npy"], _files.Files());
    }

    [Fact]
    public async Task An_existing_output_needs_force_for_every_command()
    {
        await TrainModel();
        _files.WriteOld("old.npz", [1, 2, 3]);
        _files.WriteOld("old.csv", [4, 5, 6]);
        _files.WriteOld("old.svg", [7, 8, 9]);
        var snapshots = new[] { "old.npz", "old.csv", "old.svg", "m.npz" }.ToDictionary(n => n, _files.Snapshot);
        var refusals = new (string[] Args, string Option, string File)[]
        {
            (Train(P("old.npz")), "--out", "old.npz"),
            (Train(P("new.npz"), "--history", P("old.csv")), "--history", "old.csv"),
            (Train(P("new.npz"), "--plot", P("old.svg")), "--plot", "old.svg"),
            (["predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", P("old.csv")], "--out", "old.csv"),
            (["evaluate", "--model", P("m.npz"), "--x", P("X.npy"), "--y", P("y.npy"), "--plot", P("old.svg")], "--plot", "old.svg"),
            (["convert", P("m.npz"), P("old.npz")], "OUT", "old.npz"),
        };
        foreach (var (args, option, file) in refusals)
        {
            var (code, _, error) = await Run(args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}, {error}");
            Assert.Contains($"error: {option} {P(file)} already exists; pass --force to overwrite it.", error, StringComparison.Ordinal);
        }

        foreach (var (name, snapshot) in snapshots)
        {
            Assert.Equal(snapshot, _files.Snapshot(name));
        }

        // Nothing else was written: a refused train wrote no model either.
        Assert.False(File.Exists(P("new.npz")));

        // With --force the file is replaced.
        var (forced, _, forcedError) = await Run("predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", P("old.csv"), "--force");
        Assert.True(forced == 0, forcedError);
        Assert.Equal(80, File.ReadAllLines(P("old.csv")).Length);
    }

    [Fact]
    public async Task The_demo_needs_force_to_replace_an_earlier_run()
    {
        Directory.CreateDirectory(P("demo"));
        File.WriteAllBytes(Path.Combine(P("demo"), "celsius.svg"), [1]);

        var (code, _, error) = await Run("demo", "celsius", "--out", P("demo"), "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains("celsius.svg already exists; pass --force to overwrite it.", error, StringComparison.Ordinal);
        Assert.Equal([1], File.ReadAllBytes(Path.Combine(P("demo"), "celsius.svg")));

        (code, _, error) = await Run("demo", "celsius", "--out", P("demo"), "--epochs", "1", "--force");
        Assert.True(code == 0, error);
        Assert.Equal("svg", System.Xml.Linq.XDocument.Load(Path.Combine(P("demo"), "celsius.svg")).Root!.Name.LocalName);
    }

    [Theory]
    [InlineData("p.png", "got '.png'")]
    [InlineData("plot", "got no extension")]
    public async Task A_plot_name_that_is_not_svg_is_refused_and_nothing_is_written(string name, string got)
    {
        var (code, _, error) = await Run(Train(P("m.npz"), "--plot", P(name)));

        Assert.Equal(2, code);
        Assert.Contains($"--plot {P(name)}: plots are written as SVG only, so the name must end in .svg; {got}", error, StringComparison.Ordinal);
        Assert.Equal(["X.npy", "y.npy"], _files.Files());

        await TrainModel();
        (code, _, error) = await Run("evaluate", "--model", P("m.npz"), "--x", P("X.npy"), "--y", P("y.npy"), "--plot", P(name));
        Assert.Equal(2, code);
        Assert.Contains("plots are written as SVG only", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P(name)));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public async Task Predict_refuses_non_finite_input_with_row_and_column_and_keeps_the_target(double bad, string shown)
    {
        await TrainModel();
        using (var x = Npy.ReadMatrix<double>(P("X.npy")))
        {
            x[3, 1] = bad;
            Npy.Write(P("bad.npy"), x.ReadOnlySpan);
        }

        _files.WriteOld("p.csv", [42]);
        var before = _files.Snapshot("p.csv");

        // --force lets predict replace p.csv, but not with predictions of data it cannot use.
        var (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("bad.npy"), "--out", P("p.csv"), "--force");
        Assert.Equal(1, code);
        Assert.Contains($"error: --x {P("bad.npy")}: row 3, column 1 (counting from 0) is {shown}; predictions need finite inputs (pass --allow-nonfinite to get NaN predictions for such rows).", error, StringComparison.Ordinal);
        Assert.Equal(before, _files.Snapshot("p.csv"));

        (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("bad.npy"), "--out", P("p.npy"), "--allow-nonfinite", "--dtype", "float64");
        Assert.True(code == 0, error);
        using var predictions = Npy.ReadMatrix<double>(P("p.npy"));
        for (var r = 0; r < predictions.Rows; r++)
        {
            var row = predictions.ReadOnlySpan.GetRowSpan(r).ToArray();
            Assert.True(r == 3 ? row.All(double.IsNaN) : row.All(double.IsFinite), string.Create(CultureInfo.InvariantCulture, $"row {r}: {string.Join(", ", row)}"));
        }

        // Classes of a NaN row are NaN too, not class 0.
        (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("bad.npy"), "--out", P("c.npy"), "--allow-nonfinite", "--output", "classes", "--dtype", "float64");
        Assert.True(code == 0, error);
        using var classes = Npy.ReadMatrix<double>(P("c.npy"));
        Assert.True(double.IsNaN(classes[3, 0]));
        Assert.False(double.IsNaN(classes[2, 0]));
    }
}
