using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Network.Internals.Narrow;
using static NeuralCore.Network.Internals.Engines.TrainingBatch;

namespace NeuralCore.Network.Internals.Engines;

/// <summary>
/// The narrow engine's training: the same equations on feature-major buffers ([features, batch], batch contiguous),
/// one fused kernel per layer and pass (<see cref="NarrowKernels"/>), for networks whose layers are all narrow.
/// </summary>
/// <remarks>
/// <code>
/// X_fm     [in, S]             the batch, transposed (Fit transposes the whole data set once instead)
/// A_l      [out_l, S]          activations;  Z_L [1, S] the output logits      } a NarrowWorkspace: a two-thread
/// Z_l      [out_l, S]          only for hidden layers whose f′ reads Z         }
/// δ, δ′    [max width, S]      errors, ping-pong                               } step gives its second half its own
/// Y_b      [B, 1]              gathered targets of a shuffled mini-batch
/// </code>
/// S is the capacity rounded up to 16, so every feature row starts 64-byte aligned. The output row [1, m] is also a
/// row-major column [m, 1], so the public fused losses run on it unchanged.
/// </remarks>
internal sealed partial class NarrowTrainingEngine<T> : ITrainingEngine<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NeuralNetwork<T> _network;
    private readonly NetworkArchitecture _architecture;
    private readonly Loss _loss;
    private readonly ComputeOptions _compute;
    private readonly KernelPath _path;
    private readonly Matrix<T> _gradients;
    private readonly bool _sigmoidCrossEntropyOutput;
    private Matrix<T>? _narrowInput;
    private NarrowWorkspace? _narrow;
    private Matrix<T>? _narrowData;
    private Matrix<T>? _batchY;
    private int _narrowStride;
    private int _narrowDataStride;
    private int _dataFeatures;
    private int _dataRows;

    public NarrowTrainingEngine(NeuralNetwork<T> network, Loss loss, ComputeOptions compute, Matrix<T> gradients)
    {
        _network = network;
        _architecture = network.Architecture;
        _loss = loss;
        _compute = compute;
        _path = compute.ResolvePath();
        _gradients = gradients;
        _sigmoidCrossEntropyOutput = loss.Kind == LossKind.BinaryCrossEntropy && loss.IsFusedWith(network.Architecture.OutputActivation);
    }

    public int Capacity { get; private set; }

    public bool HasSplitSteps => _partGradients is not null;

    public void EnsureCapacity(int rows)
    {
        if (rows <= Capacity)
        {
            return;
        }

        ReleaseBatchBuffers();
        _narrowStride = NarrowEngine.Stride(rows);
        _narrow = new NarrowWorkspace(_architecture, _narrowStride);
        _narrowInput = new Matrix<T>(_network.InputSize, _narrowStride);
        _batchY = new Matrix<T>(rows, 1);
        Capacity = rows;
    }

    /// <summary>Transposes a whole training set once per Fit (the buffer is kept for the next call).</summary>
    public void PrepareFit(ReadOnlyMatrixSpan<T> x)
    {
        var stride = NarrowEngine.Stride(x.Rows);
        if (_narrowData is null || _narrowDataStride < stride)
        {
            _narrowData?.Dispose();
            _narrowData = new Matrix<T>(x.Columns, stride);
            _narrowDataStride = stride;
        }

        _dataFeatures = x.Columns;
        _dataRows = x.Rows;
        NarrowEngine.ToFeatureMajor(x, NarrowEngine.View(_narrowData, x.Columns, x.Rows, _narrowDataStride), _path);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T FitBatch(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, ReadOnlySpan<int> order, int start, int count, out int correct)
    {
        var data = NarrowEngine.View(_narrowData!, _dataFeatures, _dataRows, _narrowDataStride);
        if (!order.IsEmpty)
        {
            var by = Rows(_batchY!, count, y.Columns);
            Gather(y, order.Slice(start, count), by);
            return NarrowForwardBackward(NarrowGather(data, order.Slice(start, count)), by, default, countCorrect: true, out correct);
        }

        // Full batch: the views themselves (slicing is a checked call, and this runs every epoch).
        return count == _dataRows
            ? NarrowForwardBackward(data, y, default, countCorrect: true, out correct)
            : NarrowForwardBackward(data.SliceColumns(start, count), y.SliceRows(start, count), default, countCorrect: true, out correct);
    }

    public T ForwardBackward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> inputGradient, bool countCorrect, out int correct) =>
        NarrowForwardBackward(NarrowInput(x), y, inputGradient, countCorrect, out correct);

    /// <summary>The forward pass and loss of a batch (evaluation): <see cref="NarrowForward"/> with this batch's width and head.</summary>
    public T ForwardOnly(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, bool countCorrect, out int correct)
    {
        var featureMajor = NarrowInput(x);
        return NarrowForward(featureMajor, y, Padded(featureMajor), NarrowHead(y), countCorrect, out correct);
    }

    public bool StoresHiddenZ(int layer) => _narrow?.HiddenZ is { } buffers && layer < buffers.Length && buffers[layer] is not null;

    public void Dispose()
    {
        ReleaseBatchBuffers();
        _narrowData?.Dispose();
        _partGradients?.Dispose();
    }

    private void ReleaseBatchBuffers()
    {
        _narrow?.Dispose();
        _narrow = null;
        _narrowSecondHalf?.Dispose();
        _narrowSecondHalf = null;
        _narrowInput?.Dispose();
        _batchY?.Dispose();
        Capacity = 0;
    }

    /// <summary>Transposes a row-major batch into the feature-major input buffer.</summary>
    private ReadOnlyMatrixSpan<T> NarrowInput(ReadOnlyMatrixSpan<T> x)
    {
        var featureMajor = NarrowEngine.View(_narrowInput!, x.Columns, x.Rows, _narrowStride);
        NarrowEngine.ToFeatureMajor(x, featureMajor, _path);
        return featureMajor;
    }

    /// <summary>Gathers the columns <paramref name="order"/> of the transposed data set into the input buffer.</summary>
    private ReadOnlyMatrixSpan<T> NarrowGather(ReadOnlyMatrixSpan<T> data, ReadOnlySpan<int> order)
    {
        var featureMajor = NarrowEngine.View(_narrowInput!, data.Rows, order.Length, _narrowStride);
        for (var f = 0; f < data.Rows; f++)
        {
            var source = data.GetRowSpan(f);
            var destination = featureMajor.GetRowSpan(f);
            for (var r = 0; r < order.Length; r++)
            {
                destination[r] = source[order[r]];
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
        _sigmoidCrossEntropyOutput && _path != KernelPath.Reference && y.IsContiguous;

    /// <summary>
    /// Forward pass, loss and δ of the output layer over <paramref name="wide"/> columns (the caller's
    /// <see cref="Padded"/>), through the fused head when <paramref name="head"/> (the caller's <see cref="NarrowHead"/>).
    /// A training step with the fused head goes through <see cref="NarrowHalf"/> instead, which also takes the previous
    /// layer's δ in the head's pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private T NarrowForward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, int wide, bool head, bool countCorrect, out int correct)
    {
        var columns = x.Columns;
        var last = _architecture.LayerCount - 1;
        var work = _narrow!;

        // Sigmoid + binary cross-entropy (the tutorial nets): the output layer, loss, gradient, accuracy and the previous
        // layer's δ in one pass. The reference path keeps the separate kernels (they are the oracle), and a strided y
        // takes them too.
        if (head)
        {
            var input = NarrowLayers(x, work, wide, last);
            var (sum, headCorrect) = NarrowHeadPass(NarrowEngine.WithColumns(input, columns), y.DangerousGetSpan(), work, columns, previousDelta: default);
            correct = countCorrect ? headCorrect : 0;
            return columns == 0 ? T.Zero : T.CreateTruncating(sum / columns);
        }

        NarrowLayers(x, work, wide, last + 1);

        // One output: the feature-major row [1, m] is the row-major column [m, 1] the fused loss takes.
        var activation = _architecture[last].Activation;
        ReadOnlyMatrixSpan<T> output = NarrowEngine.Column(work.Activations[last], columns);
        var logits = activation == Activation.Linear ? output : NarrowEngine.Column(work.Z, columns);
        var loss = Losses.EvaluateWithOutputGradient(_loss, activation, logits, output, y, NarrowEngine.Column(work.Delta0, columns), _compute);
        correct = countCorrect ? Metrics.CountCorrect(output, y, _path) : 0;
        return loss;
    }

    /// <summary>
    /// Layers [0, <paramref name="count"/>) forward over <paramref name="wide"/> columns of <paramref name="x"/> into
    /// <paramref name="work"/>; returns the last activation (<paramref name="x"/> when <paramref name="count"/> is 0).
    /// The output layer also stores Z, and so does a hidden layer whose f′ reads it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlyMatrixSpan<T> NarrowLayers(ReadOnlyMatrixSpan<T> x, NarrowWorkspace work, int wide, int count)
    {
        var last = _architecture.LayerCount - 1;
        var input = NarrowEngine.WithColumns(x, wide);
        for (var l = 0; l < count; l++)
        {
            var spec = _architecture[l];
            var a = NarrowEngine.View(work.Activations[l], spec.OutputDim, wide, _narrowStride);
            var z = l == last
                ? (spec.Activation != Activation.Linear ? NarrowEngine.View(work.Z, 1, wide, _narrowStride) : default)
                : HiddenZ(work, l, wide);
            NarrowKernels.Forward(input, _network.WeightsInternal(l), _network.BiasInternal(l), spec.Activation, z, a, _path);
            input = a;
        }

        return input;
    }

    /// <summary>
    /// The fused sigmoid + BCE output layer over <paramref name="input"/> (the last hidden activation, real samples
    /// only) into <paramref name="work"/>, with δ = (a − y)/<paramref name="batch"/>; returns the summed loss and the
    /// correct count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (double Sum, int Correct) NarrowHeadPass(ReadOnlyMatrixSpan<T> input, ReadOnlySpan<T> y, NarrowWorkspace work, int batch, MatrixSpan<T> previousDelta)
    {
        var last = _architecture.LayerCount - 1;
        var columns = input.Columns;
        return NarrowKernels.SigmoidCrossEntropyHead(
            input, _network.WeightsInternal(last), _network.BiasInternal(last)[0], y,
            work.Activations[last].DangerousGetStorage()[..columns], work.Delta0.DangerousGetStorage()[..columns],
            last == 0 ? Activation.Linear : _architecture[last - 1].Activation, last == 0 ? default : HiddenZ(work, last - 1, columns),
            last == 0 ? default : previousDelta, batch, _path);
    }

    /// <summary>The stored Z of hidden layer <paramref name="layer"/> over <paramref name="columns"/>, or empty when its f′ does not read Z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MatrixSpan<T> HiddenZ(NarrowWorkspace work, int layer, int columns) =>
        work.HiddenZ[layer] is { } z ? NarrowEngine.View(z, _architecture[layer].OutputDim, columns, _narrowStride) : default;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private T NarrowForwardBackward(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> inputGradient, bool countCorrect, out int correct)
    {
        var columns = x.Columns;
        var last = _architecture.LayerCount - 1;
        var head = NarrowHead(y);
        var wide = Padded(x);
        if (head && inputGradient.Rows == 0 && columns >= NarrowSplitColumns && _compute.MaxThreads >= 2)
        {
            var mean = NarrowForwardBackwardInParts(x, y.DangerousGetSpan(), wide, out var partsCorrect);
            correct = countCorrect ? partsCorrect : 0;
            return mean;
        }

        if (head)
        {
            // The fused head on one thread: the whole batch as a single "half".
            var (sum, headCorrect) = NarrowHalf(x, y.DangerousGetSpan(), 0, columns, wide, _narrow!, _gradients.DangerousGetStorage(), inputGradient);
            correct = countCorrect ? headCorrect : 0;
            return columns == 0 ? T.Zero : T.CreateTruncating(sum / columns);
        }

        var loss = NarrowForward(x, y, wide, head: false, countCorrect, out correct);
        NarrowBackward(x, _narrow!, wide, fused: false, _gradients.DangerousGetStorage(), inputGradient);
        return loss;
    }

    /// <summary>
    /// BP3/BP4 of every layer into <paramref name="gradients"/> (the parameter layout) and BP2 below the output
    /// layer (already done by the head when <paramref name="fused"/>), over <paramref name="x"/>'s real columns and
    /// the forward pass in <paramref name="work"/>; the data layers run <paramref name="wide"/> columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NarrowBackward(ReadOnlyMatrixSpan<T> x, NarrowWorkspace work, int wide, bool fused, Span<T> gradients, MatrixSpan<T> inputGradient)
    {
        var columns = x.Columns;
        var last = _architecture.LayerCount - 1;
        var delta = NarrowEngine.View(work.Delta0, 1, wide, _narrowStride);
        var spare = work.Delta1;
        for (var l = last; l >= 0; l--)
        {
            var spec = _architecture[l];
            ReadOnlyMatrixSpan<T> previous = l == 0 ? NarrowEngine.WithColumns(x, wide) : NarrowEngine.View(work.Activations[l - 1], spec.InputDim, wide, _narrowStride);

            // BP3 and BP4 in one pass over δ: dW_int[i, o] = Σ_j δ[o, j]·A_prev[i, j], db[o] = Σ_j δ[o, j]; real samples only.
            NarrowKernels.WeightGradient(
                NarrowEngine.WithColumns<T>(delta, columns), NarrowEngine.WithColumns(previous, columns), _network.Layout.Weights(gradients, l), _network.Layout.Bias(gradients, l), _path);
            if (l == last && fused)
            {
                delta = NarrowEngine.View(work.Delta1, _architecture[last].InputDim, wide, _narrowStride);
                spare = work.Delta0;
            }
            else if (l > 0)
            {
                // BP2 fused: δ_prev = (W·δ) ⊙ f′(A_prev), or f′(Z_prev) where f′ reads Z.
                var next = NarrowEngine.View(spare, spec.InputDim, wide, _narrowStride);
                NarrowKernels.BackwardData(delta, _network.WeightsInternal(l), _architecture[l - 1].Activation, HiddenZ(work, l - 1, wide), previous, next, _path);
                spare = ReferenceEquals(spare, work.Delta1) ? work.Delta0 : work.Delta1;
                delta = next;
            }
            else if (inputGradient.Rows != 0)
            {
                var featureMajor = NarrowEngine.View(spare, spec.InputDim, columns, _narrowStride);
                NarrowKernels.BackwardData(NarrowEngine.WithColumns<T>(delta, columns), _network.WeightsInternal(0), Activation.Linear, default, default, featureMajor, _path);
                featureMajor.TransposeTo(inputGradient);
            }
        }
    }

    /// <summary>The buffers one half of a step writes: activations, the output Z, the hidden Z that f′ reads and the two δ, [features, stride] each.</summary>
    private sealed class NarrowWorkspace : IDisposable
    {
        public NarrowWorkspace(NetworkArchitecture architecture, int stride)
        {
            var widest = architecture[0].InputDim;
            Activations = new Matrix<T>[architecture.LayerCount];
            for (var l = 0; l < Activations.Length; l++)
            {
                Activations[l] = new Matrix<T>(architecture[l].OutputDim, stride);
                widest = Math.Max(widest, architecture[l].OutputDim);
            }

            Z = new Matrix<T>(1, stride);
            HiddenZ = new Matrix<T>?[architecture.LayerCount];
            for (var l = 0; l < architecture.LayerCount - 1; l++)
            {
                HiddenZ[l] = architecture[l].Activation.BackwardNeedsPreActivation ? new Matrix<T>(architecture[l].OutputDim, stride) : null;
            }

            Delta0 = new Matrix<T>(widest, stride);
            Delta1 = new Matrix<T>(widest, stride);
        }

        public Matrix<T>[] Activations { get; }

        public Matrix<T> Z { get; }

        /// <summary>Per hidden layer, its Z [out_l, stride] where f′ reads Z; null elsewhere (and for the output layer, whose Z is <see cref="Z"/>).</summary>
        public Matrix<T>?[] HiddenZ { get; }

        public Matrix<T> Delta0 { get; }

        public Matrix<T> Delta1 { get; }

        public void Dispose()
        {
            foreach (var matrix in Activations)
            {
                matrix.Dispose();
            }

            Z.Dispose();
            foreach (var matrix in HiddenZ)
            {
                matrix?.Dispose();
            }

            Delta0.Dispose();
            Delta1.Dispose();
        }
    }
}
