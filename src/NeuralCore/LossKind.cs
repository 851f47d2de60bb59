namespace NeuralCore;

/// <summary>The kind of a <see cref="Loss"/>; parameterised kinds take their parameter from the <see cref="Loss"/>.</summary>
public enum LossKind
{
    /// <summary>Mean squared error with the ½: <c>L = 1/(2m) · Σ_i Σ_j (a_ij − y_ij)²</c>.</summary>
    MeanSquaredError = 0,

    /// <summary>Binary cross-entropy, for sigmoid outputs.</summary>
    BinaryCrossEntropy = 1,

    /// <summary>Categorical cross-entropy with one probability row per target, for softmax outputs.</summary>
    CrossEntropy = 2,

    /// <summary>Huber (smooth L1) with the threshold δ (<see cref="Loss.Parameter"/>).</summary>
    Huber = 3,

    /// <summary>Categorical cross-entropy with one class id per target row, for softmax outputs.</summary>
    SparseCrossEntropy = 4,
}
