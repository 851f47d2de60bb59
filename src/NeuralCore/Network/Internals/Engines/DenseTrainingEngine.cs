using System.Diagnostics;
using System.Numerics;
using static NeuralCore.Network.Internals.Engines.TrainingBatch;

namespace NeuralCore.Network.Internals.Engines;

/// <summary>
/// The dense engine's training: the forward pass as one fused GEMM per layer with stored activations, and the four
/// backpropagation equations as GEMMs, a column sum and a fused derivative.
/// </summary>
/// <remarks>
/// Buffers, for a capacity of B rows (grown, never shrunk, when a larger batch arrives):
/// <code>
/// A_l      [B, out_l] per layer    activations, kept for the backward pass
/// Z_L      [B, out_L]              the output layer's pre-activation (the fused losses work from the logits)
/// Z_l      [B, out_l]              a hidden layer's pre-activation, only where f′ needs it
///                                  (<see cref="Activation.BackwardNeedsPreActivation"/>); the others' f′ comes from A
/// δ, δ′    [B, max out_l]          the error of the current and the previous layer, ping-pong
/// X_b, Y_b [B, in], [B, out_L]     gathered rows of a shuffled mini-batch
/// </code>
/// A partial last batch uses views of the first rows of the same buffers.
/// </remarks>
internal sealed class DenseTrainingEngine<T> : ITrainingEngine<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NeuralNetwork<T> _network;
    private readonly NetworkArchitecture _architecture;
    private readonly Loss _loss;
    private readonly ComputeOptions _compute;
    private readonly KernelPath _path;
    private readonly Matrix<T> _gradients;
    private readonly int _targetColumns;
    private readonly bool _classIdTargets;
    private Matrix<T>[] _activations = [];
    private Matrix<T>? _outputZ;
    private Matrix<T>?[] _hiddenZ = [];
    private Matrix<T>? _delta0;
    private Matrix<T>? _delta1;
    private Matrix<T>? _batchX;
    private Matrix<T>? _batchY;

    public DenseTrainingEngine(NeuralNetwork<T> network, Loss loss, ComputeOptions compute, Matrix<T> gradients)
    {
        _network = network;
        _architecture = network.Architecture;
        _loss = loss;
        _compute = compute;
        _path = compute.ResolvePath();
        _gradients = gradients;
        _targetColumns = loss.TargetColumns(network.OutputSize);
        _classIdTargets = loss.TargetsAreClassIds;
    }

    public int Capacity { get; private set; }

    public bool HasSplitSteps => false;

    public void EnsureCapacity(int rows)
    {
        if (rows <= Capacity)
        {
            return;
        }

        Release();
        var count = _architecture.LayerCount;
        var widest = 1;
        _activations = new Matrix<T>[count];
        for (var l = 0; l < count; l++)
        {
            _activations[l] = Buffer(rows, _architecture[l].OutputDim);
            widest = Math.Max(widest, _architecture[l].OutputDim);
        }

        _outputZ = Buffer(rows, _network.OutputSize);
        _hiddenZ = new Matrix<T>?[count];
        for (var l = 0; l < count - 1; l++)
        {
            // Only where f′ reads Z (no lambda here: its closure would be allocated on every call, before the early return).
            _hiddenZ[l] = _architecture[l].Activation.BackwardNeedsPreActivation ? Buffer(rows, _architecture[l].OutputDim) : null;
        }

        _delta0 = Buffer(rows, widest);
        _delta1 = Buffer(rows, widest);
        _batchX = Buffer(rows, _network.InputSize);
        _batchY = Buffer(rows, _targetColumns);
        Capacity = rows;
    }

    public void PrepareFit(ReadOnlyMatrixSpan<T> x)
    {
        // Row-major is this engine's own layout: batches are views or gathered rows of x itself.
    }

    public T FitBatch(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, ReadOnlySpan<int> order, int start, int count, out int correct)
    {
        if (order.IsEmpty)
        {
            return ForwardBackward(x.SliceRows(start, count), y.SliceRows(start, count), default, countCorrect: true, out correct);
        }

        var bx = Rows(_batchX!, count, _network.InputSize);
        var by = Rows(_batchY!, count, _targetColumns);
        Gather(x, order.Slice(start, count), bx);
        Gather(y, order.Slice(start, count), by);
        return ForwardBackward(bx, by, default, countCorrect: true, out correct);
    }

    public T ForwardBackward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> inputGradient, bool countCorrect, out int correct)
    {
        var rows = x.Rows;
        var last = _architecture.LayerCount - 1;
        var delta = Rows(_delta0!, rows, _architecture[last].OutputDim);
        var spare = _delta1!;
        var loss = Forward(x, y, delta, countCorrect, out correct);
        var gradients = _gradients.DangerousGetStorage();

        for (var l = last; l >= 0; l--)
        {
            var spec = _architecture[l];
            ReadOnlyMatrixSpan<T> previous = l == 0 ? x : Rows(_activations[l - 1], rows, spec.InputDim);

            // BP4: ∂C/∂W = δᵀ·A_prev / m, stored as W_int: dW_int[in, out] = A_prevᵀ·δ (1/m is inside δ).
            Gemm.Multiply(previous, MatrixOp.Transpose, delta, MatrixOp.None, T.One, T.Zero, _network.Layout.Weights(gradients, l), _compute);

            // BP3: ∂C/∂b = Σ_rows δ / m (1/m is inside δ).
            Reductions.SumColumns(delta, T.One, _network.Layout.Bias(gradients, l), _compute);

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

    public T ForwardOnly(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, bool countCorrect, out int correct) =>
        Forward(x, y, Rows(_delta0!, x.Rows, _network.OutputSize), countCorrect, out correct);

    public bool StoresHiddenZ(int layer) => layer < _hiddenZ.Length && _hiddenZ[layer] is not null;

    public void Dispose() => Release();

    /// <summary>
    /// Forward over <paramref name="x"/> storing every A (and the output Z, and the hidden Z that f′ reads), then the
    /// loss with δᴸ into <paramref name="outputGradient"/>; the accuracy count only when <paramref name="countCorrect"/>
    /// (epochs and evaluations need it, single steps do not).
    /// </summary>
    private T Forward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> outputGradient, bool countCorrect, out int correct)
    {
        Debug.Assert(x.Rows <= Capacity);
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
        var loss = Losses.EvaluateWithOutputGradient(_loss, outputSpec.Activation, logits, output, y, outputGradient, _compute);
        correct = countCorrect ? Metrics.CountCorrect(output, y, _path, _classIdTargets) : 0;
        return loss;
    }

    private static Matrix<T> Buffer(int rows, int width) => new(rows, width, RowStride.For(width));

    private void Release()
    {
        foreach (var matrix in _activations)
        {
            matrix.Dispose();
        }

        _activations = [];
        foreach (var matrix in _hiddenZ)
        {
            matrix?.Dispose();
        }

        _hiddenZ = [];
        _outputZ?.Dispose();
        _delta0?.Dispose();
        _delta1?.Dispose();
        _batchX?.Dispose();
        _batchY?.Dispose();
        Capacity = 0;
    }
}
