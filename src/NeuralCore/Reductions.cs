namespace NeuralCore;

/// <summary>Reductions over matrix views.</summary>
public static partial class Reductions;
