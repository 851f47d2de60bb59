using System.Numerics;

namespace NeuralCore.Internals.Reference;

/// <summary>Scalar reference activations and their derivatives, written straight from the equations.</summary>
internal static class ActivationsReference
{
    public static T Sigmoid<T>(T z)
        where T : IFloatingPointIeee754<T>
    {
        // Two branches so exp never sees a large positive argument: no overflow for any input.
        if (z >= T.Zero)
        {
            return T.One / (T.One + T.Exp(-z));
        }

        var e = T.Exp(z);
        return e / (T.One + e);
    }

    /// <summary>
    /// e^x − 1 in double, accurate near 0 (Kahan: with u = fl(e^x), (u − 1)·x/log u cancels u's rounding error; the
    /// runtime's <c>double.ExpM1</c> is <c>Exp(x) − 1</c>); −1 where e^x − 1 rounds to it. For x ≤ 0 (ELU's branch).
    /// </summary>
    public static double ExpMinusOne(double x)
    {
        var u = Math.Exp(x);
        if (u == 1)
        {
            return x;
        }

        var um1 = u - 1;
        return um1 == -1 ? -1 : um1 * x / Math.Log(u);
    }

    /// <summary>The argument of σ in GELU's tanh form: (1 + tanh w)/2 = σ(2w), 2w = 2√(2/π)(z + 0.044715z³).</summary>
    public static double GeluTanhArgument(double z) => 2 * Math.Sqrt(2 / Math.PI) * (z + (0.044715 * z * z * z));

    /// <summary>f(z) for an element-wise activation, from its definition.</summary>
    public static T Apply<T>(Activation activation, T z)
        where T : IFloatingPointIeee754<T>
    {
        var p = T.CreateTruncating(activation.Parameter);
        return activation.Kind switch
        {
            ActivationKind.Linear => z,
            ActivationKind.Sigmoid => Sigmoid(z),
            ActivationKind.Relu => z > T.Zero ? z : (T.IsNaN(z) ? z : T.Zero),
            ActivationKind.LeakyRelu => z > T.Zero ? z : z * p,
            ActivationKind.Tanh => T.Tanh(z),
            ActivationKind.Gelu or ActivationKind.GeluTanh or ActivationKind.Silu or ActivationKind.Softplus or ActivationKind.Elu =>
                T.CreateTruncating(ApplyInDouble(activation.Kind, double.CreateTruncating(z), double.CreateTruncating(p))),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation."),
        };
    }

    /// <summary>
    /// The activations defined through Φ, σ, log and exp, in double whatever T (so float results are rounded once from
    /// a value good to a few double ulps). Each is the definition with the limits at ±∞ stated, since z·σ(z) and
    /// z·Φ(z) are ∞·0 there.
    /// </summary>
    private static double ApplyInDouble(ActivationKind kind, double z, double p) => kind switch
    {
        ActivationKind.Gelu => NormalDistributionReference.Gelu(z),
        ActivationKind.GeluTanh => z < -40 ? -0.0 : z * Sigmoid(GeluTanhArgument(z)),
        ActivationKind.Silu => z < -800 ? -0.0 : z * Sigmoid(z),
        ActivationKind.Softplus => Math.Max(z, 0) + Operators.VectorMath.LogOnePlus(Math.Exp(-Math.Abs(z))),
        ActivationKind.Elu => z > 0 ? z : p * ExpMinusOne(z),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an element-wise activation."),
    };

    /// <summary>f′ of <see cref="ApplyInDouble"/>'s activations that read z, in double; beyond ±800 their limits 1 and 0 (exact there).</summary>
    private static double DerivativeInDouble(ActivationKind kind, double z)
    {
        if (Math.Abs(z) > 800)
        {
            return z > 0 ? 1 : 0;
        }

        switch (kind)
        {
            case ActivationKind.Gelu:
                return NormalDistributionReference.GeluDerivative(z);
            case ActivationKind.GeluTanh:
            {
                // d/dz z·σ(x) = σ(x) + z·x′·σ(x)(1 − σ(x)), x′ = 2√(2/π)(1 + 3·0.044715z²).
                var x = GeluTanhArgument(z);
                var slope = 2 * Math.Sqrt(2 / Math.PI) * (1 + (3 * 0.044715 * z * z));
                return Sigmoid(x) + (z * slope * Sigmoid(x) * Sigmoid(-x));
            }

            case ActivationKind.Silu:
                return Sigmoid(z) * (1 + (z * Sigmoid(-z)));
            case ActivationKind.Softplus:
                return Sigmoid(z);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an element-wise activation with f′ from z.");
        }
    }

    /// <summary>g·f′ for an element-wise activation, from z or from the stored activation a = f(z), as its definition allows.</summary>
    public static T Derivative<T>(Activation activation, T z, T a, T g)
        where T : IFloatingPointIeee754<T>
    {
        var p = T.CreateTruncating(activation.Parameter);
        return activation.Kind switch
        {
            ActivationKind.Linear => g,
            ActivationKind.Sigmoid => g * a * (T.One - a),
            ActivationKind.Relu => a > T.Zero ? g : T.Zero,
            ActivationKind.LeakyRelu => a > T.Zero ? g : g * p,
            ActivationKind.Tanh => g * (T.One - (a * a)),
            ActivationKind.Elu => a > T.Zero ? g : g * (a + p),
            ActivationKind.Gelu or ActivationKind.GeluTanh or ActivationKind.Silu or ActivationKind.Softplus =>
                T.CreateTruncating(double.CreateTruncating(g) * DerivativeInDouble(activation.Kind, double.CreateTruncating(z))),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation."),
        };
    }

    public static void Forward<T>(Activation activation, ReadOnlyMatrixSpan<T> z, MatrixSpan<T> a)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < z.Rows; i++)
        {
            var zRow = z.GetRowSpan(i);
            var aRow = a.GetRowSpan(i);
            if (activation == Activation.Softmax)
            {
                SoftmaxRow(zRow, aRow);
                continue;
            }

            for (var j = 0; j < zRow.Length; j++)
            {
                aRow[j] = Apply(activation, zRow[j]);
            }
        }
    }

    public static void SoftmaxRow<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : IFloatingPointIeee754<T>
    {
        if (z.Length == 0)
        {
            return;
        }

        var max = z[0];
        foreach (var v in z)
        {
            max = T.Max(max, v);
        }

        var sum = T.Zero;
        for (var j = 0; j < z.Length; j++)
        {
            a[j] = T.Exp(z[j] - max);
            sum += a[j];
        }

        for (var j = 0; j < z.Length; j++)
        {
            a[j] /= sum;
        }
    }

    /// <summary>dZ = dA ⊙ f′(Z), from Z (may be empty when the activation does not need it) or the stored activation A.</summary>
    public static void Backward<T>(Activation activation, ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < a.Rows; i++)
        {
            var aRow = a.GetRowSpan(i);
            var gRow = gradA.GetRowSpan(i);
            var dRow = gradZ.GetRowSpan(i);
            if (activation == Activation.Softmax)
            {
                // dZ_j = a_j · (dA_j − Σ_k dA_k·a_k): the softmax Jacobian applied to dA.
                var dot = T.Zero;
                for (var j = 0; j < aRow.Length; j++)
                {
                    dot += gRow[j] * aRow[j];
                }

                for (var j = 0; j < aRow.Length; j++)
                {
                    dRow[j] = aRow[j] * (gRow[j] - dot);
                }

                continue;
            }

            var zRow = z.IsEmpty ? aRow : z.GetRowSpan(i);
            for (var j = 0; j < aRow.Length; j++)
            {
                dRow[j] = Derivative(activation, zRow[j], aRow[j], gRow[j]);
            }
        }
    }
}
