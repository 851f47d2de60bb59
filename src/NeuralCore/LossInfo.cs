namespace NeuralCore;

/// <summary>A loss kind as users see it, with what it asks of the network (one row of <see cref="LossNames.All"/>).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Name">The name on the command line and in messages.</param>
/// <param name="ParameterName">The name of the kind's parameter (<c>delta</c>), or <see langword="null"/> when it has none.</param>
/// <param name="DefaultParameter">The parameter when none is given (0 for kinds without one).</param>
/// <param name="RequiredOutput">
/// The output activation the loss needs, or <see langword="null"/> when any fits. A loss that needs one is computed
/// together with it, from the logits (see <see cref="Loss.IsFusedWith"/>).
/// </param>
/// <param name="TargetsAreClassIds">Whether a target row is one class id (<c>0 … C−1</c>) rather than one value per output.</param>
public sealed record LossInfo(LossKind Kind, string Name, string? ParameterName, double DefaultParameter, ActivationKind? RequiredOutput, bool TargetsAreClassIds);
