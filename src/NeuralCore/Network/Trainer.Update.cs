using System.Runtime.CompilerServices;

namespace NeuralCore;

// The optimizer update and the evaluation loop; the passes themselves are the engine's (ITrainingEngine).
public sealed partial class Trainer<T>
{
    /// <summary>
    /// One optimizer step over the whole flat parameter vector (padding included: zero stays zero). The one place an
    /// <see cref="OptimizerKind"/> becomes an update; the state vectors are those <see cref="Optimizer.StateVectors"/> allocated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update()
    {
        var parameters = _network.ParameterStorage;
        var gradients = _gradients.DangerousGetStorage();
        _step++;

        // The schedule's rate in double, rounded to T once per step: the constant schedule gives T(η) exactly as
        // when the trainer converted η once.
        var learningRate = T.CreateTruncating(_optimizer.LearningRateAt(_step));
        switch (_optimizer.Kind)
        {
            // The validated public entries' cores: the buffers are the trainer's own, sized and disjoint by construction,
            // and the entries' argument checks were Tier-0 calls in every epoch of a fresh process's Fit.
            case OptimizerKind.Sgd:
                ParameterUpdates.SgdCore(parameters, gradients, learningRate, _weightDecay, _path);
                break;
            case OptimizerKind.Momentum:
                ParameterUpdates.MomentumCore(parameters, gradients, _state1!.DangerousGetStorage(), learningRate, _momentum, _optimizer.Nesterov, _weightDecay, _path);
                break;
            case OptimizerKind.Adam:
                ParameterUpdates.AdamCore(
                    parameters, gradients, _state1!.DangerousGetStorage(), _state2!.DangerousGetStorage(),
                    learningRate, _beta1, _beta2, _epsilon, _step, _weightDecay, _path);
                break;
            case OptimizerKind.RmsProp:
                ParameterUpdates.RmsPropCore(parameters, gradients, _state1!.DangerousGetStorage(), learningRate, _alpha, _epsilon, _weightDecay, _path);
                break;
            case OptimizerKind.AdamW:
                ParameterUpdates.AdamWCore(
                    parameters, gradients, _state1!.DangerousGetStorage(), _state2!.DangerousGetStorage(),
                    learningRate, _beta1, _beta2, _epsilon, _step, _decoupledWeightDecay, _path);
                break;
            default:
                throw new InvalidOperationException($"Optimizer kind {(int)_optimizer.Kind} has no update; expected one of: {OptimizerNames.ValidNames}.");
        }
    }

    /// <summary>Loss and accuracy over a data set in chunks of the capacity; the gradient output is scratch.</summary>
    private Evaluation EvaluateCore(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y)
    {
        var total = 0.0;
        var correct = 0;
        for (var start = 0; start < x.Rows; start += _engine.Capacity)
        {
            var count = Math.Min(_engine.Capacity, x.Rows - start);
            var loss = _engine.ForwardOnly(x.SliceRows(start, count), y.SliceRows(start, count), countCorrect: true, out var chunkCorrect);
            total += double.CreateTruncating(loss) * count;
            correct += chunkCorrect;
        }

        return new Evaluation(total / x.Rows, (double)correct / x.Rows);
    }

    /// <summary>The gradient vector of the last <see cref="ComputeGradients"/> or step, in the parameter layout.</summary>
    internal ReadOnlySpan<T> GradientStorage => _gradients.DangerousGetStorage();

    internal Span<T> WritableGradientStorage => _gradients.DangerousGetStorage();

    /// <summary>The mean loss at the current parameters, for data already validated and within the capacity.</summary>
    internal T LossOnly(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y) => _engine.ForwardOnly(x, y, countCorrect: false, out _);
}
