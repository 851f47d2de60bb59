using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Network.Internals;
using NeuralCore.Network.Internals.Engines;

namespace NeuralCore;

/// <summary>
/// A dense feed-forward network: an <see cref="NetworkArchitecture"/> and its parameters, one weight matrix and one
/// bias vector per layer. <c>float</c> and <c>double</c> run the same generic code.
/// </summary>
/// <remarks>
/// <para>Data are row-major, one row per sample: X is [m, InputSize], predictions are [m, OutputSize]. Per layer
/// the forward pass is <c>Z = A_prev·Wᵀ + b</c>, <c>A = f(Z)</c>, with the bias broadcast over the rows.</para>
/// <para>Publicly each weight matrix is [OutputDim, InputDim] (as in the seeds and PyTorch); internally it is kept
/// transposed, [InputDim, OutputDim], which is the layout the forward and weight-gradient products read without
/// transposition (see <c>Network/Internals/ParameterLayout.cs</c>). Conversion happens only in the get/set
/// methods, which copy values bit-exactly.</para>
/// <para>Threading: any number of threads may call <see cref="Predict(ReadOnlySpan{T}, Span{T})"/> at the same time
/// (each thread gets its own small workspace; parameters are only read). Training (<see cref="Trainer{T}"/>) and the
/// Set methods mutate the parameters and must not overlap with predictions.</para>
/// <para>Engines: networks whose layers are all at most 32 wide with element-wise activations and one output (the
/// seed networks) run on fused feature-major kernels with SIMD lanes along the batch; all others on the GEMM
/// kernels. The choice is internal and automatic; parameters, results (to rounding) and the API are the same.
/// <see cref="ComputeOptions.MaxThreads"/> only affects the GEMM engine.</para>
/// </remarks>
/// <typeparam name="T">The element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed partial class NeuralNetwork<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The rows each thread's implicit prediction workspace processes per pass.</summary>
    public const int DefaultPredictionCapacity = 256;

    private readonly Matrix<T> _parameters;
    private readonly ThreadLocal<Predictor<T>> _predictors;

    /// <summary>Creates a network and initialises its parameters from <paramref name="initialization"/>'s seed.</summary>
    /// <param name="architecture">The layers.</param>
    /// <param name="initialization">The seeded initialisation (He-normal weights and zero biases unless set otherwise).</param>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> is null.</exception>
    /// <exception cref="ArgumentException">A scale is negative or not finite.</exception>
    public NeuralNetwork(NetworkArchitecture architecture, Initialization initialization)
        : this(architecture, initialization, narrow: null)
    {
    }

    /// <summary>Creates a network, forcing the engine (tests compare both on the same network).</summary>
    internal NeuralNetwork(NetworkArchitecture architecture, Initialization initialization, bool? narrow)
        : this(Checked(architecture, initialization), narrow)
    {
        Initialize(initialization);
    }

    /// <summary>A network with every parameter zero, for loaders that set them all (drawing 1.6 M Gaussians first cost 40 ms).</summary>
    private NeuralNetwork(NetworkArchitecture architecture, bool? narrow)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        Architecture = architecture;
        Engine = NetworkEngines.Choose(architecture, narrow switch { true => EngineKind.Narrow, false => EngineKind.Dense, null => null });
        Layout = new ParameterLayout(architecture);
        _parameters = new Matrix<T>(1, Layout.Length);
        _predictors = new ThreadLocal<Predictor<T>>(() => new Predictor<T>(this, DefaultPredictionCapacity, default), trackAllValues: true);
    }

    /// <summary>The architecture, once the arguments are checked (before anything is allocated).</summary>
    private static NetworkArchitecture Checked(NetworkArchitecture architecture, Initialization initialization)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        if (!(initialization.WeightScale >= 0 && double.IsFinite(initialization.WeightScale)))
        {
            throw new ArgumentException($"initialization.WeightScale must be finite and ≥ 0; got {initialization.WeightScale}.", nameof(initialization));
        }

        if (!(initialization.BiasScale >= 0 && double.IsFinite(initialization.BiasScale)))
        {
            throw new ArgumentException($"initialization.BiasScale must be finite and ≥ 0; got {initialization.BiasScale}.", nameof(initialization));
        }

        return architecture;
    }

    /// <summary>A network of <paramref name="architecture"/> with every weight and bias zero, for loaders that then set all of them.</summary>
    internal static NeuralNetwork<T> CreateZeroed(NetworkArchitecture architecture) => new(architecture, narrow: null);

    /// <summary>The layers.</summary>
    public NetworkArchitecture Architecture { get; }

    /// <summary>The number of layers.</summary>
    public int LayerCount => Architecture.LayerCount;

    /// <summary>The number of input features (columns of X).</summary>
    public int InputSize => Architecture.InputSize;

    /// <summary>The number of outputs (columns of a prediction).</summary>
    public int OutputSize => Architecture.OutputSize;

    /// <summary>The number of trainable values (weights and biases).</summary>
    public long ParameterCount => Architecture.ParameterCount;

    internal ParameterLayout Layout { get; }

    /// <summary>
    /// The engine training and inference run on (<see cref="NetworkEngines.Choose"/>): the narrow feature-major kernels
    /// (every layer ≤ 32 wide, element-wise activations, one output) or the GEMM kernels; the parameters and results
    /// are the same either way, to rounding.
    /// </summary>
    internal EngineKind Engine { get; }

    /// <summary>Whether <see cref="Engine"/> is the narrow engine.</summary>
    internal bool IsNarrow => Engine == EngineKind.Narrow;

    /// <summary>The flat parameter vector, padding included (zero).</summary>
    internal Span<T> ParameterStorage => _parameters.DangerousGetStorage();

    /// <summary>Creates a workspace for predictions on one thread, processing up to <paramref name="capacity"/> rows per pass.</summary>
    /// <param name="capacity">Rows per pass (≥ 1); larger batches are processed in chunks.</param>
    /// <param name="options">The kernel path and threads for the products.</param>
    /// <returns>The predictor; dispose it. It must not outlive this network.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is &lt; 1.</exception>
    public Predictor<T> CreatePredictor(int capacity = DefaultPredictionCapacity, ComputeOptions options = default)
    {
        ThrowIfDisposed();
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be ≥ 1.");
        }

        return new Predictor<T>(this, capacity, options);
    }

    /// <summary>Predicts one sample. Thread-safe; allocates nothing once the calling thread has warmed up.</summary>
    /// <param name="input">The features. Length: <see cref="InputSize"/>.</param>
    /// <param name="output">Receives the outputs. Length: <see cref="OutputSize"/>.</param>
    /// <exception cref="ArgumentException">A length is wrong, or the spans overlap.</exception>
    public void Predict(ReadOnlySpan<T> input, Span<T> output)
    {
        ThrowIfDisposed();
        _predictors.Value!.Predict(input, output);
    }

    /// <summary>Predicts a batch, one sample per row. Thread-safe; allocates nothing once the calling thread has warmed up.</summary>
    /// <param name="inputs">Shape: [m, <see cref="InputSize"/>].</param>
    /// <param name="outputs">Shape: [m, <see cref="OutputSize"/>]; must not overlap <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException">A shape is wrong, or the views overlap.</exception>
    public void Predict(ReadOnlyMatrixSpan<T> inputs, MatrixSpan<T> outputs)
    {
        ThrowIfDisposed();
        _predictors.Value!.Predict(inputs, outputs);
    }

    /// <summary>Predicts a batch into a new matrix (convenience; allocates the result).</summary>
    /// <param name="inputs">Shape: [m, <see cref="InputSize"/>].</param>
    /// <returns>A new [m, <see cref="OutputSize"/>] matrix; dispose it.</returns>
    public Matrix<T> Predict(ReadOnlyMatrixSpan<T> inputs)
    {
        ThrowIfDisposed();
        var result = new Matrix<T>(inputs.Rows, OutputSize);
        Predict(inputs, result.Span);
        return result;
    }

    /// <summary>Returns the memory of the parameters and workspaces.</summary>
    public void Dispose()
    {
        if (_parameters.IsDisposed)
        {
            return;
        }

        foreach (var predictor in _predictors.Values)
        {
            predictor.Dispose();
        }

        _predictors.Dispose();
        DisposeEvaluators();
        _parameters.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"NeuralNetwork<{typeof(T).Name}> {Architecture}";

    /// <summary>W_int[in, out] of layer <paramref name="layer"/>, read-only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlyMatrixSpan<T> WeightsInternal(int layer) => Layout.Weights(ParameterStorage, layer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal MatrixSpan<T> WritableWeightsInternal(int layer) => Layout.Weights(ParameterStorage, layer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<T> BiasInternal(int layer) => Layout.Bias(ParameterStorage, layer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<T> WritableBiasInternal(int layer) => Layout.Bias(ParameterStorage, layer);

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_parameters.IsDisposed, this);

    private void Initialize(Initialization initialization)
    {
        var random = new SeededRandom(initialization.Seed);
        for (var l = 0; l < LayerCount; l++)
        {
            var spec = Architecture[l];
            var std = initialization.Weights switch
            {
                WeightInitialization.SmallNormal => initialization.WeightScale,
                WeightInitialization.Xavier => Math.Sqrt(2.0 / (spec.InputDim + spec.OutputDim)),
                WeightInitialization.He => Math.Sqrt(2.0 / spec.InputDim),
                _ => throw new ArgumentException($"initialization.Weights {initialization.Weights} is not defined.", nameof(initialization)),
            };

            // Drawn in the public [out, in] order so the values do not depend on the internal layout.
            var weights = WritableWeightsInternal(l);
            for (var o = 0; o < spec.OutputDim; o++)
            {
                for (var i = 0; i < spec.InputDim; i++)
                {
                    weights[i, o] = T.CreateTruncating(random.NextGaussian() * std);
                }
            }

            var bias = WritableBiasInternal(l);
            if (initialization.Bias == BiasInitialization.SmallNormal)
            {
                for (var o = 0; o < bias.Length; o++)
                {
                    bias[o] = T.CreateTruncating(random.NextGaussian() * initialization.BiasScale);
                }
            }
            else
            {
                bias.Clear();
            }
        }
    }
}
