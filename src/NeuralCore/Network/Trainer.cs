using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals;
using NeuralCore.Network.Internals;
using NeuralCore.Network.Internals.Engines;

namespace NeuralCore;

/// <summary>
/// Trains a <see cref="NeuralNetwork{T}"/>: forward pass, the four backpropagation equations, and an optimizer
/// update, into buffers allocated once for the largest batch and reused by every step.
/// </summary>
/// <remarks>
/// <para>The forward and backward passes run on the network's engine (<see cref="NeuralNetwork{T}.Engine"/>: one fused
/// GEMM per layer, or the narrow engine's feature-major kernels for small networks), whose batch buffers are sized for
/// the largest batch seen and reused by every step; a partial last batch uses views of them, so after the first step
/// of the largest batch size nothing is allocated. The trainer owns one flat vector of gradients in the parameter
/// layout, and as many again for the optimizer state, the epoch snapshot and early stopping's best parameters.</para>
/// <para>A trainer is not thread-safe, and predictions on its network must not run while it trains.</para>
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed partial class Trainer<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NeuralNetwork<T> _network;
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
    private readonly ITrainingEngine<T> _engine;
    private int[] _permutation = [];
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

        // The one engine this trainer runs (the network's, chosen by NetworkEngines): the passes and their buffers.
        _engine = NetworkEngines.CreateTraining(network.Engine, network, options.Loss, options.Compute, _gradients);
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
        _engine.EnsureCapacity(x.Rows);
        var loss = _engine.ForwardBackward(x, y, default, countCorrect: false, out _);
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

        _engine.EnsureCapacity(x.Rows);
        return _engine.ForwardBackward(x, y, inputGradient, countCorrect: false, out _);
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
        _engine.EnsureCapacity(Math.Min(x.Rows, Math.Max(_engine.Capacity, Options.BatchSize)));
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
        _engine.Dispose();
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

    /// <summary>Whether layer <paramref name="layer"/> has a hidden Z buffer (tests: only the layers whose f′ reads Z keep one).</summary>
    internal bool StoresHiddenZ(int layer) => _engine.StoresHiddenZ(layer);

    /// <summary>Whether a step has been split across two threads (tests: the split is otherwise invisible).</summary>
    internal bool HasSplitSteps => _engine.HasSplitSteps;
}
