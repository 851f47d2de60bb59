using System.Globalization;
using System.Runtime.CompilerServices;
using NeuralCore.Internals.Elementwise;

namespace NeuralCore;

// The epoch loop: batching, shuffling, history, validation, progress, cancellation and divergence.
public sealed partial class Trainer<T>
{
    /// <summary>
    /// Trains for <see cref="TrainingOptions.Epochs"/> epochs over <paramref name="x"/>/<paramref name="y"/> in batches of
    /// <see cref="TrainingOptions.BatchSize"/> (the last one partial), visiting the rows in a seeded random order
    /// each epoch when <see cref="TrainingOptions.Shuffle"/> is set, or fewer epochs when
    /// <see cref="TrainingOptions.EarlyStopping"/> ends the run.
    /// </summary>
    /// <param name="x">Shape: [m, InputSize], finite, m ≥ 1.</param>
    /// <param name="y">Shape: [m, OutputSize], finite; for <see cref="Loss.SparseCrossEntropy"/> [m, 1], class ids.</param>
    /// <param name="validationX">Optional validation features ([v, InputSize]), or <see langword="default"/>.</param>
    /// <param name="validationY">Optional validation targets (shaped as <paramref name="y"/>), or <see langword="default"/>.</param>
    /// <param name="onEpoch">Called after each epoch with its figures (for progress), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Checked before each epoch; the network keeps the parameters of the last completed epoch.</param>
    /// <returns>The per-epoch loss and accuracy (and validation figures).</returns>
    /// <exception cref="ArgumentException">A shape is wrong, the data are empty, a value is NaN/±∞, or early stopping is set without validation data (nothing is changed).</exception>
    /// <exception cref="TrainingDivergedException">The loss or a parameter became NaN/±∞; the parameters from the start of that epoch are restored.</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    /// <remarks>
    /// <para>The epoch loop allocates nothing: the history is sized up front, batches are views or gathered into
    /// preallocated buffers, and early stopping's best parameters go to a buffer allocated with the trainer.</para>
    /// <para>Fit continues: the shuffled order, the generator, the optimizer state and the step count carry over from the
    /// previous Fit on this trainer (or from <see cref="RestoreCheckpoint(string)"/>), so <c>Fit</c> for k epochs and
    /// then for n − k gives the bytes of one Fit for n epochs. The order restarts from the identity only when the
    /// number of rows differs from the previous Fit's.</para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TrainingHistory Fit(
        ReadOnlyMatrixSpan<T> x,
        ReadOnlyMatrixSpan<T> y,
        ReadOnlyMatrixSpan<T> validationX = default,
        ReadOnlyMatrixSpan<T> validationY = default,
        Action<EpochReport>? onEpoch = null,
        CancellationToken cancellationToken = default)
    {
        ValidateData(x, y, nameof(x), nameof(y));
        var hasValidation = validationX.Rows != 0 || validationY.Rows != 0 || validationX.Columns != 0 || validationY.Columns != 0;
        if (hasValidation)
        {
            ValidateData(validationX, validationY, nameof(validationX), nameof(validationY));
        }

        var stopping = Options.EarlyStopping;
        if (stopping is not null && !hasValidation)
        {
            throw new ArgumentException(
                $"{nameof(TrainingOptions)}.{nameof(TrainingOptions.EarlyStopping)} watches the validation data, so Fit needs validationX and validationY; got none.",
                nameof(validationX));
        }

        var rows = x.Rows;
        var batch = Math.Min(Options.BatchSize, rows);
        var shuffle = Options.Shuffle && batch < rows;
        _engine.EnsureCapacity(batch);
        if (shuffle && _permutation.Length != rows)
        {
            // A new row count starts from the identity; otherwise the previous Fit's (or a checkpoint's) order continues.
            _permutation = new int[rows];
            for (var i = 0; i < rows; i++)
            {
                _permutation[i] = i;
            }
        }

        var epochs = Options.Epochs;
        var history = new TrainingHistory(epochs, hasValidation);
        var parameters = _network.ParameterStorage;
        var snapshot = _snapshot.DangerousGetStorage();
        var best = _best is null ? default : _best.DangerousGetStorage();
        var bestScore = double.NegativeInfinity;
        var bestEpoch = 0;
        var stale = 0;
        var stoppedEarly = false;
        var lastGoodLoss = double.NaN;

        // Once per Fit, not once per epoch (the narrow engine transposes the whole set to its feature-major layout).
        _engine.PrepareFit(x);
        _fitting = true;
        try
        {
            for (var epoch = 1; epoch <= epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                parameters.CopyTo(snapshot);
                if (shuffle)
                {
                    Shuffle(_permutation);
                }

                var lossSum = 0.0;
                var correct = 0;
                for (var start = 0; start < rows; start += batch)
                {
                    var count = Math.Min(batch, rows - start);
                    var loss = _engine.FitBatch(x, y, shuffle ? _permutation : default, start, count, out var batchCorrect);
                    Update();
                    lossSum += double.CreateTruncating(loss) * count;
                    correct += batchCorrect;
                }

                var epochLoss = lossSum / rows;
                if (!double.IsFinite(epochLoss) || !FiniteKernel<T>.All(parameters, _path))
                {
                    Diverged(epoch, epochLoss, lastGoodLoss);
                }

                lastGoodLoss = epochLoss;
                _epochsCompleted++;
                var validation = hasValidation ? EvaluateCore(validationX, validationY) : new Evaluation(double.NaN, double.NaN);
                if (stopping is { } rule)
                {
                    var score = rule.Score(validation);
                    if (bestEpoch == 0 || rule.Improves(score, bestScore))
                    {
                        bestScore = score;
                        bestEpoch = epoch;
                        stale = 0;
                        if (!best.IsEmpty)
                        {
                            parameters.CopyTo(best);
                        }
                    }
                    else
                    {
                        stoppedEarly = ++stale >= rule.Patience && epoch < epochs;
                    }
                }

                var report = new EpochReport(epoch, epochs, epochLoss, (double)correct / rows, validation.Loss, validation.Accuracy);
                history.Add(report);
                onEpoch?.Invoke(report);
                if (stoppedEarly)
                {
                    break;
                }
            }
        }
        finally
        {
            _fitting = false;
        }

        // Also when the run went the distance: RestoreBestWeights promises the best epoch's parameters whenever Fit returns.
        if (bestEpoch != 0 && !best.IsEmpty)
        {
            best.CopyTo(parameters);
        }

        history.SetEarlyStopping(bestEpoch, stoppedEarly);
        return history;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Shuffle(int[] permutation)
    {
        // Fisher–Yates with the trainer's own seeded generator: the order depends only on the seed.
        for (var i = permutation.Length - 1; i > 0; i--)
        {
            var j = _random.NextInt32(i + 1);
            (permutation[i], permutation[j]) = (permutation[j], permutation[i]);
        }
    }

    private void Diverged(int epoch, double loss, double lastGoodLoss)
    {
        // Keep the last good parameters, and forget optimizer state that may hold NaN from the failed epoch.
        _snapshot.DangerousGetStorage().CopyTo(_network.ParameterStorage);
        _state1?.DangerousGetStorage().Clear();
        _state2?.DangerousGetStorage().Clear();
        _step = 0;

        var what = double.IsFinite(loss) ? "a parameter became NaN or infinite" : $"the loss became {loss.ToString(CultureInfo.InvariantCulture)}";
        var before = double.IsFinite(lastGoodLoss)
            ? $" (the previous epoch's loss was {lastGoodLoss.ToString("G6", CultureInfo.InvariantCulture)})"
            : string.Empty;
        throw new TrainingDivergedException(
            epoch,
            loss,
            $"Training diverged in epoch {epoch} of {Options.Epochs}: {what}{before}. This usually means the learning rate " +
            $"({Options.Optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, {OptimizerNames.GetName(Options.Optimizer.Kind)}) is too high for this data and " +
            "initialisation: try a 10× smaller one, scale the inputs to about unit range, or use Adam. The network's parameters " +
            $"were restored to their values at the start of epoch {epoch}.");
    }
}
