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
        if (loss.TargetsAreClassIds)
        {
            return SparseCrossEntropy(a, y, gradient, writeGradient);
        }

        var m = T.CreateTruncating(a.Rows);
        var eps = Epsilon<T>();
        var delta = T.CreateTruncating(loss.Parameter);
        var total = 0.0;
        for (var i = 0; i < a.Rows; i++)
        {
            for (var j = 0; j < a.Columns; j++)
            {
                var p = a[i, j];
                var t = y[i, j];
                T value, grad;
                switch (loss.Kind)
                {
                    case LossKind.MeanSquaredError:
                        value = (p - t) * (p - t) / T.CreateTruncating(2);
                        grad = p - t;
                        break;
                    case LossKind.BinaryCrossEntropy:
                        var pc = T.Clamp(p, eps, T.One - eps);
                        value = -((t * T.Log(pc)) + ((T.One - t) * T.Log(T.One - pc)));
                        grad = (pc - t) / (pc * (T.One - pc));
                        break;
                    case LossKind.CrossEntropy:
                        var pe = T.Max(p, eps);
                        value = -(t * T.Log(pe));
                        grad = -t / pe;
                        break;
                    case LossKind.Huber:
                        // ½d² within δ, the tangent line δ·(|d| − δ/2) beyond; the gradient is d clipped to ±δ.
                        var d = p - t;
                        value = T.Abs(d) <= delta ? d * d / T.CreateTruncating(2) : delta * (T.Abs(d) - (delta / T.CreateTruncating(2)));
                        grad = T.Clamp(d, -delta, delta);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(loss), loss.Kind, "Not an element-wise loss.");
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

    /// <summary>−1/m · Σ_i log max(a_(i, y_i), ε) for class ids y (validated); the gradient −1/(m·max(a, ε)) at each id, 0 elsewhere.</summary>
    private static T SparseCrossEntropy<T>(ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> gradient, bool writeGradient)
        where T : IFloatingPointIeee754<T>
    {
        var m = T.CreateTruncating(a.Rows);
        var total = 0.0;
        for (var i = 0; i < a.Rows; i++)
        {
            var id = int.CreateTruncating(y[i, 0]);
            var p = T.Max(a[i, id], Epsilon<T>());
            total -= double.CreateTruncating(T.Log(p));
            if (writeGradient)
            {
                for (var j = 0; j < a.Columns; j++)
                {
                    gradient[i, j] = j == id ? -T.One / p / m : T.Zero;
                }
            }
        }

        return a.Rows == 0 ? T.Zero : T.CreateTruncating(total / a.Rows);
    }

    /// <summary>Loss and ∂L/∂Z through the output activation; the pairs <see cref="Loss.IsFusedWith"/> names use the fused forms.</summary>
    public static T EvaluateFused<T>(Loss loss, Activation activation, ReadOnlyMatrixSpan<T> z, ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> gradZ)
        where T : IFloatingPointIeee754<T>
    {
        var m = T.CreateTruncating(a.Rows);
        var fused = loss.IsFusedWith(activation);
        if (fused && loss.Kind == LossKind.BinaryCrossEntropy)
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

        if (fused && loss.Kind is LossKind.CrossEntropy or LossKind.SparseCrossEntropy)
        {
            // log softmax(z)_j = z_j − max − log Σ_k e^(z_k − max): no log(0) even when a_j underflows. Class ids
            // are read as their one-hot rows.
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
                    var t = loss.TargetsAreClassIds ? (j == int.CreateTruncating(y[i, 0]) ? T.One : T.Zero) : y[i, j];
                    if (t != T.Zero)
                    {
                        total -= double.CreateTruncating(t * (zRow[j] - max - logSum));
                    }

                    gradZ[i, j] = (a[i, j] - t) / m;
                }
            }

            return a.Rows == 0 ? T.Zero : T.CreateTruncating(total / a.Rows);
        }

        if (fused)
        {
            throw new ArgumentOutOfRangeException(nameof(loss), loss, $"No reference for {loss} fused with {activation}.");
        }

        var value = Evaluate(loss, a, y, gradZ, writeGradient: true);
        ActivationsReference.Backward(activation, z, a, gradZ, gradZ);
        return value;
    }
}
