using System.Numerics;

namespace NeuralCore.Internals.Reference;

/// <summary>Scalar reference losses and gradients (means over the m rows), straight from the definitions in <see cref="Loss"/>.</summary>
internal static class LossesReference
{
    /// <summary>Probabilities are clamped to [ε, 1−ε] before a log so that log(0) never happens.</summary>
    public static T Epsilon<T>()
        where T : IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? T.CreateTruncating(1e-7) : T.CreateTruncating(1e-15);

    public static T Evaluate<T>(Loss loss, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> gradient, bool writeGradient)
        where T : IFloatingPointIeee754<T>
    {
        var m = T.CreateTruncating(a.Rows);
        var eps = Epsilon<T>();
        var total = 0.0;
        for (var i = 0; i < a.Rows; i++)
        {
            for (var j = 0; j < a.Columns; j++)
            {
                var p = a[i, j];
                var t = y[i, j];
                T value, grad;
                switch (loss)
                {
                    case Loss.MeanSquaredError:
                        value = (p - t) * (p - t) / T.CreateTruncating(2);
                        grad = p - t;
                        break;
                    case Loss.BinaryCrossEntropy:
                        var pc = T.Clamp(p, eps, T.One - eps);
                        value = -((t * T.Log(pc)) + ((T.One - t) * T.Log(T.One - pc)));
                        grad = (pc - t) / (pc * (T.One - pc));
                        break;
                    case Loss.CrossEntropy:
                        var pe = T.Max(p, eps);
                        value = -(t * T.Log(pe));
                        grad = -t / pe;
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(loss));
                }

                total += double.CreateTruncating(value);
                if (writeGradient)
                {
                    gradient[i, j] = grad / m;
                }
            }
        }

        return a.Rows == 0 ? T.Zero : T.CreateTruncating(total / a.Rows);
    }

    /// <summary>Loss and ∂L/∂Z through the output activation; sigmoid+BCE and softmax+CE use the fused forms.</summary>
    public static T EvaluateFused<T>(Loss loss, Activation activation, ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> gradZ)
        where T : IFloatingPointIeee754<T>
    {
        var m = T.CreateTruncating(a.Rows);
        if (loss == Loss.BinaryCrossEntropy && activation == Activation.Sigmoid)
        {
            // From the logits: −[y·log σ(z) + (1−y)·log(1−σ(z))] = max(z,0) − z·y + log(1 + e^−|z|); exact for any z.
            var total = 0.0;
            for (var i = 0; i < a.Rows; i++)
            {
                for (var j = 0; j < a.Columns; j++)
                {
                    var zz = z[i, j];
                    var t = y[i, j];
                    total += double.CreateTruncating(T.Max(zz, T.Zero) - (zz * t) + T.LogP1(T.Exp(-T.Abs(zz))));
                    gradZ[i, j] = (a[i, j] - t) / m;
                }
            }

            return a.Rows == 0 ? T.Zero : T.CreateTruncating(total / a.Rows);
        }

        if (loss == Loss.CrossEntropy && activation == Activation.Softmax)
        {
            // log softmax(z)_j = z_j − max − log Σ_k e^(z_k − max): no log(0) even when a_j underflows.
            var total = 0.0;
            for (var i = 0; i < a.Rows; i++)
            {
                var zRow = z.GetRowSpan(i);
                var max = T.NegativeInfinity;
                foreach (var v in zRow)
                {
                    max = T.Max(max, v);
                }

                var sum = T.Zero;
                foreach (var v in zRow)
                {
                    sum += T.Exp(v - max);
                }

                var logSum = T.Log(sum);
                for (var j = 0; j < zRow.Length; j++)
                {
                    var t = y[i, j];
                    if (t != T.Zero)
                    {
                        total -= double.CreateTruncating(t * (zRow[j] - max - logSum));
                    }

                    gradZ[i, j] = (a[i, j] - t) / m;
                }
            }

            return a.Rows == 0 ? T.Zero : T.CreateTruncating(total / a.Rows);
        }

        var value = Evaluate(loss, a, y, gradZ, writeGradient: true);
        ActivationsReference.Backward(activation, z, a, gradZ, gradZ);
        return value;
    }
}
