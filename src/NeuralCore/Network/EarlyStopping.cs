using System.Globalization;

namespace NeuralCore;

/// <summary>
/// Stops <see cref="Trainer{T}.Fit"/> once the monitored validation figure has not improved on its best by more than
/// <see cref="MinDelta"/> for <paramref name="Patience"/> epochs in a row (Keras' <c>EarlyStopping</c>); set it as
/// <see cref="TrainingOptions.EarlyStopping"/>, and pass validation data to Fit.
/// </summary>
/// <remarks>
/// <para>The first epoch sets the best value. An epoch improves when its value is below the best by more than
/// <see cref="MinDelta"/> (loss) or above it by more than <see cref="MinDelta"/> (accuracy); only then do the best
/// value and <see cref="TrainingHistory.BestEpoch"/> move. Fit stops after epoch <c>BestEpoch + Patience</c> if no
/// epoch in between improved; <see cref="TrainingHistory.StoppedEarly"/> says whether it did.</para>
/// <para>With <see cref="RestoreBestWeights"/> the network holds the best epoch's parameters when Fit returns (whether
/// it stopped early or ran every epoch), copied back from a buffer the trainer allocates once; otherwise it keeps the
/// last epoch's. The optimizer state, step count and shuffling continue from the last epoch either way.</para>
/// <para>Monitoring is per Fit call: a second Fit (or one after <see cref="Trainer{T}.RestoreCheckpoint(string)"/>)
/// starts a new best value.</para>
/// </remarks>
/// <param name="Patience">Epochs without improvement before stopping (≥ 1).</param>
public readonly record struct EarlyStopping(int Patience)
{
    /// <summary>The figure to watch: the validation loss (the default) or the validation accuracy.</summary>
    public EarlyStoppingMetric Monitor { get; init; }

    /// <summary>How much better than the best an epoch must be to count as an improvement (finite, ≥ 0; default 0).</summary>
    public double MinDelta { get; init; }

    /// <summary>Whether Fit leaves the best epoch's parameters in the network (default <see langword="true"/>).</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Checks the values.</summary>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <param name="displayName">How the setting is called in the message, e.g. <c>options.EarlyStopping</c>.</param>
    /// <exception cref="ArgumentException">A value is out of range; the message gives the expected range and the actual value.</exception>
    public void Validate(string paramName, string? displayName = null)
    {
        var name = displayName ?? paramName;
        if (Patience < 1)
        {
            throw new ArgumentException($"{name}.Patience must be ≥ 1; got {Patience}.", paramName);
        }

        if (!(MinDelta >= 0) || !double.IsFinite(MinDelta))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}.MinDelta must be finite and ≥ 0; got {MinDelta}."), paramName);
        }

        if (!Enum.IsDefined(Monitor))
        {
            throw new ArgumentException($"{name}.Monitor must be ValidationLoss or ValidationAccuracy; got {(int)Monitor}.", paramName);
        }
    }

    /// <summary>
    /// The monitored figure of one evaluation as a score where higher is better (−loss, or accuracy): the one place the
    /// metric is dispatched. Negation is exact, so <c>−l &gt; −b + δ</c> is exactly <c>l &lt; b − δ</c>.
    /// </summary>
    internal double Score(Evaluation validation) => Monitor switch
    {
        EarlyStoppingMetric.ValidationLoss => -validation.Loss,
        EarlyStoppingMetric.ValidationAccuracy => validation.Accuracy,
        _ => throw new InvalidOperationException($"Monitor {(int)Monitor} is not defined."),
    };

    /// <summary>Whether <paramref name="score"/> beats <paramref name="best"/> (both from <see cref="Score"/>) by more than <see cref="MinDelta"/>.</summary>
    internal bool Improves(double score, double best) => score > best + MinDelta;
}
