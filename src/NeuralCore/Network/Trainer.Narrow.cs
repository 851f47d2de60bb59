using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Network.Internals;
using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore;

/// <summary>
/// The narrow engine: the same equations on feature-major buffers ([features, batch], batch contiguous), one fused
/// kernel per layer and pass (<see cref="NarrowKernels"/>), for networks whose layers are all narrow.
/// </summary>
/// <remarks>
/// <code>
/// X_fm     [in, S]             the batch, transposed (Fit transposes the whole data set once instead)
/// A_l      [out_l, S]          activations;  Z_L [1, S] the output logits
/// δ, δ′    [max width, S]      errors, ping-pong
/// </code>
/// S is the capacity rounded up to 16, so every feature row starts 64-byte aligned. The output row [1, m] is also a
/// row-major column [m, 1], so the public fused losses run on it unchanged.
/// </remarks>
public sealed partial class Trainer<T>
{
    private Matrix<T>? _narrowInput;
    private Matrix<T>[] _narrowActivations = [];
    private Matrix<T>? _narrowZ;
    private Matrix<T>? _narrowDelta0;
    private Matrix<T>? _narrowDelta1;
    private Matrix<T>? _narrowData;
    private int _narrowStride;
    private int _narrowDataStride;

    private void AllocateNarrowBuffers(int rows)
    {
        _narrowStride = NarrowEngine.Stride(rows);
        var widest = _network.InputSize;
        _narrowActivations = new Matrix<T>[_architecture.LayerCount];
        for (var l = 0; l < _narrowActivations.Length; l++)
        {
            _narrowActivations[l] = new Matrix<T>(_architecture[l].OutputDim, _narrowStride);
            widest = Math.Max(widest, _architecture[l].OutputDim);
        }

        _narrowInput = new Matrix<T>(_network.InputSize, _narrowStride);
        _narrowZ = new Matrix<T>(1, _narrowStride);
        _narrowDelta0 = new Matrix<T>(widest, _narrowStride);
        _narrowDelta1 = new Matrix<T>(widest, _narrowStride);
        _batchY = new Matrix<T>(rows, 1);
    }

    private void ReleaseNarrowBuffers()
    {
        foreach (var matrix in _narrowActivations)
        {
            matrix.Dispose();
        }

        _narrowActivations = [];
        _narrowInput?.Dispose();
        _narrowZ?.Dispose();
        _narrowDelta0?.Dispose();
        _narrowDelta1?.Dispose();
    }

    /// <summary>Transposes a row-major batch into the feature-major input buffer.</summary>
    private ReadOnlyMatrixSpan<T> NarrowInput(ReadOnlyMatrixSpan<T> x)
    {
        var featureMajor = NarrowEngine.View(_narrowInput!, x.Columns, x.Rows, _narrowStride);
        NarrowEngine.ToFeatureMajor(x, featureMajor, _path);
        return featureMajor;
    }

    /// <summary>Transposes a whole training set once per <see cref="Fit"/> (the buffer is kept for the next call).</summary>
    private ReadOnlyMatrixSpan<T> NarrowData(ReadOnlyMatrixSpan<T> x)
    {
        var stride = NarrowEngine.Stride(x.Rows);
        if (_narrowData is null || _narrowDataStride < stride)
        {
            _narrowData?.Dispose();
            _narrowData = new Matrix<T>(x.Columns, stride);
            _narrowDataStride = stride;
        }

        var featureMajor = NarrowEngine.View(_narrowData, x.Columns, x.Rows, _narrowDataStride);
        NarrowEngine.ToFeatureMajor(x, featureMajor, _path);
        return featureMajor;
    }

    /// <summary>Gathers the columns <c>_permutation[start..]</c> of the transposed data set into the input buffer.</summary>
    private ReadOnlyMatrixSpan<T> NarrowGather(ReadOnlyMatrixSpan<T> data, int start, int count)
    {
        var featureMajor = NarrowEngine.View(_narrowInput!, data.Rows, count, _narrowStride);
        for (var f = 0; f < data.Rows; f++)
        {
            var source = data.GetRowSpan(f);
            var destination = featureMajor.GetRowSpan(f);
            for (var r = 0; r < count; r++)
            {
                destination[r] = source[_permutation[start + r]];
            }
        }

        return featureMajor;
    }

    /// <summary>
    /// The batch width the layer kernels run on: the samples rounded up to whole 16-element vectors when
    /// <paramref name="x"/> starts at column 0 of one of the trainer's own feature-major buffers (the input or the
    /// transposed data set, whose stride is <see cref="NarrowEngine.Stride"/>), so no forward or backward-data layer
    /// runs a narrower-width tail after its 512-bit vectors. Every column is computed on its own, so the extra columns
    /// (finite leftovers: the buffers start zeroed) never reach a real one; the head, the loss, the metrics and dW/db
    /// read the real samples only. A batch that is a column slice of the data set (Fit without shuffling, batch &lt;
    /// m) keeps its own width: its rounded-up end could pass the end of the buffer's last row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Padded(ReadOnlyMatrixSpan<T> x)
    {
        var padded = NarrowEngine.Stride(x.Columns);
        if (padded == x.Columns || padded > _narrowStride || x.Rows == 0)
        {
            return x.Columns;
        }

        ref var first = ref x.DangerousGetReferenceAt(0, 0);
        var room = StartsAt(_narrowInput, ref first) ? _narrowStride : StartsAt(_narrowData, ref first) ? _narrowDataStride : 0;
        return padded <= room && x.Stride == room ? padded : x.Columns;
    }

    private static bool StartsAt(Matrix<T>? buffer, ref T first) =>
        buffer is not null && Unsafe.AreSame(ref MemoryMarshal.GetReference(buffer.DangerousGetStorage()), ref first);

    /// <summary>Whether the output layer, loss and last backward-data step run as one fused pass (see <see cref="NarrowForward"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool NarrowHead(ReadOnlyMatrixSpan<T> y) =>
        Options.Loss == Loss.BinaryCrossEntropy && _architecture[_architecture.LayerCount - 1].Activation == Activation.Sigmoid
        && _path != KernelPath.Reference && y.IsContiguous;

    /// <summary>
    /// Forward pass, loss and δ of the output layer over <paramref name="wide"/> columns (the caller's
    /// <see cref="Padded"/>); with the fused head (<paramref name="head"/>: the caller's <see cref="NarrowHead"/>)
    /// also the previous layer's δ into <paramref name="previousDelta"/> when it is not empty. Both are taken once per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private T NarrowForward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, int wide, bool head, bool countCorrect, out int correct, MatrixSpan<T> previousDelta = default)
    {
        var columns = x.Columns;
        var last = _architecture.LayerCount - 1;
        var input = NarrowEngine.WithColumns(x, wide);

        // Sigmoid + binary cross-entropy (the seed nets): the output layer, loss, gradient, accuracy and the previous
        // layer's δ in one pass. The reference path keeps the separate kernels (they are the oracle), and a strided y
        // takes them too.
        var hidden = head ? last - 1 : last;
        for (var l = 0; l <= hidden; l++)
        {
            var spec = _architecture[l];
            var a = NarrowEngine.View(_narrowActivations[l], spec.OutputDim, wide, _narrowStride);
            var z = l == last && spec.Activation != Activation.Linear ? NarrowEngine.View(_narrowZ!, 1, wide, _narrowStride) : default;
            NarrowKernels.Forward(input, _network.WeightsInternal(l), _network.BiasInternal(l), spec.Activation, z, a, _path);
            input = a;
        }

        if (head)
        {
            var (sum, headCorrect) = NarrowKernels.SigmoidCrossEntropyHead(
                NarrowEngine.WithColumns(input, columns), _network.WeightsInternal(last), _network.BiasInternal(last)[0], y.DangerousGetSpan(),
                _narrowActivations[last].DangerousGetStorage()[..columns], _narrowDelta0!.DangerousGetStorage()[..columns],
                last == 0 ? Activation.Linear : _architecture[last - 1].Activation, last == 0 ? default : previousDelta, _path);
            correct = countCorrect ? headCorrect : 0;
            return columns == 0 ? T.Zero : T.CreateTruncating(sum / columns);
        }

        // One output: the feature-major row [1, m] is the row-major column [m, 1] the fused loss takes.
        var activation = _architecture[last].Activation;
        ReadOnlyMatrixSpan<T> output = NarrowEngine.Column(_narrowActivations[last], columns);
        var logits = activation == Activation.Linear ? output : NarrowEngine.Column(_narrowZ!, columns);
        var loss = Losses.EvaluateWithOutputGradient(Options.Loss, activation, logits, output, y, NarrowEngine.Column(_narrowDelta0!, columns), _compute);
        correct = countCorrect ? Metrics.CountCorrect(output, y, _path) : 0;
        return loss;
    }

    /// <summary>The forward pass and loss of a batch (evaluation): <see cref="NarrowForward"/> with this batch's width and head.</summary>
    private T NarrowForwardOnly(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, bool countCorrect, out int correct) =>
        NarrowForward(x, y, Padded(x), NarrowHead(y), countCorrect, out correct);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private T NarrowForwardBackward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> inputGradient, bool countCorrect, out int correct)
    {
        var columns = x.Columns;
        var last = _architecture.LayerCount - 1;
        // With the fused head, the output layer's BP2 (δ_prev of layer last − 1, into δ′) happens in the forward pass.
        var head = NarrowHead(y);
        var fused = last > 0 && head;
        var headDelta = fused ? NarrowEngine.View(_narrowDelta1!, _architecture[last].InputDim, columns, _narrowStride) : default;
        var wide = Padded(x);
        var loss = NarrowForward(x, y, wide, head, countCorrect, out correct, headDelta);
        var delta = NarrowEngine.View(_narrowDelta0!, 1, wide, _narrowStride);
        var spare = _narrowDelta1!;
        for (var l = last; l >= 0; l--)
        {
            var spec = _architecture[l];
            ReadOnlyMatrixSpan<T> previous = l == 0 ? NarrowEngine.WithColumns(x, wide) : NarrowEngine.View(_narrowActivations[l - 1], spec.InputDim, wide, _narrowStride);

            // BP3 and BP4 in one pass over δ: dW_int[i, o] = Σ_j δ[o, j]·A_prev[i, j], db[o] = Σ_j δ[o, j]; real samples only.
            NarrowKernels.WeightGradient(NarrowEngine.WithColumns<T>(delta, columns), NarrowEngine.WithColumns(previous, columns), WeightGradient(l), BiasGradient(l), _path);
            if (l == last && fused)
            {
                delta = NarrowEngine.View(_narrowDelta1!, _architecture[last].InputDim, wide, _narrowStride);
                spare = _narrowDelta0!;
            }
            else if (l > 0)
            {
                // BP2 fused: δ_prev = (W·δ) ⊙ f′(A_prev).
                var next = NarrowEngine.View(spare, spec.InputDim, wide, _narrowStride);
                NarrowKernels.BackwardData(delta, _network.WeightsInternal(l), _architecture[l - 1].Activation, previous, next, _path);
                spare = ReferenceEquals(spare, _narrowDelta1) ? _narrowDelta0! : _narrowDelta1!;
                delta = next;
            }
            else if (inputGradient.Rows != 0)
            {
                var featureMajor = NarrowEngine.View(spare, spec.InputDim, columns, _narrowStride);
                NarrowKernels.BackwardData(NarrowEngine.WithColumns<T>(delta, columns), _network.WeightsInternal(0), Activation.Linear, default, featureMajor, _path);
                featureMajor.TransposeTo(inputGradient);
            }
        }

        return loss;
    }
}
