namespace NeuralCore;

/// <summary>The update rule an <see cref="Optimizer"/> applies; <see cref="OptimizerNames"/> gives each its user-facing name.</summary>
public enum OptimizerKind
{
    /// <summary>Plain gradient descent, <c>p ← p − η·g</c> (the NumPy tutorials).</summary>
    Sgd = 0,

    /// <summary>Heavy-ball momentum, optionally Nesterov (PyTorch's form).</summary>
    Momentum = 1,

    /// <summary>Adam (Kingma &amp; Ba) with bias correction.</summary>
    Adam = 2,

    /// <summary>RMSprop (Hinton), PyTorch's form without momentum or centring: <c>v ← α·v + (1−α)·g²</c>, <c>p ← p − η·g/(√v + ε)</c>.</summary>
    RmsProp = 3,

    /// <summary>AdamW (Loshchilov &amp; Hutter): Adam with the weight decay decoupled from the gradient, <c>p ← p·(1 − η·λ)</c> before the Adam step.</summary>
    AdamW = 4,
}
