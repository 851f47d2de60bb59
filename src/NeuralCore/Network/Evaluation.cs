namespace NeuralCore;

/// <summary>The mean loss and the accuracy of a network on a data set.</summary>
/// <param name="Loss">The loss averaged over the samples.</param>
/// <param name="Accuracy">The fraction of samples classified correctly (see <see cref="TrainingHistory"/> for the rule).</param>
public readonly record struct Evaluation(double Loss, double Accuracy);
