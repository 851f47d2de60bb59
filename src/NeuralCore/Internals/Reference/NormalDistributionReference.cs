namespace NeuralCore.Internals.Reference;

/// <summary>
/// The standard normal distribution function Φ and density φ in double, from their series and continued fraction
/// (no fitted coefficients, so it is an independent check of <c>VectorMath</c>'s rational normal tail).
/// </summary>
/// <remarks>
/// <code>
///   φ(z)  = e^(−z²/2)/√(2π)                                       z² = h + l exactly (fused multiply-add), e^(−h/2)·(1 − l/2)
///   Φ(z)  = ½ + φ(z)·Σ z^(2n+1)/(1·3·…·(2n+1))                     the erf series in z; every term has z's sign
///   Φ(−u) = φ(u)/(u + 1/(u + 2/(u + 3/(u + …))))                    Laplace's continued fraction, u &gt; 0
/// </code>
/// The series serves z ∈ (−½, 2): for z ≥ 0 nothing cancels; for z &lt; 0 the ½ − … loses at most a bit while
/// Φ(z) ≥ 0.3. Everywhere else Φ(−|z|) comes from the continued fraction, relative to itself, and Φ(z) = 1 − Φ(−z) for
/// z ≥ 2: so Φ of a very negative z is as precise as φ is, where ½(1 + erf(z/√2)) cancels to 0. The fraction is
/// evaluated backwards from a fixed depth 30 + 400/u², enough below machine precision for u ≥ ½ (its error falls
/// like e^(−2u√n)). Against 50-digit values Φ is within 4 ulps (TranscendentalAccuracyTests); in float, exact.
/// </remarks>
internal static class NormalDistributionReference
{
    private const double InverseSqrtTwoPi = 0.3989422804014327;

    /// <summary>φ(z), with the rounding of z² taken back.</summary>
    public static double Density(double z)
    {
        var h = z * z;
        var l = Math.FusedMultiplyAdd(z, z, -h);
        var e = Math.Exp(-0.5 * h);
        return (e - (e * 0.5 * l)) * InverseSqrtTwoPi;
    }

    /// <summary>Φ(z); 0 and 1 at ∓∞, NaN for NaN.</summary>
    public static double Cdf(double z)
    {
        if (double.IsNaN(z))
        {
            return z;
        }

        var u = Math.Abs(z);
        if (z > -0.5 && z < 2)
        {
            // Terms u^(2n+1)/(2n+1)!! by their ratio u²/(2n+1), until adding one no longer changes the sum.
            var sum = z;
            var term = z;
            var z2 = z * z;
            for (var n = 1; ; n++)
            {
                term *= z2 / ((2 * n) + 1);
                var next = sum + term;
                if (next == sum)
                {
                    break;
                }

                sum = next;
            }

            return 0.5 + (Density(z) * sum);
        }

        if (double.IsInfinity(u))
        {
            return z < 0 ? 0 : 1;
        }

        var tail = Density(u) / ContinuedFraction(u);
        return z < 0 ? tail : 1 - tail;
    }

    /// <summary>
    /// GELU, z·Φ(z); below −½ as z·φ(z)/(u + 1/(u + …)), so that a subnormal φ is multiplied by |z| before the
    /// division rather than after; −0 below −40 (where it underflows), so that −∞ gives −0, not −∞·0.
    /// </summary>
    public static double Gelu(double z) => z < -40 ? -0.0 : z <= -0.5 ? z * Density(z) / ContinuedFraction(-z) : z * Cdf(z);

    /// <summary>u + 1/(u + 2/(u + …)) for u ≥ ½, from the fixed depth 30 + 400/u² backwards: Φ(−u) = φ(u) divided by it.</summary>
    private static double ContinuedFraction(double u)
    {
        var depth = 30 + (int)Math.Min(400 / (u * u), 2000);
        var t = u;
        for (var k = depth; k >= 1; k--)
        {
            t = u + (k / t);
        }

        return t;
    }

    /// <summary>GELU′ = Φ(z) + z·φ(z); beyond ±40 its limits 1 and 0 (z·φ(z) is 0 there), so ±∞ are not ∞·0.</summary>
    public static double GeluDerivative(double z) => Math.Abs(z) > 40 ? (z > 0 ? 1 : 0) : Cdf(z) + (z * Density(z));
}
