using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals;
using NeuralCore.Network.Internals;

namespace NeuralCore;

/// <summary>
/// Trains a <see cref="NeuralNetwork{T}"/>: forward pass, the four backpropagation equations, and an optimizer
/// update, into buffers allocated once for the largest batch and reused by every step.
/// </summary>
/// <remarks>
/// <para>Buffers, for a capacity of B rows (grown, never shrunk, when a larger batch arrives):</para>
/// <code>
/// A_l      [B, out_l] per layer    activations, kept for the backward pass
/// Z_L      [B, out_L]              the output layer's pre-activation (the fused losses work from the logits)
/// Z_l      [B, out_l]              a hidden layer's pre-activation, only where f′ needs it (GELU, SiLU, softplus:
///                                  <see cref="Activation.BackwardNeedsPreActivation"/>); the others' f′ comes from A
/// δ, δ′    [B, max out_l]          the error of the current and the previous layer, ping-pong
/// X_b, Y_b [B, in], [B, out_L]     gathered rows of a shuffled mini-batch
/// ∇        one flat vector         the gradients, in the parameter layout; optimizer state, the epoch snapshot and
///                                  early stopping's best parameters alike
/// </code>
/// <para>A partial last batch uses views of the first rows of the same buffers, so after the first step of the
/// largest batch size nothing is allocated.</para>
/// <para>A trainer is not thread-safe, and predictions on its network must not run while it trains.</para>
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed partial class Trainer<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NeuralNetwork<T> _network;
    private readonly int _targetColumns;
    private readonly bool _classIdTargets;
    private readonly bool _sigmoidCrossEntropyOutput;
    private readonly NetworkArchitecture _architecture;
    private readonly ComputeOptions _compute;
    private readonly KernelPath _path;
    private readonly Matrix<T> _gradients;
    private readonly Matrix<T> _snapshot;
    private readonly Matrix<T>? _best;
    private readonly Matrix<T>? _state1;
    private readonly Matrix<T>? _state2;
    private readonly SeededRandom _random;
    private readonly Optimizer _optimizer;
    private readonly T _weightDecay;
    private readonly T _decoupledWeightDecay;
    private readonly T _momentum;
    private readonly T _beta1;
    private readonly T _beta2;
    private readonly T _alpha;
    private readonly T _epsilon;
    private Matrix<T>[] _activations = [];
    private Matrix<T>? _outputZ;
    private Matrix<T>?[] _hiddenZ = [];
    private Matrix<T>? _delta0;
    private Matrix<T>? _delta1;
    private Matrix<T>? _batchX;
    private Matrix<T>? _batchY;
    private int[] _permutation = [];
    private int _capacity;
    private int _step;
    private int _epochsCompleted;
    private bool _fitting;
    private bool _disposed;

    /// <summary>Creates a trainer; checks that the options fit the network before anything changes.</summary>
    /// <param name="network">The network to train (its parameters are updated in place).</param>
    /// <param name="options">The loss, optimizer, epochs, batch size, shuffling and kernels.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the loss does not fit the output activation.</exception>
    public Trainer(NeuralNetwork<T> network, TrainingOptions options)
        : this(network, options, evaluationOnly: false)
    {
    }

    /// <summary>
    /// An evaluation-only trainer: <see cref="NeuralNetwork{T}.Evaluate"/>'s per-thread workspace, so an evaluation runs
    /// the trainer's own forward pass and loss (the same numbers as <see cref="Evaluate"/>). It evaluates in chunks of
    /// <see cref="NeuralNetwork{T}.EvaluationChunkRows"/> rows and never trains, so the gradient vector and the epoch
    /// snapshot are one-element placeholders and the optimizer (plain SGD) has no state.
    /// </summary>
    internal Trainer(NeuralNetwork<T> network, Loss loss, ComputeOptions compute)
        : this(network, new TrainingOptions(loss, Optimizer.Sgd(1)) { BatchSize = NeuralNetwork<T>.EvaluationChunkRows, Compute = compute }, evaluationOnly: true)
    {
    }

    private Trainer(NeuralNetwork<T> network, TrainingOptions options, bool evaluationOnly)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        network.ThrowIfDisposed();
        options.Validate(nameof(options));
        CheckLossFitsOutput(options.Loss, network.Architecture, $"{nameof(options)}.{nameof(options.Loss)}", nameof(options));

        _network = network;
        _architecture = network.Architecture;
        Options = options;

        // The loss's facts the steps ask for, looked up once (each is a table lookup in the loss definition).
        _targetColumns = options.Loss.TargetColumns(network.OutputSize);
        _classIdTargets = options.Loss.TargetsAreClassIds;
        _sigmoidCrossEntropyOutput = options.Loss.Kind == LossKind.BinaryCrossEntropy && options.Loss.IsFusedWith(network.Architecture.OutputActivation);
        _compute = options.Compute;
        _path = options.Compute.ResolvePath();
        var optimizer = options.Optimizer;
        _optimizer = optimizer;
        _weightDecay = T.CreateTruncating(optimizer.WeightDecay);
        _decoupledWeightDecay = T.CreateTruncating(optimizer.DecoupledWeightDecay);
        _momentum = T.CreateTruncating(optimizer.Momentum);
        _beta1 = T.CreateTruncating(optimizer.Beta1);
        _beta2 = T.CreateTruncating(optimizer.Beta2);
        _alpha = T.CreateTruncating(optimizer.Alpha);
        _epsilon = T.CreateTruncating(optimizer.Epsilon);

        var length = evaluationOnly ? 1 : network.Layout.Length;
        _gradients = new Matrix<T>(1, length);
        _snapshot = new Matrix<T>(1, length);
        var stateVectors = optimizer.StateVectors;
        if (stateVectors >= 1)
        {
            _state1 = new Matrix<T>(1, length);
        }

        if (stateVectors >= 2)
        {
            _state2 = new Matrix<T>(1, length);
        }

        if (options.EarlyStopping is { RestoreBestWeights: true })
        {
            _best = new Matrix<T>(1, length);
        }

        _random = new SeededRandom(options.Seed);
    }

    /// <summary>The network being trained.</summary>
    public NeuralNetwork<T> Network => _network;

    /// <summary>The options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The number of optimizer steps taken so far.</summary>
    public int Steps => _step;

    /// <summary>
    /// The number of epochs completed by <see cref="Fit"/> on this trainer, over all its calls (restored by
    /// <see cref="RestoreCheckpoint(string)"/>); each call's <see cref="EpochReport.Epoch"/> still counts from 1.
    /// </summary>
    public int EpochsCompleted => _epochsCompleted;

    /// <summary>
    /// One training step on one batch: forward, backward, optimizer update. Allocates nothing once a batch of this
    /// size (or larger) has been seen.
    /// </summary>
    /// <param name="x">Shape: [m, InputSize], finite.</param>
    /// <param name="y">Shape: [m, OutputSize], finite; for <see cref="Loss.SparseCrossEntropy"/> [m, 1], class ids.</param>
    /// <returns>The batch's mean loss, measured before the update.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, the batch is empty, or a value is NaN/±∞ (nothing is changed).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T TrainStep(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y)
    {
        ValidateData(x, y, nameof(x), nameof(y));
        EnsureCapacity(x.Rows);
        var loss = ForwardBackward(x, y, default, countCorrect: false, out _);
        Update();
        return loss;
    }

    /// <summary>
    /// Computes the gradients of the mean loss over the batch without updating the parameters; read them with
    /// <see cref="CopyWeightGradientTo"/> and <see cref="CopyBiasGradientTo"/>.
    /// </summary>
    /// <param name="x">Shape: [m, InputSize], finite.</param>
    /// <param name="y">Shape: [m, OutputSize], finite; for <see cref="Loss.SparseCrossEntropy"/> [m, 1], class ids.</param>
    /// <param name="inputGradient">Shape: [m, InputSize] to receive ∂L/∂X, or <see langword="default"/> to skip it.</param>
    /// <returns>The batch's mean loss.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, the batch is empty, or a value is NaN/±∞.</exception>
    public T ComputeGradients(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, MatrixSpan<T> inputGradient = default)
    {
        ValidateData(x, y, nameof(x), nameof(y));
        if (inputGradient.Rows != 0 || inputGradient.Columns != 0)
        {
            if (inputGradient.Rows != x.Rows || inputGradient.Columns != x.Columns)
            {
                throw new ArgumentException($"inputGradient must have the shape of x, {x.Rows}×{x.Columns}; got {inputGradient.Rows}×{inputGradient.Columns}.", nameof(inputGradient));
            }

            ArgumentValidation.Disjoint(x, inputGradient, nameof(x), nameof(inputGradient));
        }

        EnsureCapacity(x.Rows);
        return ForwardBackward(x, y, inputGradient, countCorrect: false, out _);
    }

    /// <summary>Copies layer <paramref name="layer"/>'s weight gradient from the last step, shape [OutputDim, InputDim].</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="destination">Shape: [OutputDim, InputDim].</param>
    /// <exception cref="ArgumentException">The shape is wrong or the index is out of range.</exception>
    public void CopyWeightGradientTo(int layer, MatrixSpan<T> destination)
    {
        var spec = CheckLayer(layer);
        if (destination.Rows != spec.OutputDim || destination.Columns != spec.InputDim)
        {
            throw new ArgumentException($"destination must be [output_dim, input_dim] = {spec.OutputDim}×{spec.InputDim}; got {destination.Rows}×{destination.Columns}.", nameof(destination));
        }

        var gradient = WeightGradient(layer);
        for (var o = 0; o < spec.OutputDim; o++)
        {
            for (var i = 0; i < spec.InputDim; i++)
            {
                destination[o, i] = gradient[i, o];
            }
        }
    }

    /// <summary>Copies layer <paramref name="layer"/>'s bias gradient from the last step.</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="destination">Length: OutputDim.</param>
    /// <exception cref="ArgumentException">The length is wrong or the index is out of range.</exception>
    public void CopyBiasGradientTo(int layer, Span<T> destination)
    {
        var spec = CheckLayer(layer);
        if (destination.Length != spec.OutputDim)
        {
            throw new ArgumentException($"destination must have output_dim = {spec.OutputDim} elements; got {destination.Length}.", nameof(destination));
        }

        BiasGradient(layer).CopyTo(destination);
    }

    /// <summary>The mean loss and the accuracy of the network on a data set (no parameter changes).</summary>
    /// <param name="x">Shape: [m, InputSize], finite, m ≥ 1.</param>
    /// <param name="y">Shape: [m, OutputSize], finite; for <see cref="Loss.SparseCrossEntropy"/> [m, 1], class ids.</param>
    /// <returns>The evaluation.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, the data are empty, or a value is NaN/±∞.</exception>
    public Evaluation Evaluate(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y)
    {
        ValidateData(x, y, nameof(x), nameof(y));
        EnsureCapacity(Math.Min(x.Rows, Math.Max(_capacity, Options.BatchSize)));
        return EvaluateCore(x, y);
    }

    /// <summary>Returns the buffers' memory.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseBatchBuffers();
        _narrowData?.Dispose();
        _partGradients?.Dispose();
        _gradients.Dispose();
        _snapshot.Dispose();
        _best?.Dispose();
        _state1?.Dispose();
        _state2?.Dispose();
    }

    /// <summary>
    /// Rejects a loss that does not fit the output activation (binary cross-entropy needs sigmoid, cross-entropy
    /// softmax); <paramref name="displayName"/> is how the loss is called in the message (<c>options.Loss</c>, <c>loss</c>).
    /// </summary>
    internal static void CheckLossFitsOutput(Loss loss, NetworkArchitecture architecture, string displayName, string paramName)
    {
        var output = architecture.OutputActivation;
        if (!loss.FitsOutput(output))
        {
            throw new ArgumentException(
                $"{displayName} {loss} needs a {ActivationNames.GetName(loss.RequiredOutput!.Value)} output layer; the network's last layer ({architecture[architecture.LayerCount - 1]}) uses {ActivationNames.GetName(output)}.",
                paramName);
        }
    }

    private LayerSpec CheckLayer(int layer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)layer >= (uint)_architecture.LayerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer must be in [0, {_architecture.LayerCount}).");
        }

        return _architecture[layer];
    }

    private void ValidateData(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, string xName, string yName)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        DataValidation.RequireSamples(_network, Options.Loss, x, y, xName, yName);
    }

    // Per-layer views of the flat gradient vector (ParameterLayout's unchecked views, as the network's own accessors).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MatrixSpan<T> WeightGradient(int layer) => _network.Layout.Weights(_gradients.DangerousGetStorage(), layer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<T> BiasGradient(int layer) => _network.Layout.Bias(_gradients.DangerousGetStorage(), layer);

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
        {
            return;
        }

        ReleaseBatchBuffers();
        if (_network.IsNarrow)
        {
            AllocateNarrowBuffers(rows);
            _capacity = rows;
            return;
        }

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
        _batchY = Buffer(rows, TargetColumns);
        _capacity = rows;
    }

    private static Matrix<T> Buffer(int rows, int width) => new(rows, width, RowStride.For(width));

    /// <summary>Whether layer <paramref name="layer"/> has a hidden Z buffer (tests: only the layers whose f′ reads Z keep one).</summary>
    internal bool StoresHiddenZ(int layer) => (_network.IsNarrow ? _narrow?.HiddenZ : _hiddenZ) is { } buffers && layer < buffers.Length && buffers[layer] is not null;

    private void ReleaseBatchBuffers()
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
        ReleaseNarrowBuffers();
        _capacity = 0;
    }
}
