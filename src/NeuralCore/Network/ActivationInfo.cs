namespace NeuralCore;

/// <summary>An activation kind as users see it (one row of <see cref="ActivationNames.All"/>).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Name">The name in architecture files and on the command line.</param>
/// <param name="ParameterName">The JSON property of the kind's parameter (<c>negative_slope</c>, <c>alpha</c>), or <see langword="null"/> when it has none.</param>
/// <param name="DefaultParameter">The parameter when none is given (0 for kinds without one).</param>
public sealed record ActivationInfo(ActivationKind Kind, string Name, string? ParameterName, double DefaultParameter);
