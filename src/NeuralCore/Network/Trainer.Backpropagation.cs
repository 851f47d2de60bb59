using System.Diagnostics;
using System.Runtime.CompilerServices;
using NeuralCore.Network.Internals;

namespace NeuralCore;

/// <summary>The forward pass with stored activations, the four backpropagation equations, and the update.</summary>
public sealed partial class Trainer<T>
{
    /// <summary>
    /// Forward over <paramref name="x"/> storing every A (and the output Z, and the hidden Z that f′ reads), then the loss; returns the output view.
    /// </summary>
    /// <remarks>The accuracy count is only taken when <paramref name="countCorrect"/> is set (epochs and evaluations need it, single steps do not).</remarks>
    private T Forward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> outputGradient, bool countCorrect, out int correct)
    {
        Debug.Assert(x.Rows <= _capacity);
        var rows = x.Rows;
        var last = _architecture.LayerCount - 1;
        var input = x;
        for (var l = 0; l <= last; l++)
        {
            var spec = _architecture[l];
            var a = Rows(_activations[l], rows, spec.OutputDim);

            // The output Z is needed for the losses computed from the logits (a linear output has Z = A, so nothing
            // extra is stored); a hidden Z only where f′ reads it (elsewhere f′ comes from A).
            var z = l == last
                ? (spec.Activation != Activation.Linear ? Rows(_outputZ!, rows, spec.OutputDim) : default)
                : (_hiddenZ[l] is { } hiddenZ ? Rows(hiddenZ, rows, spec.OutputDim) : default);
            Gemm.MultiplyBiasActivateCore(input, MatrixOp.None, _network.WeightsInternal(l), MatrixOp.None, _network.BiasInternal(l), BiasAlong.Columns, spec.Activation, z, a, storeZ: !z.IsEmpty, _path, _compute.MaxThreads);
            input = a;
        }

        var outputSpec = _architecture[last];
        var output = Rows(_activations[last], rows, outputSpec.OutputDim);
        ReadOnlyMatrixSpan<T> logits = outputSpec.Activation == Activation.Linear ? output : Rows(_outputZ!, rows, outputSpec.OutputDim);

        // BP1, fused with the loss: δᴸ = ∂L/∂Zᴸ, with the 1/m of the mean already included.
        var loss = Losses.EvaluateWithOutputGradient(Options.Loss, outputSpec.Activation, logits, output, y, outputGradient, _compute);
        correct = countCorrect ? Metrics.CountCorrect(output, y, _path, _classIdTargets) : 0;
        return loss;
    }

    /// <summary>Computes the loss and every gradient for one batch into the gradient vector.</summary>
    private T ForwardBackward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> inputGradient, bool countCorrect, out int correct)
    {
        if (_network.IsNarrow)
        {
            return NarrowForwardBackward(NarrowInput(x), y, inputGradient, countCorrect, out correct);
        }

        var rows = x.Rows;
        var last = _architecture.LayerCount - 1;
        var delta = Rows(_delta0!, rows, _architecture[last].OutputDim);
        var spare = _delta1!;
        var loss = Forward(x, y, delta, countCorrect, out correct);

        for (var l = last; l >= 0; l--)
        {
            var spec = _architecture[l];
            ReadOnlyMatrixSpan<T> previous = l == 0 ? x : Rows(_activations[l - 1], rows, spec.InputDim);

            // BP4: ∂C/∂W = δᵀ·A_prev / m, stored as W_int: dW_int[in, out] = A_prevᵀ·δ (1/m is inside δ).
            Gemm.Multiply(previous, MatrixOp.Transpose, delta, MatrixOp.None, T.One, T.Zero, WeightGradient(l), _compute);

            // BP3: ∂C/∂b = Σ_rows δ / m (1/m is inside δ).
            Reductions.SumColumns(delta, T.One, BiasGradient(l), _compute);

            if (l > 0)
            {
                // BP2: δˡ⁻¹ = (δˡ·Wˡ) ⊙ f′(Zˡ⁻¹): the product, then the derivative in place, from the stored A (and the
                // stored Z for the activations whose f′ reads it; none stored means none needed).
                var next = Rows(spare, rows, spec.InputDim);
                Gemm.Multiply(delta, MatrixOp.None, _network.WeightsInternal(l), MatrixOp.Transpose, T.One, T.Zero, next, _compute);
                var previousActivation = Rows(_activations[l - 1], rows, spec.InputDim);
                ReadOnlyMatrixSpan<T> previousZ = _hiddenZ[l - 1] is { } hiddenZ ? Rows(hiddenZ, rows, spec.InputDim) : default;
                Activations.Backward(_architecture[l - 1].Activation, previousZ, previousActivation, next, next, _compute);
                spare = ReferenceEquals(spare, _delta1) ? _delta0! : _delta1!;
                delta = next;
            }
            else if (inputGradient.Rows != 0)
            {
                // ∂L/∂X = δ⁰·W⁰ (no activation before the input).
                Gemm.Multiply(delta, MatrixOp.None, _network.WeightsInternal(0), MatrixOp.Transpose, T.One, T.Zero, inputGradient, _compute);
            }
        }

        return loss;
    }

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
        for (var start = 0; start < x.Rows; start += _capacity)
        {
            var count = Math.Min(_capacity, x.Rows - start);
            var loss = ForwardOnly(x.SliceRows(start, count), y.SliceRows(start, count), countCorrect: true, out var chunkCorrect);
            total += double.CreateTruncating(loss) * count;
            correct += chunkCorrect;
        }

        return new Evaluation(total / x.Rows, (double)correct / x.Rows);
    }

    /// <summary>The gradient vector of the last <see cref="ComputeGradients"/> or step, in the parameter layout.</summary>
    internal ReadOnlySpan<T> GradientStorage => _gradients.DangerousGetStorage();

    internal Span<T> WritableGradientStorage => _gradients.DangerousGetStorage();

    /// <summary>The mean loss at the current parameters, for data already validated and within the capacity.</summary>
    internal T LossOnly(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y) => ForwardOnly(x, y, countCorrect: false, out _);

    /// <summary>The loss (and accuracy count) of a row-major batch within the capacity, on either engine; δ is scratch.</summary>
    private T ForwardOnly(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, bool countCorrect, out int correct) =>
        _network.IsNarrow
            ? NarrowForwardOnly(NarrowInput(x), y, countCorrect, out correct)
            : Forward(x, y, Rows(_delta0!, x.Rows, _network.OutputSize), countCorrect, out correct);

    /// <summary>The width of a target row: the output size, or 1 for class ids (<see cref="Loss.TargetColumns"/>).</summary>
    private int TargetColumns => _targetColumns;

    /// <summary>A contiguous [rows, columns] view over the start of a buffer (a partial batch is just fewer rows).</summary>
    private static MatrixSpan<T> Rows(Matrix<T> buffer, int rows, int columns) =>
        RowStride.View(buffer.DangerousGetStorage(), rows, columns);
}
