using System.Runtime.CompilerServices;

namespace NeuralCore;

/// <summary>Per-epoch loss and accuracy (the NumPy tutorials' <c>cost_history</c> and <c>accuracy_history</c>), plus validation figures.</summary>
/// <remarks>
/// Accuracy is the fraction of samples whose predicted class matches the target's: with one output the class is
/// <c>value ≥ 0.5</c>, with several it is the arg-max. It is reported for every loss (for a regression it only
/// says how often both sides of 0.5 agree).
/// </remarks>
public sealed class TrainingHistory
{
    private readonly double[] _loss;
    private readonly double[] _accuracy;
    private readonly double[] _validationLoss;
    private readonly double[] _validationAccuracy;

    internal TrainingHistory(int epochs, bool hasValidation)
    {
        _loss = new double[epochs];
        _accuracy = new double[epochs];
        _validationLoss = hasValidation ? new double[epochs] : [];
        _validationAccuracy = hasValidation ? new double[epochs] : [];
    }

    /// <summary>The number of completed epochs (fewer than asked for when early stopping ended the run).</summary>
    public int Count { get; private set; }

    /// <summary>
    /// With <see cref="TrainingOptions.EarlyStopping"/>: the 1-based epoch of the best monitored value (the epoch whose
    /// parameters the network holds when <see cref="NeuralCore.EarlyStopping.RestoreBestWeights"/> is set); 0 without early stopping.
    /// </summary>
    public int BestEpoch { get; private set; }

    /// <summary>Whether early stopping ended the run before every epoch asked for had run.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>The mean training loss per epoch.</summary>
    public IReadOnlyList<double> Loss => new ArraySegment<double>(_loss, 0, Count);

    /// <summary>The training accuracy per epoch.</summary>
    public IReadOnlyList<double> Accuracy => new ArraySegment<double>(_accuracy, 0, Count);

    /// <summary>The validation loss per epoch (empty without validation data).</summary>
    public IReadOnlyList<double> ValidationLoss => new ArraySegment<double>(_validationLoss, 0, _validationLoss.Length == 0 ? 0 : Count);

    /// <summary>The validation accuracy per epoch (empty without validation data).</summary>
    public IReadOnlyList<double> ValidationAccuracy => new ArraySegment<double>(_validationAccuracy, 0, _validationAccuracy.Length == 0 ? 0 : Count);

    // Once per epoch inside Fit: optimized from the first call (see Trainer.Fit).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Add(in EpochReport report)
    {
        _loss[Count] = report.Loss;
        _accuracy[Count] = report.Accuracy;
        if (_validationLoss.Length != 0)
        {
            _validationLoss[Count] = report.ValidationLoss;
            _validationAccuracy[Count] = report.ValidationAccuracy;
        }

        Count++;
    }

    /// <summary>Records what early stopping decided, once, at the end of Fit.</summary>
    internal void SetEarlyStopping(int bestEpoch, bool stoppedEarly)
    {
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
    }
}
