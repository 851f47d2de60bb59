namespace NeuralCore;

/// <summary>The largest relative error between backpropagation and finite differences in one layer.</summary>
/// <param name="Layer">The layer index.</param>
/// <param name="MaxWeightError">The largest relative error over the checked weights.</param>
/// <param name="MaxBiasError">The largest relative error over the checked biases.</param>
/// <param name="WeightsChecked">How many weights were checked.</param>
/// <param name="BiasesChecked">How many biases were checked.</param>
public readonly record struct LayerGradientError(int Layer, double MaxWeightError, double MaxBiasError, int WeightsChecked, int BiasesChecked)
{
    /// <summary>The larger of <see cref="MaxWeightError"/> and <see cref="MaxBiasError"/>.</summary>
    public double MaxRelativeError => Math.Max(MaxWeightError, MaxBiasError);
}
