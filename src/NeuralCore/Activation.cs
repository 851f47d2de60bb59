namespace NeuralCore;

/// <summary>An element-wise (or, for <see cref="Softmax"/>, row-wise) activation function <c>A = f(Z)</c>.</summary>
public enum Activation
{
    /// <summary>The identity, <c>f(z) = z</c>.</summary>
    Linear = 0,

    /// <summary>The logistic function <c>1 / (1 + e^-z)</c>.</summary>
    Sigmoid = 1,

    /// <summary>The rectifier <c>max(0, z)</c>; its derivative at 0 is taken as 0.</summary>
    Relu = 2,

    /// <summary>The leaky rectifier: <c>z</c> for <c>z &gt; 0</c>, else <c>0.01·z</c> (PyTorch's default slope).</summary>
    LeakyRelu = 3,

    /// <summary>The hyperbolic tangent.</summary>
    Tanh = 4,

    /// <summary>The row-wise softmax <c>e^(z_j - max z) / Σ_k e^(z_k - max z)</c>; for output layers.</summary>
    Softmax = 5,
}
