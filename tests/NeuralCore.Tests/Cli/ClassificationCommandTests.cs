using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NeuralCore.Cli.Commands;
using NeuralCore.IO;
using static NeuralCore.Tests.Cli.CliTestFolder;

namespace NeuralCore.Tests.Cli;

/// <summary>
/// The multi-class path a new user takes (digits-style, on four separable blobs): one CSV with a label column,
/// integer class ids, a seeded stratified validation split, early stopping, predicted classes, and evaluate's
/// accuracy and confusion matrix — each checked against what the other commands and the data say.
/// </summary>
public sealed partial class ClassificationCommandTests : IDisposable
{
    private readonly CliTestFolder _files = new();
    private readonly double[,] _x;
    private readonly int[] _labels;

    public ClassificationCommandTests()
    {
        (_x, _labels) = Blobs(60, seed: 11);
        _files.WriteBlobsCsv("blobs.csv", _x, _labels);
        _files.WriteMatrix("X.npy", _x);
        _files.WriteInt64("ids.npy", [.. _labels.Select(l => (long)l)]);
    }

    public void Dispose() => _files.Dispose();

    private string P(string name) => _files.PathOf(name);

    private string[] Train(params string[] extra) =>
        ["train", "--arch", Classes4, "--optimizer", "adam", "--lr", "0.02", "--batch-size", "16", "--seed", "3", .. extra.Contains("--epochs") ? extra : [.. extra, "--epochs", "200"]];

    [Fact]
    public async Task Labels_in_one_csv_train_validate_stop_early_predict_and_evaluate()
    {
        var (code, output, error) = await Run(Train(
            "--x", P("blobs.csv"), "--label-column", "label", "--val-split", "0.25", "--early-stopping", "5",
            "--out", P("m.npz"), "--history", P("h.csv"), "--plot", P("h.svg")));
        Assert.True(code == 0, error);
        Assert.Contains("loss: sparse_ce (the targets are one class id per sample for 4 softmax outputs)", output, StringComparison.Ordinal);
        Assert.Contains("validation: 60 of 240 samples held out (--val-split 0.25, seed 3, the same fraction of each class)", output, StringComparison.Ordinal);

        // Early stopping: the history ends at the stop, and the kept epoch is the one with the lowest validation loss.
        var history = File.ReadAllLines(P("h.csv"));
        Assert.Equal("epoch,loss,accuracy,val_loss,val_accuracy", history[0]);
        var validationLoss = history[1..].Select(l => double.Parse(l.Split(',')[3], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(validationLoss.Length < 200, $"ran all {validationLoss.Length} epochs");
        var best = Array.IndexOf(validationLoss, validationLoss.Min()) + 1;
        Assert.Equal(validationLoss.Length - 5, best);
        Assert.Contains($"early stopping: stopped after epoch {validationLoss.Length}, the validation loss not having improved for 5 epochs; the model keeps the weights of epoch {best}", output, StringComparison.Ordinal);
        Assert.Contains(XDocument.Load(P("h.svg")).Descendants(), e => e.Name.LocalName == "text" && e.Value == "validation");

        // Predicted classes: one integer column, far above the 25 % of chance on the data it learned from.
        (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", P("classes.csv"), "--output", "classes");
        Assert.True(code == 0, error);
        var predicted = File.ReadAllLines(P("classes.csv")).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(240, predicted.Length);
        Assert.All(predicted, p => Assert.Contains(p, new double[] { 0, 1, 2, 3 }));
        var correct = predicted.Where((p, i) => p == _labels[i]).Count();
        Assert.True(correct >= 228, $"{correct} of 240 correct");

        // The classes are the argmax of the probabilities predict writes by default.
        (code, _, error) = await Run("predict", "--model", P("m.npz"), "--x", P("X.npy"), "--out", P("p.npy"), "--dtype", "float64");
        Assert.True(code == 0, error);
        using (var probabilities = Npy.ReadMatrix<double>(P("p.npy")))
        {
            Assert.Equal(4, probabilities.Columns);
            for (var r = 0; r < 240; r++)
            {
                var row = probabilities.ReadOnlySpan.GetRowSpan(r).ToArray();
                Assert.Equal(Array.IndexOf(row, row.Max()), (int)predicted[r]);
            }
        }

        // evaluate agrees with predict: the same accuracy, and a confusion matrix whose rows count each true class.
        (code, output, error) = await Run("evaluate", "--model", P("m.npz"), "--x", P("blobs.csv"), "--label-column", "label", "--plot", P("cm.svg"));
        Assert.True(code == 0, error);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"accuracy     {(double)correct / 240:P2} ({correct} of 240)"), output, StringComparison.Ordinal);
        Assert.Contains("loss         ", output, StringComparison.Ordinal);
        Assert.Contains("(sparse_ce)", output, StringComparison.Ordinal);
        var matrix = ConfusionRows(output);
        Assert.Equal(4, matrix.Length);
        for (var c = 0; c < 4; c++)
        {
            Assert.Equal(_labels.Count(l => l == c), matrix[c].Sum());
            Assert.Equal(Enumerable.Range(0, 240).Count(i => _labels[i] == c && predicted[i] == c), matrix[c][c]);
        }

        Assert.Equal("svg", XDocument.Load(P("cm.svg")).Root!.Name.LocalName);

        // The same evaluation from X.npy and NumPy int64 class ids.
        (code, var fromNpy, error) = await Run("evaluate", "--model", P("m.npz"), "--x", P("X.npy"), "--y", P("ids.npy"));
        Assert.True(code == 0, error);
        Assert.Equal(output.Split('\n')[2..^2], fromNpy.Split('\n')[2..^1]);
    }

    private static long[][] ConfusionRows(string output)
    {
        var lines = output.Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("confusion matrix", StringComparison.Ordinal));
        return [.. lines.Skip(start + 2).TakeWhile(l => RowPattern().IsMatch(l)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray())];
    }

    [GeneratedRegex(@"^  \d+\s+\d")]
    private static partial Regex RowPattern();

    [Fact]
    public async Task Int64_class_ids_and_the_label_column_by_name_index_or_last_train_the_same_model()
    {
        string[] common = ["--epochs", "30"];
        var runs = new (string Name, string[] Args)[]
        {
            ("name", ["--x", P("blobs.csv"), "--label-column", "label"]),
            ("index", ["--x", P("blobs.csv"), "--label-column", "2"]),
            ("last", ["--x", P("blobs.csv"), "--label-column", "LAST"]),
            ("npy", ["--x", P("X.npy"), "--y", P("ids.npy")]),
        };
        foreach (var (name, args) in runs)
        {
            var (code, output, error) = await Run(Train([.. args, "--out", P($"{name}.npz"), .. common]));
            Assert.True(code == 0, $"{name}: {error}");
            Assert.Contains("loss: sparse_ce", output, StringComparison.Ordinal);
        }

        // The CSV's x values are written round-trip exact, so all four read the same X and the same ids.
        var reference = File.ReadAllBytes(P("name.npz"));
        Assert.Equal(reference, File.ReadAllBytes(P("index.npz")));
        Assert.Equal(reference, File.ReadAllBytes(P("last.npz")));
        Assert.Equal(reference, File.ReadAllBytes(P("npy.npz")));
    }

    [Fact]
    public async Task One_hot_targets_keep_working_with_cross_entropy()
    {
        var oneHot = new double[240, 4];
        for (var i = 0; i < 240; i++)
        {
            oneHot[i, _labels[i]] = 1;
        }

        _files.WriteMatrix("onehot.npy", oneHot);
        var (code, output, error) = await Run(Train("--x", P("X.npy"), "--y", P("onehot.npy"), "--out", P("m.npz")));
        Assert.True(code == 0, error);
        Assert.Contains("loss: ce (the default for a softmax output", output, StringComparison.Ordinal);

        (code, output, error) = await Run("evaluate", "--model", P("m.npz"), "--x", P("X.npy"), "--y", P("onehot.npy"));
        Assert.True(code == 0, error);
        Assert.Contains("(ce)", output, StringComparison.Ordinal);
        var accuracy = double.Parse(Regex.Match(output, @"\((\d+) of 240\)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 228, output);
    }

    [Fact]
    public async Task A_class_id_float32_cannot_hold_is_an_error_naming_the_option_file_and_element()
    {
        var ids = _labels.Select(l => (long)l).ToArray();
        ids[7] = (1 << 24) + 1;
        _files.WriteInt64("bad_ids.npy", ids);

        var (code, _, error) = await Run(Train("--x", P("X.npy"), "--y", P("bad_ids.npy"), "--out", P("m.npz")));

        Assert.Equal(1, code);
        Assert.Contains($"error: --y {P("bad_ids.npy")}: element [7] of dtype '<i8' is 16777217, which float32 cannot hold exactly", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m.npz")));
    }

    [Fact]
    public async Task Class_ids_outside_the_outputs_are_refused()
    {
        var ids = _labels.Select(l => (long)l).ToArray();
        ids[5] = 4;
        _files.WriteInt64("ids5.npy", ids);

        var (code, _, error) = await Run(Train("--x", P("X.npy"), "--y", P("ids5.npy"), "--out", P("m.npz")));

        Assert.Equal(1, code);
        Assert.Contains($"--y {P("ids5.npy")}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m.npz")));
    }

    [Fact]
    public async Task A_label_that_is_not_a_class_id_is_named_by_option_and_file_in_train_and_evaluate()
    {
        var labels = (int[])_labels.Clone();
        _files.WriteBlobsCsv("half.csv", _x, labels);
        File.WriteAllText(P("half.csv"), File.ReadAllText(P("half.csv")).Replace(",1\n", ",1.5\n", StringComparison.Ordinal));
        var (code, _, error) = await Run(Train("--x", P("blobs.csv"), "--label-column", "label", "--epochs", "2", "--out", P("m.npz")));
        Assert.True(code == 0, error);

        (code, _, error) = await Run(Train("--x", P("half.csv"), "--label-column", "label", "--epochs", "2", "--out", P("m2.npz")));
        Assert.Equal(1, code);
        Assert.Contains($"error: --x {P("half.csv")} (--label-column label): must hold class ids, integers from 0 to 3", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m2.npz")));

        (code, _, error) = await Run("evaluate", "--model", P("m.npz"), "--x", P("half.csv"), "--label-column", "label");
        Assert.Equal(1, code);
        Assert.Contains($"error: --x {P("half.csv")} (--label-column label): must hold class ids, integers from 0 to 3", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Separate_validation_files_appear_in_the_history()
    {
        var (vx, vl) = Blobs(10, seed: 12);
        _files.WriteMatrix("vx.npy", vx);
        _files.WriteInt64("vy.npy", [.. vl.Select(l => (long)l)]);

        var (code, output, error) = await Run(Train("--x", P("X.npy"), "--y", P("ids.npy"), "--val-x", P("vx.npy"), "--val-y", P("vy.npy"), "--epochs", "20", "--out", P("m.npz"), "--history", P("h.csv")));

        Assert.True(code == 0, error);
        Assert.Contains("val accuracy", output, StringComparison.Ordinal);
        var last = File.ReadAllLines(P("h.csv"))[^1].Split(',');
        Assert.Equal(5, last.Length);
        Assert.True(double.Parse(last[4], CultureInfo.InvariantCulture) >= 0.9, string.Join(',', last));
    }

    [Theory]
    [InlineData("--val-split 1.5", "--val-split must be a fraction between 0 and 1 (exclusive); got 1.5.")]
    [InlineData("--val-split 0", "--val-split must be a fraction between 0 and 1 (exclusive); got 0.")]
    [InlineData("--val-y VY", "--val-y needs --val-x (the validation features).")]
    [InlineData("--val-x VX", "--val-x needs --val-y (the validation targets), or --label-column to take them from --val-x.")]
    [InlineData("--val-x VX --val-y VY --val-split 0.2", "--val-split and --val-x both give validation data; use one of them.")]
    [InlineData("--early-stopping 5", "--early-stopping watches the validation loss: give validation data with --val-split F or --val-x/--val-y.")]
    [InlineData("--early-stopping 0 --val-split 0.2", "--early-stopping must be ≥ 1 (epochs without improvement); got 0.")]
    [InlineData("--label-column label", "--y and --label-column both give the targets; use one of them.")]
    public async Task Validation_and_label_misuse_is_exit_2_naming_the_options(string options, string expected)
    {
        var extra = options.Split(' ').Select(a => a == "VX" ? P("X.npy") : a == "VY" ? P("ids.npy") : a).ToArray();

        var (code, _, error) = await Run(Train(["--x", P("X.npy"), "--y", P("ids.npy"), "--out", P("m.npz"), .. extra]));

        Assert.Equal(2, code);
        Assert.Contains($"error: {expected}", error, StringComparison.Ordinal);
        Assert.Equal(["X.npy", "blobs.csv", "ids.npy"], _files.Files());
    }

    [Fact]
    public async Task Label_column_problems_name_the_column_and_the_file()
    {
        var (code, _, error) = await Run(Train("--x", P("X.npy"), "--label-column", "label", "--out", P("m.npz")));
        Assert.Equal(2, code);
        Assert.Contains($"--label-column label: --x {P("X.npy")} has no column names (only a CSV header has them); give the column's 0-based index or 'last'.", error, StringComparison.Ordinal);

        (code, _, error) = await Run(Train("--x", P("blobs.csv"), "--label-column", "3", "--out", P("m.npz")));
        Assert.Equal(2, code);
        Assert.Contains($"--label-column 3: --x {P("blobs.csv")} has 3 columns; expected an index from 0 to 2", error, StringComparison.Ordinal);

        (code, _, error) = await Run(Train("--x", P("blobs.csv"), "--label-column", "digit", "--out", P("m.npz")));
        Assert.NotEqual(0, code);
        Assert.Contains("digit", error, StringComparison.Ordinal);
        Assert.Contains("label", error, StringComparison.Ordinal);

        (code, _, error) = await Run(Train("--x", P("blobs.csv"), "--out", P("m.npz")));
        Assert.Equal(2, code);
        Assert.Contains("--y is missing: give the targets as --y FILE, or name their column of --x with --label-column NAME|INDEX|last.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("m.npz")));
    }

    [Fact]
    public void The_split_is_stratified_and_seeded()
    {
        // Classes of 40, 20, 12 and 8 rows: a quarter of each (10, 5, 3, 2) goes to validation.
        var classes = Enumerable.Range(0, 80).Select(i => i < 40 ? 0 : i < 60 ? 1 : i < 72 ? 2 : 3).ToArray();
        using var x = new Matrix<double>(80, 1);
        using var y = new Matrix<double>(80, 1);
        for (var i = 0; i < 80; i++)
        {
            x[i, 0] = i;
            y[i, 0] = classes[i];
        }

        int[] ValidationRows(ulong seed)
        {
            var (tx, ty, vx, vy) = DataFiles.Split(x.ReadOnlySpan, y.ReadOnlySpan, 0.25, seed, r => classes[r]);
            using (tx)
            using (ty)
            using (vx)
            using (vy)
            {
                Assert.Equal(80, tx.Rows + vx.Rows);
                var rows = Enumerable.Range(0, vx.Rows).Select(r => (int)vx[r, 0]).ToArray();
                Assert.Equal(rows.Select(r => (double)classes[r]), Enumerable.Range(0, vy.Rows).Select(r => vy[r, 0]));
                Assert.Equal([10, 5, 3, 2], Enumerable.Range(0, 4).Select(c => rows.Count(r => classes[r] == c)));
                Assert.Empty(Enumerable.Range(0, tx.Rows).Select(r => (int)tx[r, 0]).Intersect(rows));
                return rows;
            }
        }

        Assert.Equal(ValidationRows(1), ValidationRows(1));
        Assert.NotEqual(ValidationRows(1), ValidationRows(2));
    }

    [Fact]
    public async Task Predict_classes_thresholds_a_sigmoid_and_refuses_a_linear_output()
    {
        const string Sigmoid = """[{"input_dim": 2, "output_dim": 1, "activation": "sigmoid"}]""";
        var binary = _labels.Select(l => (long)(l % 2)).ToArray();
        _files.WriteInt64("bin.npy", binary);
        var (code, _, error) = await Run("train", "--arch", Sigmoid, "--x", P("X.npy"), "--y", P("bin.npy"), "--optimizer", "adam", "--lr", "0.05", "--epochs", "50", "--out", P("s.npz"));
        Assert.True(code == 0, error);

        (code, _, error) = await Run("predict", "--model", P("s.npz"), "--x", P("X.npy"), "--out", P("c.csv"), "--output", "classes");
        Assert.True(code == 0, error);
        (code, _, error) = await Run("predict", "--model", P("s.npz"), "--x", P("X.npy"), "--out", P("p.csv"));
        Assert.True(code == 0, error);
        var classes = File.ReadAllLines(P("c.csv")).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var probabilities = File.ReadAllLines(P("p.csv")).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(probabilities.Select(p => p >= 0.5 ? 1.0 : 0.0), classes);
        Assert.True(classes.Where((c, i) => c == binary[i]).Count() >= 228);

        const string Linear = """[{"input_dim": 2, "output_dim": 1, "activation": "linear"}]""";
        (code, _, error) = await Run("train", "--arch", Linear, "--x", P("X.npy"), "--y", P("bin.npy"), "--optimizer", "sgd", "--lr", "0.01", "--epochs", "2", "--out", P("l.npz"));
        Assert.True(code == 0, error);
        (code, _, error) = await Run("predict", "--model", P("l.npz"), "--x", P("X.npy"), "--out", P("lc.csv"), "--output", "classes");
        Assert.Equal(2, code);
        Assert.Contains($"--output classes: {P("l.npz")} has one linear output, which is not a class probability", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("lc.csv")));

        // A regression model evaluates to its loss only; a confusion-matrix plot is refused and not written.
        (code, var output, error) = await Run("evaluate", "--model", P("l.npz"), "--x", P("X.npy"), "--y", P("bin.npy"));
        Assert.True(code == 0, error);
        Assert.Contains("(mse)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("accuracy", output, StringComparison.Ordinal);
        (code, _, error) = await Run("evaluate", "--model", P("l.npz"), "--x", P("X.npy"), "--y", P("bin.npy"), "--plot", P("cm.svg"));
        Assert.Equal(2, code);
        Assert.Contains("the confusion matrix needs a classifier", error, StringComparison.Ordinal);
        Assert.False(File.Exists(P("cm.svg")));
    }
}
