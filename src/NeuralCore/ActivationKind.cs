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

    /// <summary>
    /// The Gaussian error linear unit in its exact form, <c>z·Φ(z)</c> with Φ the standard normal distribution function
    /// (PyTorch's <c>GELU()</c>, <c>approximate='none'</c>). Φ(z) is evaluated as <c>erfc(−z/√2)/2</c>, so very negative z
    /// keep their relative precision where <c>(1 + erf(z/√2))/2</c> cancels to 0.
    /// </summary>
    Gelu = 6,

    /// <summary>
    /// GELU's tanh approximation, <c>z/2·(1 + tanh(√(2/π)·(z + 0.044715·z³)))</c> (PyTorch's <c>approximate='tanh'</c>),
    /// evaluated as the equal <c>z·σ(2·√(2/π)·(z + 0.044715·z³))</c>, which does not cancel for negative z.
    /// </summary>
    GeluTanh = 7,

    /// <summary>The sigmoid-weighted linear unit (swish), <c>z·σ(z)</c>.</summary>
    Silu = 8,

    /// <summary>The smooth rectifier <c>log(1 + e^z)</c>, evaluated as <c>max(z, 0) + log(1 + e^−|z|)</c>; its derivative is σ(z).</summary>
    Softplus = 9,

    /// <summary>
    /// The exponential linear unit: <c>z</c> for <c>z &gt; 0</c>, else <c>α·(e^z − 1)</c> with <c>α &gt; 0</c>
    /// (<see cref="Activation.Parameter"/>); f′ is read from the stored activation (<c>a + α</c> below 0).
    /// </summary>
    Elu = 10,
}
