namespace NeuralCore;

/// <summary>What one training epoch achieved, passed to the progress callback.</summary>
/// <param name="Epoch">The 1-based epoch number.</param>
/// <param name="Epochs">The number of epochs asked for.</param>
/// <param name="Loss">The mean training loss over the epoch's samples (each measured before that batch's update; the tutorials' cost).</param>
/// <param name="Accuracy">The training accuracy over the epoch, measured the same way.</param>
/// <param name="ValidationLoss">The loss on the validation data after the epoch, or NaN without validation data.</param>
/// <param name="ValidationAccuracy">The accuracy on the validation data after the epoch, or NaN without validation data.</param>
public readonly record struct EpochReport(int Epoch, int Epochs, double Loss, double Accuracy, double ValidationLoss, double ValidationAccuracy);
