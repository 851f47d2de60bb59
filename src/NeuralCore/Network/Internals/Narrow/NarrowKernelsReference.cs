using System.Numerics;
using NeuralCore.Internals.Reference;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>The narrow kernels written straight from the equations, in the feature-major layout: the oracle for the tests.</summary>
internal static class NarrowKernelsReference
{
    public static void Forward<T>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, Activation activation, MatrixSpan<T> z, MatrixSpan<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var o = 0; o < a.Rows; o++)
        {
            for (var j = 0; j < a.Columns; j++)
            {
                var sum = bias[o];
                for (var i = 0; i < input.Rows; i++)
                {
                    sum = (weights[i, o] * input[i, j]) + sum;
                }

                if (!z.IsEmpty)
                {
                    z[o, j] = sum;
                }

                a[o, j] = ActivationsReference.Apply(activation, sum);
            }
        }
    }

    public static void BackwardData<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, Activation previous, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < previousDelta.Rows; i++)
        {
            for (var j = 0; j < previousDelta.Columns; j++)
            {
                var g = T.Zero;
                for (var o = 0; o < delta.Rows; o++)
                {
                    g = (weights[i, o] * delta[o, j]) + g;
                }

                if (previous == Activation.Linear)
                {
                    previousDelta[i, j] = g;
                    continue;
                }

                var a = previousActivation[i, j];
                previousDelta[i, j] = ActivationsReference.Derivative(previous, previousZ.IsEmpty ? a : previousZ[i, j], a, g);
            }
        }
    }

    public static void WeightGradient<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> weightGradient, Span<T> biasGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var o = 0; o < delta.Rows; o++)
        {
            var b = T.Zero;
            for (var j = 0; j < delta.Columns; j++)
            {
                b += delta[o, j];
            }

            biasGradient[o] = b;
            for (var i = 0; i < previousActivation.Rows; i++)
            {
                var s = T.Zero;
                for (var j = 0; j < delta.Columns; j++)
                {
                    s += delta[o, j] * previousActivation[i, j];
                }

                weightGradient[i, o] = s;
            }
        }
    }

    /// <summary>
    /// The one-output sigmoid + binary cross-entropy head: <c>z = b + Σ_i W_int[i, 0]·X[i, j]</c>, <c>a = σ(z)</c>,
    /// <c>δ = (a − y)/m</c>, loss Σ max(z, 0) − z·y + log(1 + e^−|z|) (summed in double, not divided by m), and the
    /// number of samples with <c>(a ≥ ½) == (y ≥ ½)</c>; m is <paramref name="batch"/> (these columns may be part of a batch).
    /// </summary>
    public static (double Loss, int Correct) SigmoidCrossEntropyHead<T>(
        ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, T bias, ReadOnlySpan<T> target, Span<T> a, Span<T> delta, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = T.CreateTruncating(batch);
        var half = T.CreateTruncating(0.5);
        var loss = 0.0;
        var correct = 0;
        for (var j = 0; j < input.Columns; j++)
        {
            var z = bias;
            for (var i = 0; i < input.Rows; i++)
            {
                z = (weights[i, 0] * input[i, j]) + z;
            }

            var y = target[j];
            a[j] = ActivationsReference.Sigmoid(z);
            delta[j] = (a[j] - y) / m;
            loss += double.CreateTruncating(T.Max(z, T.Zero) - (z * y) + T.LogP1(T.Exp(-T.Abs(z))));
            correct += (a[j] >= half) == (y >= half) ? 1 : 0;
        }

        return (loss, correct);
    }
}
