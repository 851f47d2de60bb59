using System.Numerics;
using System.Runtime.InteropServices;
using NeuralCore.IO;
using NeuralCore.Tests.IO;

namespace NeuralCore.Tests.Network;

/// <summary>
/// <see cref="Trainer{T}.SaveCheckpoint(string)"/> / <see cref="Trainer{T}.RestoreCheckpoint(string)"/>: a run
/// interrupted after k epochs and resumed in a new network and trainer from the file ends byte-identical to one
/// uninterrupted Fit, and a checkpoint that does not fit is refused without changing anything.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private const int Epochs = 7;
    private const int Interrupted = 3;

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    // Small enough for the narrow engine (every layer ≤ 32 wide, one output), and a wide one for the GEMM engine.
    private static NetworkArchitecture Architecture(bool narrow) => narrow
        ? NetworkArchitecture.FromSizes([2, 12, 6, 1], [Activation.Relu, Activation.Tanh, Activation.Sigmoid])
        : NetworkArchitecture.FromSizes([2, 48, 3], [Activation.Tanh, Activation.Softmax]);

    private static Optimizer OptimizerOf(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Adam => Optimizer.Adam(0.01, weightDecay: 1e-4),
        OptimizerKind.Momentum => Optimizer.WithMomentum(0.05, 0.9, nesterov: true),
        // The schedules make the resumed run depend on the restored step count as well.
        OptimizerKind.RmsProp => Optimizer.RmsProp(0.01) with { Schedule = LearningRateSchedule.Step(7, 0.5) },
        OptimizerKind.AdamW => Optimizer.AdamW(0.01) with { Schedule = LearningRateSchedule.Cosine(totalSteps: 400, warmupSteps: 10) },
        _ => Optimizer.Sgd(0.1),
    };

    private static TrainingOptions Options(bool narrow, OptimizerKind kind, int epochs) =>
        new(narrow ? Loss.BinaryCrossEntropy : Loss.CrossEntropy, OptimizerOf(kind)) { Epochs = epochs, BatchSize = 16, Shuffle = true, Seed = 11 };

    /// <summary>Moons, with one-hot targets over three classes (the two moons and "far out") for the softmax network.</summary>
    private static (Matrix<T> X, Matrix<T> Y, Matrix<T> VX, Matrix<T> VY) Data<T>(bool narrow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Matrix<T> Targets(Dataset<T> data)
        {
            if (narrow)
            {
                return Matrix<T>.FromArray(ToArray(data.Targets));
            }

            var y = new Matrix<T>(data.Count, 3);
            for (var i = 0; i < data.Count; i++)
            {
                var far = T.Abs(data.Features[i, 0]) > T.CreateTruncating(1.5);
                y[i, far ? 2 : int.CreateTruncating(data.Targets[i, 0])] = T.One;
            }

            return y;
        }

        using var train = Datasets.MakeMoons<T>(100, 0.2, seed: 2);
        using var validation = Datasets.MakeMoons<T>(40, 0.2, seed: 3);
        return (Matrix<T>.FromArray(ToArray(train.Features)), Targets(train), Matrix<T>.FromArray(ToArray(validation.Features)), Targets(validation));
    }

    private static T[,] ToArray<T>(Matrix<T> matrix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new T[matrix.Rows, matrix.Columns];
        for (var r = 0; r < matrix.Rows; r++)
        {
            for (var c = 0; c < matrix.Columns; c++)
            {
                result[r, c] = matrix[r, c];
            }
        }

        return result;
    }

    private static byte[] Bytes(IEnumerable<double> values) => MemoryMarshal.AsBytes(values.ToArray().AsSpan()).ToArray();

    private void ResumedRun_EqualsOneFit<T>(bool narrow, OptimizerKind kind)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (x, y, vx, vy) = Data<T>(narrow);
        using var _x = x;
        using var _y = y;
        using var _vx = vx;
        using var _vy = vy;
        var architecture = Architecture(narrow);
        var file = _files.PathOf($"run-{typeof(T).Name}-{narrow}-{kind}.npz");

        // One uninterrupted Fit.
        using var whole = new NeuralNetwork<T>(architecture, Initialization.He(4));
        NetworkTestHelpers.AssertEngine(narrow, whole);
        using var wholeTrainer = new Trainer<T>(whole, Options(narrow, kind, Epochs));
        var expected = wholeTrainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, vx.ReadOnlySpan, vy.ReadOnlySpan);

        // k epochs, saved; the network and trainer are gone before the rest runs.
        var first = new List<double>();
        var firstValidation = new List<double>();
        byte[] afterFirst;
        using (var network = new NeuralNetwork<T>(architecture, Initialization.He(4)))
        using (var trainer = new Trainer<T>(network, Options(narrow, kind, Interrupted)))
        {
            var history = trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, vx.ReadOnlySpan, vy.ReadOnlySpan);
            first.AddRange(history.Loss);
            firstValidation.AddRange(history.ValidationLoss);
            trainer.SaveCheckpoint(file);
            afterFirst = NetworkTestHelpers.ParameterBytes(network);
        }

        // A new network from the file, a new trainer, the checkpoint's state, then the remaining epochs.
        using var resumed = ModelFile.Load<T>(file);
        NetworkTestHelpers.AssertEngine(narrow, resumed);
        using var resumedTrainer = new Trainer<T>(resumed, Options(narrow, kind, Epochs - Interrupted));
        resumedTrainer.RestoreCheckpoint(file);
        Assert.Equal(Interrupted, resumedTrainer.EpochsCompleted);
        var rest = resumedTrainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, vx.ReadOnlySpan, vy.ReadOnlySpan);

        Assert.Equal(NetworkTestHelpers.ParameterBytes(whole), NetworkTestHelpers.ParameterBytes(resumed));
        Assert.Equal(Bytes(expected.Loss), Bytes(first.Concat(rest.Loss)));
        Assert.Equal(Bytes(expected.Accuracy.Skip(Interrupted)), Bytes(rest.Accuracy));
        Assert.Equal(Bytes(expected.ValidationLoss), Bytes(firstValidation.Concat(rest.ValidationLoss)));
        Assert.Equal(wholeTrainer.Steps, resumedTrainer.Steps);
        Assert.Equal(Epochs, resumedTrainer.EpochsCompleted);
        Assert.NotEqual(afterFirst, NetworkTestHelpers.ParameterBytes(resumed)); // the remaining epochs did train

        // Without the trainer's state (a fresh trainer on the same weights) the run is not the same: the state matters.
        using var weightsOnly = ModelFile.Load<T>(file);
        using var freshTrainer = new Trainer<T>(weightsOnly, Options(narrow, kind, Epochs - Interrupted));
        freshTrainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan);
        Assert.NotEqual(NetworkTestHelpers.ParameterBytes(whole), NetworkTestHelpers.ParameterBytes(weightsOnly));
    }

    [Theory]
    [InlineData(true, OptimizerKind.Adam)]
    [InlineData(true, OptimizerKind.Momentum)]
    [InlineData(true, OptimizerKind.Sgd)]
    [InlineData(false, OptimizerKind.Adam)]
    [InlineData(false, OptimizerKind.Momentum)]
    [InlineData(true, OptimizerKind.RmsProp)]
    [InlineData(false, OptimizerKind.AdamW)]
    public void ResumedRun_EqualsOneFit_Float(bool narrow, OptimizerKind kind) => ResumedRun_EqualsOneFit<float>(narrow, kind);

    [Theory]
    [InlineData(true, OptimizerKind.Adam)]
    [InlineData(true, OptimizerKind.Momentum)]
    [InlineData(false, OptimizerKind.Adam)]
    [InlineData(false, OptimizerKind.Momentum)]
    [InlineData(false, OptimizerKind.Sgd)]
    [InlineData(true, OptimizerKind.AdamW)]
    [InlineData(false, OptimizerKind.RmsProp)]
    public void ResumedRun_EqualsOneFit_Double(bool narrow, OptimizerKind kind) => ResumedRun_EqualsOneFit<double>(narrow, kind);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TwoFitsOnOneTrainer_EqualOneFit(bool narrow)
    {
        // The rule a checkpoint relies on: Fit continues the previous Fit's shuffling and optimizer state.
        var (x, y, _, _) = Data<float>(narrow);
        using var _x = x;
        using var _y = y;
        using var once = new NeuralNetwork<float>(Architecture(narrow), Initialization.He(4));
        using var twice = new NeuralNetwork<float>(Architecture(narrow), Initialization.He(4));
        using var onceTrainer = new Trainer<float>(once, Options(narrow, OptimizerKind.Adam, Epochs));
        using var twiceTrainer = new Trainer<float>(twice, Options(narrow, OptimizerKind.Adam, Interrupted));
        using var rest = new Trainer<float>(twice, Options(narrow, OptimizerKind.Adam, Epochs - Interrupted));
        onceTrainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan);

        twiceTrainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan);
        using var stream = new MemoryStream();
        twiceTrainer.SaveCheckpoint(stream);
        twiceTrainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan); // the same trainer again: 2·Interrupted epochs so far
        stream.Position = 0;
        rest.RestoreCheckpoint(stream, "in-memory");      // a second trainer on the same network, back at epoch Interrupted
        rest.Fit(x.ReadOnlySpan, y.ReadOnlySpan);

        Assert.Equal(NetworkTestHelpers.ParameterBytes(once), NetworkTestHelpers.ParameterBytes(twice));
        Assert.Equal(2 * Interrupted, twiceTrainer.EpochsCompleted);
    }

    [Fact]
    public void CheckpointSavedFromTheEpochCallback_ResumesAfterThatEpoch()
    {
        var (x, y, _, _) = Data<double>(narrow: true);
        using var _x = x;
        using var _y = y;
        var file = _files.PathOf("mid-fit.npz");
        using var whole = new NeuralNetwork<double>(Architecture(true), Initialization.He(4));
        using var wholeTrainer = new Trainer<double>(whole, Options(true, OptimizerKind.Adam, Epochs));
        wholeTrainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, onEpoch: r =>
        {
            if (r.Epoch == Interrupted)
            {
                wholeTrainer.SaveCheckpoint(file);
            }
        });

        using var resumed = ModelFile.Load<double>(file);
        using var resumedTrainer = new Trainer<double>(resumed, Options(true, OptimizerKind.Adam, Epochs - Interrupted));
        resumedTrainer.RestoreCheckpoint(file);
        resumedTrainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan);

        Assert.Equal(NetworkTestHelpers.ParameterBytes(whole), NetworkTestHelpers.ParameterBytes(resumed));
    }

    [Fact]
    public void RestoringInsideFit_IsRefused()
    {
        var (x, y, _, _) = Data<double>(narrow: true);
        using var _x = x;
        using var _y = y;
        var file = _files.PathOf("inside.npz");
        using var network = new NeuralNetwork<double>(Architecture(true), Initialization.He(4));
        using var trainer = new Trainer<double>(network, Options(true, OptimizerKind.Adam, 2));
        trainer.SaveCheckpoint(file);

        var ex = Assert.Throws<InvalidOperationException>(() => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, onEpoch: _ => trainer.RestoreCheckpoint(file)));

        Assert.Contains("cannot run inside Fit", ex.Message, StringComparison.Ordinal);
        trainer.RestoreCheckpoint(file); // and between Fit calls it is fine again
        Assert.Equal(0, trainer.Steps);
    }

    /// <summary>A saved Adam checkpoint of the narrow network (double), for the refusal tests.</summary>
    private string SavedCheckpoint(string name)
    {
        var (x, y, _, _) = Data<double>(narrow: true);
        using var _x = x;
        using var _y = y;
        var file = _files.PathOf(name);
        using var network = new NeuralNetwork<double>(Architecture(true), Initialization.He(4));
        using var trainer = new Trainer<double>(network, Options(true, OptimizerKind.Adam, 2));
        trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan);
        trainer.SaveCheckpoint(file);
        return file;
    }

    /// <summary>Restores into a fresh trainer and checks the exception and that nothing changed.</summary>
    private static TException Refused<TException, T>(string file, NetworkArchitecture architecture, Optimizer optimizer, params string[] fragments)
        where TException : Exception
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = new NeuralNetwork<T>(architecture, Initialization.He(9));
        var loss = architecture.OutputActivation == Activation.Softmax ? Loss.CrossEntropy : Loss.BinaryCrossEntropy;
        using var trainer = new Trainer<T>(network, new TrainingOptions(loss, optimizer));
        var before = NetworkTestHelpers.ParameterBytes(network);

        var ex = Assert.Throws<TException>(() => trainer.RestoreCheckpoint(file));

        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
        Assert.Equal(0, trainer.Steps);
        Assert.Equal(0, trainer.EpochsCompleted);
        return ex;
    }

    [Fact]
    public void AnotherArchitecture_IsRefused_NamingTheFileAndBoth()
    {
        var file = SavedCheckpoint("arch.npz");
        var other = NetworkArchitecture.FromSizes([2, 8, 1], [Activation.Relu, Activation.Sigmoid]);

        var ex = Refused<ArgumentException, double>(file, other, OptimizerOf(OptimizerKind.Adam),
            "arch.npz: the checkpoint is for the architecture 2-12-6-1 (relu, tanh, sigmoid); this trainer's network is 2-8-1 (relu, sigmoid).");
        Assert.Equal("path", ex.ParamName);
    }

    [Fact]
    public void AnotherElementType_IsRefused()
    {
        var file = SavedCheckpoint("type.npz");

        Refused<ArgumentException, float>(file, Architecture(true), OptimizerOf(OptimizerKind.Adam),
            "type.npz: the checkpoint holds float64 parameters and optimizer state; this trainer is Trainer<Single> (float32).");
    }

    [Fact]
    public void AnotherOptimizer_IsRefused_SayingWhatDiffers()
    {
        var file = SavedCheckpoint("optimizer.npz");

        Refused<ArgumentException, double>(file, Architecture(true), OptimizerOf(OptimizerKind.Momentum),
            "optimizer.npz: the checkpoint was saved with another optimizer than this trainer's:", "kind Adam in the file, Momentum here");
        Refused<ArgumentException, double>(file, Architecture(true), Optimizer.Adam(0.02, weightDecay: 1e-4),
            "learning_rate 0.01 in the file, 0.02 here");
    }

    /// <summary>Rewrites a checkpoint with one member replaced (or removed, when <paramref name="replacement"/> is null).</summary>
    private static void Replace(string file, string member, NpyArray? replacement)
    {
        var original = Npz.Read(file);
        var archive = new NpzArchive();
        foreach (var (name, array) in original)
        {
            if (name != member)
            {
                archive.Add(name, array);
            }
            else if (replacement is not null)
            {
                archive.Add(name, replacement);
            }
        }

        Npz.Write(file, archive);
    }

    [Fact]
    public void HostileContent_IsRefusedAsAFormatError_ChangingNothing()
    {
        var architecture = Architecture(true);
        var adam = OptimizerOf(OptimizerKind.Adam);
        var parameterCount = (int)architecture.ParameterCount;

        var file = SavedCheckpoint("repeat.npz");
        var order = Npz.Read(file)["permutation"].ToArray<double>();
        order[5] = order[9];
        Replace(file, "permutation", NpyArray.FromSpan<double>(order));
        Refused<NpyFormatException, double>(file, architecture, adam, "repeat.npz/permutation.npy: row", "appears twice (again at element 9)");

        file = SavedCheckpoint("range.npz");
        order = Npz.Read(file)["permutation"].ToArray<double>();
        order[3] = order.Length;
        Replace(file, "permutation", NpyArray.FromSpan<double>(order));
        Refused<NpyFormatException, double>(file, architecture, adam, "range.npz/permutation.npy: element 3 is 100, not a row index in [0, 100).");

        file = SavedCheckpoint("nan.npz");
        var state = Npz.Read(file)["optimizer_state2"].ToArray<double>();
        state[7] = double.NaN;
        Replace(file, "optimizer_state2", NpyArray.FromSpan<double>(state));
        Refused<NpyFormatException, double>(file, architecture, adam, "nan.npz/optimizer_state2.npy: the optimizer state holds NaN or infinite values (first at index 7).");

        file = SavedCheckpoint("short.npz");
        Replace(file, "optimizer_state1", NpyArray.FromSpan<double>(new double[parameterCount - 1]));
        Refused<NpyFormatException, double>(file, architecture, adam, $"short.npz/optimizer_state1.npy: shape ({parameterCount - 1},) does not fit the network: expected ({parameterCount},)");

        file = SavedCheckpoint("missing.npz");
        Replace(file, "optimizer_state1", null);
        Refused<NpyFormatException, double>(file, architecture, adam, "member 'optimizer_state1' not found");

        file = SavedCheckpoint("random.npz");
        var json = Npz.Read(file)["trainer"].ToUtf8String();
        var start = json.IndexOf("\"random_state\": [", StringComparison.Ordinal);
        var end = json.IndexOf(']', start);
        Replace(file, "trainer", NpyArray.FromUtf8String(string.Concat(json.AsSpan(0, start), "\"random_state\": [0, 0, 0, 0, 0, 0", json.AsSpan(end))));
        Refused<NpyFormatException, double>(file, architecture, adam, "random.npz/trainer.npy: \"random_state\" is not a generator state: the four generator words are all zero");

        file = SavedCheckpoint("steps.npz");
        json = Npz.Read(file)["trainer"].ToUtf8String();
        Replace(file, "trainer", NpyArray.FromUtf8String(json.Replace("\"steps\": 14", "\"steps\": -1", StringComparison.Ordinal)));
        Refused<NpyFormatException, double>(file, architecture, adam, "steps.npz/trainer.npy: \"steps\" must be ≥ 0; got -1.");

        file = SavedCheckpoint("model.npz");
        using (var network = new NeuralNetwork<double>(architecture, Initialization.He(1)))
        {
            ModelFile.Save(network, file); // a model file is not a checkpoint
        }

        Refused<NpyFormatException, double>(file, architecture, adam, "member 'trainer' not found");
    }

    [Fact]
    public void Metadata_RecordsTheOptionsAndCounters()
    {
        var file = SavedCheckpoint("meta.npz");
        var archive = Npz.Read(file);
        using var document = System.Text.Json.JsonDocument.Parse(archive["trainer"].ToUtf8String());
        var root = document.RootElement;

        Assert.Equal("neuralcore-trainer-checkpoint", root.GetProperty("format").GetString());
        Assert.Equal("float64", root.GetProperty("element_type").GetString());
        Assert.Equal(2 * 7, root.GetProperty("steps").GetInt32()); // 100 rows in batches of 16: 7 steps per epoch
        Assert.Equal(2, root.GetProperty("epochs_completed").GetInt32());
        var options = root.GetProperty("options");
        Assert.Equal("bce", options.GetProperty("loss").GetString());
        Assert.Equal("Adam", options.GetProperty("optimizer").GetProperty("kind").GetString());
        Assert.Equal(1e-4, options.GetProperty("optimizer").GetProperty("weight_decay").GetDouble());
        Assert.Equal(16, options.GetProperty("batch_size").GetInt32());
        Assert.Equal(11UL, options.GetProperty("seed").GetUInt64());
        Assert.Equal(6, root.GetProperty("random_state").GetArrayLength());

        // The model members are those of a model file; the trainer members are in the public parameter order.
        using var network = ModelFile.Load<double>(file);
        Assert.Equal(network.GetParameters().Length, archive["optimizer_state1"].Length);
        Assert.Equal(100, archive["permutation"].Length);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)i), archive["permutation"].ToArray<double>().Order());
    }

    [Fact]
    public void OptimizerState_IsSavedInThePublicParameterOrder()
    {
        // One step of plain momentum from zero velocity: v = g, so the saved state is the gradient, in GetParameters' order.
        var architecture = NetworkArchitecture.FromSizes([3, 20, 2], [Activation.Tanh, Activation.Linear]);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(1));
        using var x = NetworkTestHelpers.RandomMatrix<double>(10, 3, 1);
        using var y = NetworkTestHelpers.RandomMatrix<double>(10, 2, 2);
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.MeanSquaredError, Optimizer.WithMomentum(0.1, 0.9)));
        trainer.TrainStep(x.ReadOnlySpan, y.ReadOnlySpan);
        var expected = new List<double>();
        for (var l = 0; l < architecture.LayerCount; l++)
        {
            var spec = architecture[l];
            using var w = new Matrix<double>(spec.OutputDim, spec.InputDim);
            trainer.CopyWeightGradientTo(l, w.Span);
            expected.AddRange(w.ToArray());
            var b = new double[spec.OutputDim];
            trainer.CopyBiasGradientTo(l, b);
            expected.AddRange(b);
        }

        using var stream = new MemoryStream();
        trainer.SaveCheckpoint(stream);
        stream.Position = 0;

        Assert.Equal(expected, Npz.Read(stream)["optimizer_state1"].ToArray<double>());
    }
}
