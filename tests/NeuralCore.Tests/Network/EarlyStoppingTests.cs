namespace NeuralCore.Tests.Network;

/// <summary>
/// <see cref="TrainingOptions.EarlyStopping"/>: each run is compared with an un-stopped run of the same seed, whose
/// recorded validation history gives the epoch it must stop at and whose per-epoch parameters the restored ones must equal.
/// </summary>
public sealed class EarlyStoppingTests
{
    private const int Epochs = 60;

    // A small noisy training set and a network big enough to over-fit it, so the validation loss turns up.
    private static readonly NetworkArchitecture Narrow = NetworkArchitecture.FromSizes([2, 24, 24, 1], [Activation.Relu, Activation.Relu, Activation.Sigmoid]);
    private static readonly NetworkArchitecture Gemm = NetworkArchitecture.FromSizes([2, 64, 1], [Activation.Tanh, Activation.Sigmoid]);

    private sealed record Run(TrainingHistory History, List<byte[]> EpochParameters, byte[] Final);

    private static Run Train(NetworkArchitecture architecture, EarlyStopping? stopping, int epochs = Epochs)
    {
        using var train = Datasets.MakeMoons<double>(150, 0.3, seed: 3);
        using var validation = Datasets.MakeMoons<double>(200, 0.35, seed: 4);
        using var network = new NeuralNetwork<double>(architecture, Initialization.He(5));
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.01))
        {
            Epochs = epochs,
            BatchSize = 16,
            Seed = 6,
            EarlyStopping = stopping,
        });
        var parameters = new List<byte[]>();
        var history = trainer.Fit(
            train.Features.ReadOnlySpan, train.Targets.ReadOnlySpan, validation.Features.ReadOnlySpan, validation.Targets.ReadOnlySpan,
            _ => parameters.Add(NetworkTestHelpers.ParameterBytes(network)));
        return new Run(history, parameters, NetworkTestHelpers.ParameterBytes(network));
    }

    /// <summary>The rule, from the recorded values: the best epoch and the epoch the run ends after (1-based).</summary>
    private static (int Best, int Stop) Expected(IReadOnlyList<double> values, bool higherIsBetter, int patience, double minDelta)
    {
        var best = 1;
        var stale = 0;
        for (var epoch = 2; epoch <= values.Count; epoch++)
        {
            var value = values[epoch - 1];
            var bestValue = values[best - 1];
            if (higherIsBetter ? value > bestValue + minDelta : value < bestValue - minDelta)
            {
                best = epoch;
                stale = 0;
            }
            else if (++stale == patience)
            {
                return (best, epoch);
            }
        }

        return (best, values.Count);
    }

    private static void StopsWhereTheRecordedHistorySays(NetworkArchitecture architecture, EarlyStoppingMetric monitor, int patience, double minDelta)
    {
        var full = Train(architecture, stopping: null);
        var watched = monitor == EarlyStoppingMetric.ValidationLoss ? full.History.ValidationLoss : full.History.ValidationAccuracy;
        var (best, stop) = Expected(watched, monitor == EarlyStoppingMetric.ValidationAccuracy, patience, minDelta);
        Assert.True(stop < Epochs, $"the set-up must stop early (best {best}, stop {stop})");
        Assert.True(best > 1, "the set-up must improve at least once");

        var stopped = Train(architecture, new EarlyStopping(patience) { Monitor = monitor, MinDelta = minDelta });

        Assert.Equal(stop, stopped.History.Count);
        Assert.Equal(best, stopped.History.BestEpoch);
        Assert.True(stopped.History.StoppedEarly);
        Assert.Equal(full.History.Loss.Take(stop), stopped.History.Loss);
        Assert.Equal(full.History.ValidationLoss.Take(stop), stopped.History.ValidationLoss);
        Assert.Equal(full.EpochParameters[stop - 1], stopped.EpochParameters[^1]); // the callback saw the stop epoch's own parameters
        Assert.Equal(full.EpochParameters[best - 1], stopped.Final);
        Assert.NotEqual(full.EpochParameters[stop - 1], stopped.Final);
    }

    [Theory]
    [InlineData(true, 3)]
    [InlineData(true, 6)]
    [InlineData(false, 4)]
    public void ValidationLoss_StopsAfterPatienceEpochs_AndRestoresTheBestEpoch(bool narrow, int patience) =>
        StopsWhereTheRecordedHistorySays(narrow ? Narrow : Gemm, EarlyStoppingMetric.ValidationLoss, patience, 0);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ValidationAccuracy_IsMonitoredHigherIsBetter(bool narrow) =>
        StopsWhereTheRecordedHistorySays(narrow ? Narrow : Gemm, EarlyStoppingMetric.ValidationAccuracy, 5, 0);

    [Fact]
    public void MinDelta_IgnoresSmallImprovements()
    {
        var full = Train(Narrow, stopping: null);
        const double delta = 0.02;

        // Guard: on this history the threshold changes the decision, so the test below can tell it was applied.
        Assert.NotEqual(Expected(full.History.ValidationLoss, false, 8, 0), Expected(full.History.ValidationLoss, false, 8, delta));
        StopsWhereTheRecordedHistorySays(Narrow, EarlyStoppingMetric.ValidationLoss, 8, delta);
    }

    [Fact]
    public void WithoutRestoreBestWeights_TheLastEpochsParametersStay()
    {
        var full = Train(Narrow, stopping: null);
        var (best, stop) = Expected(full.History.ValidationLoss, false, 3, 0);

        var stopped = Train(Narrow, new EarlyStopping(3) { RestoreBestWeights = false });

        Assert.Equal(stop, stopped.History.Count);
        Assert.Equal(best, stopped.History.BestEpoch);
        Assert.Equal(full.EpochParameters[stop - 1], stopped.Final);
    }

    [Fact]
    public void PatienceNeverReached_RunsEveryEpoch_AndStillRestoresTheBest()
    {
        var full = Train(Narrow, stopping: null);
        var (best, stop) = Expected(full.History.ValidationLoss, false, Epochs, 0);
        Assert.Equal(Epochs, stop);
        Assert.NotEqual(Epochs, best);

        var run = Train(Narrow, new EarlyStopping(Epochs));

        Assert.Equal(Epochs, run.History.Count);
        Assert.False(run.History.StoppedEarly);
        Assert.Equal(best, run.History.BestEpoch);
        Assert.Equal(full.EpochParameters[best - 1], run.Final);
    }

    [Fact]
    public void WithoutEarlyStopping_TheHistorySaysSo()
    {
        var run = Train(Narrow, stopping: null, epochs: 3);

        Assert.Equal(0, run.History.BestEpoch);
        Assert.False(run.History.StoppedEarly);
        Assert.Equal(run.EpochParameters[^1], run.Final);
    }

    [Fact]
    public void WithoutValidationData_IsAnErrorNamingTheOption()
    {
        using var data = Datasets.MakeMoons<double>(40, 0.2, seed: 1);
        using var network = new NeuralNetwork<double>(Narrow, Initialization.He(1));
        using var trainer = new Trainer<double>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.01)) { EarlyStopping = new EarlyStopping(3) });
        var before = NetworkTestHelpers.ParameterBytes(network);

        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan));

        Assert.Equal("validationX", ex.ParamName);
        Assert.Contains("TrainingOptions.EarlyStopping watches the validation data, so Fit needs validationX and validationY; got none.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, NetworkTestHelpers.ParameterBytes(network));
        Assert.Equal(0, trainer.Steps);
    }

    [Theory]
    [InlineData(0, 0.0, EarlyStoppingMetric.ValidationLoss, "options.EarlyStopping.Patience must be ≥ 1; got 0")]
    [InlineData(-2, 0.0, EarlyStoppingMetric.ValidationLoss, "options.EarlyStopping.Patience must be ≥ 1; got -2")]
    [InlineData(3, -0.1, EarlyStoppingMetric.ValidationLoss, "options.EarlyStopping.MinDelta must be finite and ≥ 0; got -0.1")]
    [InlineData(3, double.NaN, EarlyStoppingMetric.ValidationLoss, "options.EarlyStopping.MinDelta must be finite and ≥ 0; got NaN")]
    [InlineData(3, double.PositiveInfinity, EarlyStoppingMetric.ValidationLoss, "MinDelta must be finite and ≥ 0; got Infinity")]
    [InlineData(3, 0.0, (EarlyStoppingMetric)5, "options.EarlyStopping.Monitor must be ValidationLoss or ValidationAccuracy; got 5")]
    public void OutOfRangeSettings_AreRejectedByTheTrainer(int patience, double minDelta, EarlyStoppingMetric monitor, string expected)
    {
        using var network = new NeuralNetwork<double>(Narrow, Initialization.He(1));
        var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.01)) { EarlyStopping = new EarlyStopping(patience) { MinDelta = minDelta, Monitor = monitor } };

        var ex = Assert.Throws<ArgumentException>(() => new Trainer<double>(network, options).Dispose());

        Assert.Equal("options", ex.ParamName);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
