namespace NeuralCore;

/// <summary>Optimizer update rules, each one fused pass over a parameter block and its gradient.</summary>
/// <remarks>
/// Weight decay is L2 regularisation added to the gradient, <c>g′ = g + λ·p</c> (PyTorch's <c>weight_decay</c>),
/// except in <see cref="AdamW"/>, whose λ is the decoupled decay <c>p ← p·(1 − η·λ)</c> (see <see cref="Optimizer"/>).
/// </remarks>
public static partial class ParameterUpdates;
