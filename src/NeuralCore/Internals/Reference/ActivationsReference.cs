using System.Numerics;

namespace NeuralCore.Internals.Reference;

/// <summary>Scalar reference activations and their derivatives, written straight from the equations.</summary>
internal static class ActivationsReference
{
    /// <summary>The leaky-relu slope for z ≤ 0 (PyTorch's default).</summary>
    public const double LeakySlope = 0.01;

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

    public static T Apply<T>(Activation activation, T z)
        where T : IFloatingPointIeee754<T> => activation switch
    {
        Activation.Linear => z,
        Activation.Sigmoid => Sigmoid(z),
        Activation.Relu => z > T.Zero ? z : (T.IsNaN(z) ? z : T.Zero),
        Activation.LeakyRelu => z > T.Zero ? z : z * T.CreateTruncating(LeakySlope),
        Activation.Tanh => T.Tanh(z),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation."),
    };

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

    /// <summary>dZ = dA ⊙ f′(Z), with f′ expressed through the stored activation A.</summary>
    public static void Backward<T>(Activation activation, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> gradA, MatrixSpan<T> gradZ)
        where T : IFloatingPointIeee754<T>
    {
        var slope = T.CreateTruncating(LeakySlope);
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

            for (var j = 0; j < aRow.Length; j++)
            {
                var x = aRow[j];
                var g = gRow[j];
                dRow[j] = activation switch
                {
                    Activation.Linear => g,
                    Activation.Sigmoid => g * x * (T.One - x),
                    Activation.Relu => x > T.Zero ? g : T.Zero,
                    Activation.LeakyRelu => x > T.Zero ? g : g * slope,
                    Activation.Tanh => g * (T.One - (x * x)),
                    _ => throw new ArgumentOutOfRangeException(nameof(activation)),
                };
            }
        }
    }
}
