namespace NeuralCore;

/// <summary>The update rule an <see cref="Optimizer"/> applies.</summary>
public enum OptimizerKind
{
    /// <summary>Plain gradient descent, <c>p ← p − η·g</c> (the seeds).</summary>
    Sgd = 0,

    /// <summary>Heavy-ball momentum, optionally Nesterov (PyTorch's form).</summary>
    Momentum = 1,

    /// <summary>Adam (Kingma &amp; Ba) with bias correction.</summary>
    Adam = 2,
}
