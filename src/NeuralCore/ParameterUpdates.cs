namespace NeuralCore;

/// <summary>Optimizer update rules, each one fused pass over a parameter block and its gradient.</summary>
/// <remarks>
/// Weight decay is L2 regularisation added to the gradient, <c>g′ = g + λ·p</c> (PyTorch's <c>weight_decay</c>).
/// </remarks>
public static partial class ParameterUpdates;
