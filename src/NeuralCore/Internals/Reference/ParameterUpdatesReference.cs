using System.Numerics;

namespace NeuralCore.Internals.Reference;

/// <summary>Scalar reference optimizer updates, written straight from the equations in <see cref="ParameterUpdates"/>.</summary>
internal static class ParameterUpdatesReference
{
    public static void Sgd<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T learningRate, T weightDecay)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i] + (weightDecay * parameters[i]);
            parameters[i] -= learningRate * g;
        }
    }

    public static void Momentum<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> velocity, T learningRate, T momentum, bool nesterov, T weightDecay)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i] + (weightDecay * parameters[i]);
            var v = (momentum * velocity[i]) + g;
            velocity[i] = v;
            parameters[i] -= learningRate * (nesterov ? g + (momentum * v) : v);
        }
    }

    public static void Adam<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> firstMoment, Span<T> secondMoment,
        T learningRate, T beta1, T beta2, T epsilon, int step, T weightDecay)
        where T : IFloatingPointIeee754<T>
    {
        var correction1 = T.One - T.Pow(beta1, T.CreateTruncating(step));
        var correction2 = T.One - T.Pow(beta2, T.CreateTruncating(step));
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i] + (weightDecay * parameters[i]);
            var m = (beta1 * firstMoment[i]) + ((T.One - beta1) * g);
            var v = (beta2 * secondMoment[i]) + ((T.One - beta2) * g * g);
            firstMoment[i] = m;
            secondMoment[i] = v;
            parameters[i] -= learningRate * (m / correction1) / (T.Sqrt(v / correction2) + epsilon);
        }
    }

    public static void RmsProp<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> squareAverage, T learningRate, T alpha, T epsilon, T weightDecay)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i] + (weightDecay * parameters[i]);
            var v = (alpha * squareAverage[i]) + ((T.One - alpha) * g * g);
            squareAverage[i] = v;
            parameters[i] -= learningRate * (g / (T.Sqrt(v) + epsilon));
        }
    }

    public static void AdamW<T>(
        Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> firstMoment, Span<T> secondMoment,
        T learningRate, T beta1, T beta2, T epsilon, int step, T decoupledWeightDecay)
        where T : IFloatingPointIeee754<T>
    {
        var decay = T.One - (learningRate * decoupledWeightDecay);
        var correction1 = T.One - T.Pow(beta1, T.CreateTruncating(step));
        var correction2 = T.One - T.Pow(beta2, T.CreateTruncating(step));
        for (var i = 0; i < parameters.Length; i++)
        {
            var g = gradient[i];
            var m = (beta1 * firstMoment[i]) + ((T.One - beta1) * g);
            var v = (beta2 * secondMoment[i]) + ((T.One - beta2) * g * g);
            firstMoment[i] = m;
            secondMoment[i] = v;
            parameters[i] = (parameters[i] * decay) - (learningRate * (m / correction1) / (T.Sqrt(v / correction2) + epsilon));
        }
    }
}
