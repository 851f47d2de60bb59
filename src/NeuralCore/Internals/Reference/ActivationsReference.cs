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
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation."),
        };
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
