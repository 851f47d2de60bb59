namespace NeuralCore;

/// <summary>The validation figure <see cref="EarlyStopping"/> watches.</summary>
public enum EarlyStoppingMetric
{
    /// <summary>The validation loss; lower is better.</summary>
    ValidationLoss = 0,

    /// <summary>The validation accuracy; higher is better.</summary>
    ValidationAccuracy = 1,
}
