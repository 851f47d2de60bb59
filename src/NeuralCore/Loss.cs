namespace NeuralCore;

/// <summary>A loss function, averaged over the <c>m</c> rows (samples) of a batch.</summary>
public enum Loss
{
    /// <summary>
    /// Mean squared error with seed 000's convention: <c>L = 1/(2m) · Σ_i Σ_j (a_ij − y_ij)²</c>, so that
    /// <c>∂L/∂a = (a − y)/m</c>. (PyTorch's <c>MSELoss</c> averages over all elements without the ½.)
    /// </summary>
    MeanSquaredError = 0,

    /// <summary>Binary cross-entropy <c>L = −1/m · Σ (y·log a + (1−y)·log(1−a))</c>, for sigmoid outputs.</summary>
    BinaryCrossEntropy = 1,

    /// <summary>Categorical cross-entropy <c>L = −1/m · Σ y·log a</c>, for softmax outputs.</summary>
    CrossEntropy = 2,
}
