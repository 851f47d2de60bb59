using NeuralCore.Internals.Reference;

namespace NeuralCore.Tests.Elementwise;

/// <summary>
/// What the error of an activation or of its derivative is measured against, where a relative error is not the right
/// yardstick: the conditioning of GELU-tanh's σ(x) in x, and the magnitude of the terms f′ adds.
/// </summary>
internal static class ActivationErrorScales
{
    /// <summary>1, or for GELU-tanh 1 + |x|·σ(−x): how much σ(x) amplifies a relative error of its argument x (computed in T).</summary>
    public static double Conditioning(Activation activation, double z)
    {
        if (activation != Activation.GeluTanh)
        {
            return 1;
        }

        var x = ActivationsReference.GeluTanhArgument(z);
        return 1 + (Math.Abs(x) * ActivationsReference.Sigmoid(-x));
    }

    /// <summary>
    /// The sum of the magnitudes of the terms f′ is made of (so near a zero of f′ the error is not counted in the
    /// ulps of that zero): Φ + |z·φ| (GELU), σ(x) + |z·x′·σ(x)σ(−x)| (GELU-tanh), σ + |z·σ(z)σ(−z)| (SiLU), σ
    /// (softplus), and for ELU below 0 a + α with |a| ≤ α, i.e. 2α (f′ = a + α is formed from the stored a).
    /// </summary>
    public static double DerivativeScale(Activation activation, double z)
    {
        if (activation == Activation.Gelu)
        {
            return NormalDistributionReference.Cdf(z) + Math.Abs(z * NormalDistributionReference.Density(z));
        }

        if (activation == Activation.GeluTanh)
        {
            var x = ActivationsReference.GeluTanhArgument(z);
            var slope = 2 * Math.Sqrt(2 / Math.PI) * (1 + (3 * 0.044715 * z * z));
            return ActivationsReference.Sigmoid(x) + Math.Abs(z * slope * ActivationsReference.Sigmoid(x) * ActivationsReference.Sigmoid(-x));
        }

        if (activation == Activation.Silu)
        {
            return ActivationsReference.Sigmoid(z) + Math.Abs(z * ActivationsReference.Sigmoid(z) * ActivationsReference.Sigmoid(-z));
        }

        if (activation.Kind == ActivationKind.Elu)
        {
            return z > 0 ? 1 : 2 * activation.Parameter;
        }

        return Math.Abs(ActivationsReference.Derivative(activation, z, ActivationsReference.Apply(activation, z), 1.0));
    }
}
