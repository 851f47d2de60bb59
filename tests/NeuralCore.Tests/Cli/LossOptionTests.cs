using NeuralCore.Cli;
using NeuralCore.IO;

namespace NeuralCore.Tests.Cli;

/// <summary><c>--loss</c> and <c>--huber-delta</c> end to end: every name of the definition, any case, class-id targets, δ reaching the trainer.</summary>
public sealed class LossOptionTests : IDisposable
{
    private const string Classifier = """[{"input_dim": 2, "output_dim": 8, "activation": "tanh"}, {"input_dim": 8, "output_dim": 3, "activation": "softmax"}]""";
    private const string Regression = """[{"input_dim": 2, "output_dim": 6, "activation": "tanh"}, {"input_dim": 6, "output_dim": 1, "activation": "linear"}]""";
    private readonly string _dir = Directory.CreateTempSubdirectory("neuralcore-loss-").FullName;

    public LossOptionTests()
    {
        File.WriteAllText(PathOf("classifier.json"), Classifier);
        File.WriteAllText(PathOf("regression.json"), Regression);
        var random = new Random(4);
        using var x = new Matrix<double>(90, 2);
        using var ids = new Matrix<double>(90, 1);
        using var oneHot = new Matrix<double>(90, 3);
        using var values = new Matrix<double>(90, 1);
        for (var i = 0; i < 90; i++)
        {
            var c = i % 3;
            x[i, 0] = c + (0.4 * random.NextDouble());
            x[i, 1] = -c + (0.4 * random.NextDouble());
            ids[i, 0] = c;
            oneHot[i, c] = 1;
            values[i, 0] = (3 * x[i, 0]) + (i % 10 == 0 ? 20 : 0); // a few outliers, Huber's case
        }

        Npy.Write(PathOf("x.npy"), x.ReadOnlySpan);
        Npy.Write(PathOf("ids.npy"), ids.ReadOnlySpan);
        Npy.Write(PathOf("onehot.npy"), oneHot.ReadOnlySpan);
        Npy.Write(PathOf("values.npy"), values.ReadOnlySpan);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Help_ListsEveryLossOfTheDefinition()
    {
        var (_, output, _) = await Run("train", "--help");
        foreach (var info in LossNames.All)
        {
            Assert.Contains(info.Name, output, StringComparison.Ordinal);
        }

        Assert.Contains("--huber-delta", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SparseCe_WithClassIds_TrainsTheModelOfCe_WithOneHotRows()
    {
        var sparse = await Train("classifier.json", "ids.npy", "sparse.npz", "--loss", "sparse_ce");
        var dense = await Train("classifier.json", "onehot.npy", "dense.npz", "--loss", "ce");
        Assert.Equal(dense, sparse);

        // The one-hot file is the wrong shape for class ids: a data error naming the file and the rule.
        var (code, _, error) = await Run(TrainArgs("classifier.json", "onehot.npy", "bad.npz", "--loss", "sparse_ce"));
        Assert.Equal(1, code);
        Assert.Contains("onehot.npy", error, StringComparison.Ordinal);
        Assert.Contains("--loss sparse_ce takes one class id per sample", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Huber_TakesItsDelta_AndAnyCase()
    {
        var half = await Train("regression.json", "values.npy", "half.npz", "--loss", "HUBER", "--huber-delta", "0.5");
        var one = await Train("regression.json", "values.npy", "one.npz", "--loss", "huber");

        using var x = Npy.ReadMatrix<double>(PathOf("x.npy"));
        using var y = Npy.ReadMatrix<double>(PathOf("values.npy"), NpyVectorShape.Column);
        double[] Library(Loss loss)
        {
            using var network = new NeuralNetwork<double>(NetworkArchitecture.FromJson(Regression), Initialization.He(2));
            network.Train(x.ReadOnlySpan, y.ReadOnlySpan, new TrainingOptions(loss, Optimizer.Adam(0.01)) { Epochs = 20, BatchSize = 90, Shuffle = false, Seed = 2 });
            return network.GetParameters();
        }

        Assert.Equal(Library(Loss.CreateHuber(0.5)), half);
        Assert.Equal(Library(Loss.Huber), one);
        Assert.NotEqual(one, half);
    }

    [Theory]
    [InlineData("mse", "0.5", "--huber-delta applies to --loss huber only; got --loss mse.")]
    [InlineData("huber", "0", "--huber-delta must be a finite number > 0; got 0.")]
    [InlineData("huber", "-1", "--huber-delta must be a finite number > 0; got -1.")]
    [InlineData("hinge", "1", "sparse_ce")]
    public async Task BadLossArguments_Exit2(string loss, string delta, string expected)
    {
        var (code, _, error) = await Run(TrainArgs("regression.json", "values.npy", "m.npz", "--loss", loss, "--huber-delta", delta));
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("m.npz")));
    }

    [Fact]
    public async Task Gradcheck_PassesForHuberAndSparseCe()
    {
        var (code, output, error) = await Run("gradcheck", "--arch", PathOf("regression.json"), "--loss", "huber", "--huber-delta", "0.3", "--seed", "2");
        Assert.True(code == 0, output + error);
        Assert.Contains("loss huber(delta=0.3),", output, StringComparison.Ordinal);

        (code, output, error) = await Run("gradcheck", "--arch", PathOf("classifier.json"), "--loss", "Sparse_CE", "--seed", "2");
        Assert.True(code == 0, output + error);
        Assert.Contains("loss sparse_ce,", output, StringComparison.Ordinal);
    }

    private string[] TrainArgs(string arch, string y, string model, params string[] extra) =>
        ["train", "--arch", PathOf(arch), "--x", PathOf("x.npy"), "--y", PathOf(y), "--optimizer", "adam", "--lr", "0.01", "--epochs", "20",
            "--shuffle", "false", "--seed", "2", "--dtype", "float64", "--out", PathOf(model), .. extra];

    private async Task<double[]> Train(string arch, string y, string model, params string[] extra)
    {
        var (code, _, error) = await Run(TrainArgs(arch, y, model, extra));
        Assert.True(code == 0, error);
        using var network = ModelFile.Load<double>(PathOf(model));
        return network.GetParameters();
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
