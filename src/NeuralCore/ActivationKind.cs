namespace NeuralCore;

/// <summary>The kind of an <see cref="Activation"/>; parameterised kinds take their parameter from the <see cref="Activation"/>.</summary>
public enum ActivationKind
{
    /// <summary>The identity, <c>f(z) = z</c>.</summary>
    Linear = 0,

    /// <summary>The logistic function <c>1 / (1 + e^-z)</c>.</summary>
    Sigmoid = 1,

    /// <summary>The rectifier <c>max(0, z)</c>; its derivative at 0 is taken as 0.</summary>
    Relu = 2,

    /// <summary>The leaky rectifier: <c>z</c> for <c>z &gt; 0</c>, else <c>s·z</c> with the negative slope <c>s</c> (<see cref="Activation.Parameter"/>).</summary>
    LeakyRelu = 3,

    /// <summary>The hyperbolic tangent.</summary>
    Tanh = 4,

    /// <summary>The row-wise softmax <c>e^(z_j - max z) / Σ_k e^(z_k - max z)</c>; for output layers.</summary>
    Softmax = 5,
}
