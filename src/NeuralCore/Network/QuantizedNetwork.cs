using System.Globalization;
using NeuralCore.Network.Internals;
using NeuralCore.Network.Internals.Quantized;

namespace NeuralCore;

/// <summary>
/// An inference-only copy of a <see cref="NeuralNetwork{T}"/> of <see cref="float"/> with low-precision weights
/// (<see cref="QuantizationMode"/>): int8 or bfloat16. Batch-1 inference streams the weights, so fewer bytes per weight
/// is lower latency; the accuracy cost is measured by <see cref="QuantizationReport"/>.
/// </summary>
/// <remarks>
/// <para><b>int8</b>: per output n, <c>scale_n = max |W[n,:]| / 127</c> and <c>q = round(W / scale_n)</c> in −127…127
/// (symmetric, per output channel). Each layer's input is quantized to 7-bit codes u = round(x · (1/s)) + z in 0…127,
/// with s and z from each row's own range at every prediction (<see cref="ActivationQuantization.Dynamic"/>; 7-bit as
/// PyTorch's <c>quantize_dynamic</c> with reduce_range, which takes one range per input tensor) or fixed per layer
/// from calibration data (<see cref="ActivationQuantization.Static"/>). The sums Σ u·q are exact in int32, then
/// <c>y = (Σ u·q − z·Σ q) · s · scale_n + b</c> in fp32. 7-bit input codes keep the SIMD pair sums inside int16.</para>
/// <para><b>bf16</b>: W rounded to bfloat16 (nearest, ties to even), widened back to fp32 in registers; inputs,
/// sums and bias stay fp32.</para>
/// <para>Measured accuracy: the tests hold an untrained 784-256-128-10 network on 200 random inputs in [0, 1) to an
/// SQNR (<see cref="QuantizationReport.SqnrDecibels"/>) of at least 30 dB in int8 and 40 dB in bf16.</para>
/// <para>Biases and every activation (the last layer's included) are fp32 in both modes. The quantized products give
/// the scalar reference's bits on every kernel path; the activations follow the fp32 network's rules (e.g. softmax's
/// lane sums round by width). Threading as for <see cref="NeuralNetwork{T}"/>: any
/// number of threads may predict at once; each gets its own workspace. A predictor created with
/// <see cref="ComputeOptions.MaxThreads"/> ≥ 2 (at most the cores) splits each chunk of at least 16 rows by rows, one
/// part per 8 rows at most (each part through every layer, with its own workspace); smaller chunks, bound by
/// streaming the weights, split each product of at least 128 KB of weights (and 32 columns in int8, 64 in bf16) by
/// columns, so each core streams its share. Both give the bits of one thread: every quantized output is computed the
/// same way whatever rows or columns are beside it, and the row parts start where the activations' vector code
/// would have. The <see cref="Predict(ReadOnlySpan{float}, Span{float})"/> overloads here run on the calling thread.</para>
/// <para>Non-finite inputs: with dynamic int8 a row holding NaN/±∞ predicts NaN; statically calibrated int8 predicts
/// NaN for a row holding NaN (or both +∞ and −∞) and clamps a lone ±∞ to the calibrated range; bf16 propagates them as
/// fp32 does. A finite row whose range exceeds float's (|hi − lo| / 127 overflowing, beyond ±1.7e38) also predicts NaN
/// in dynamic int8.</para>
/// </remarks>
public sealed class QuantizedNetwork : IDisposable
{
    private readonly QuantizedLayer[] _layers;
    private readonly ThreadLocal<QuantizedPredictor> _predictors;
    private bool _disposed;

    private QuantizedNetwork(NetworkArchitecture architecture, QuantizationMode mode, ActivationQuantization activationQuantization, QuantizedLayer[] layers)
    {
        Architecture = architecture;
        Mode = mode;
        ActivationQuantization = activationQuantization;
        _layers = layers;
        _predictors = new ThreadLocal<QuantizedPredictor>(() => new QuantizedPredictor(this, NeuralNetwork<float>.DefaultPredictionCapacity, default), trackAllValues: true);
    }

    /// <summary>The layers.</summary>
    public NetworkArchitecture Architecture { get; }

    /// <summary>How the weights are stored.</summary>
    public QuantizationMode Mode { get; }

    /// <summary>How int8 layers quantize their inputs; <see cref="ActivationQuantization.Dynamic"/> for bf16 (whose inputs stay fp32).</summary>
    public ActivationQuantization ActivationQuantization { get; }

    /// <summary>The number of layers.</summary>
    public int LayerCount => Architecture.LayerCount;

    /// <summary>The number of input features.</summary>
    public int InputSize => Architecture.InputSize;

    /// <summary>The number of outputs.</summary>
    public int OutputSize => Architecture.OutputSize;

    /// <summary>The bytes of the stored weights and their scales (biases excluded): what one prediction streams.</summary>
    public long WeightBytes => _layers.Sum(l => l.WeightBytes);

    internal ReadOnlySpan<QuantizedLayer> Layers => _layers;

    /// <summary>Quantizes <paramref name="network"/>; int8 inputs are quantized per row at every prediction.</summary>
    /// <param name="network">The fp32 network; it is only read, and may be disposed afterwards.</param>
    /// <param name="mode">The weight format.</param>
    /// <returns>The quantized network.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentException">A weight is NaN/±∞, or a layer is wider than int8 sums allow (65 536 inputs).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined mode.</exception>
    public static QuantizedNetwork Quantize(NeuralNetwork<float> network, QuantizationMode mode)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.ThrowIfDisposed();
        return Create(network, mode, calibration: null);
    }

    /// <summary>
    /// Quantizes <paramref name="network"/> to int8 with each layer's input range fixed from <paramref name="calibration"/>
    /// (static quantization): the range of that layer's fp32 inputs over the samples, widened to include 0.
    /// </summary>
    /// <param name="network">The fp32 network.</param>
    /// <param name="calibration">Representative samples, [m, InputSize], m ≥ 1, finite.</param>
    /// <returns>The quantized network.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentException">The samples are empty, the wrong width or not finite; a weight is not finite.</exception>
    public static QuantizedNetwork QuantizeInt8Static(NeuralNetwork<float> network, ReadOnlyMatrixSpan<float> calibration)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.ThrowIfDisposed();
        DataValidation.RequireColumns(calibration.Columns, network.InputSize, nameof(calibration), "the network's InputSize");
        if (calibration.Rows == 0)
        {
            throw new ArgumentException("calibration must hold at least one sample; got 0 rows.", nameof(calibration));
        }

        DataValidation.RequireFinite(calibration, nameof(calibration));
        return Create(network, QuantizationMode.Int8, InputRanges(network, calibration));
    }

    /// <summary>A network from stored layers (the file loader).</summary>
    internal static QuantizedNetwork FromLayers(NetworkArchitecture architecture, QuantizationMode mode, ActivationQuantization activationQuantization, QuantizedLayer[] layers) =>
        new(architecture, mode, activationQuantization, layers);

    /// <summary>Creates a workspace for predictions, used by one thread at a time, processing up to <paramref name="capacity"/> rows per pass.</summary>
    /// <param name="capacity">Rows per pass (≥ 1); larger batches are processed in chunks.</param>
    /// <param name="options">The kernel path, and the threads a prediction is split over (<see cref="ComputeOptions.MaxThreads"/>; see the remarks).</param>
    /// <returns>The predictor; it must not outlive this network.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is &lt; 1.</exception>
    public QuantizedPredictor CreatePredictor(int capacity = NeuralNetwork<float>.DefaultPredictionCapacity, ComputeOptions options = default)
    {
        ThrowIfDisposed();
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be ≥ 1.");
        }

        return new QuantizedPredictor(this, capacity, options);
    }

    /// <summary>Predicts one sample. Thread-safe; allocates nothing once the calling thread has warmed up.</summary>
    /// <param name="input">Length: <see cref="InputSize"/>.</param>
    /// <param name="output">Length: <see cref="OutputSize"/>.</param>
    /// <exception cref="ArgumentException">A length is wrong, or the spans overlap.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        ThrowIfDisposed();
        _predictors.Value!.Predict(input, output);
    }

    /// <summary>Predicts a batch, one sample per row. Thread-safe; allocates nothing once the calling thread has warmed up.</summary>
    /// <param name="inputs">Shape: [m, <see cref="InputSize"/>].</param>
    /// <param name="outputs">Shape: [m, <see cref="OutputSize"/>]; must not overlap <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException">A shape is wrong, or the views overlap.</exception>
    public void Predict(ReadOnlyMatrixSpan<float> inputs, MatrixSpan<float> outputs)
    {
        ThrowIfDisposed();
        _predictors.Value!.Predict(inputs, outputs);
    }

    /// <summary>Predicts a batch into a new matrix (convenience; allocates the result).</summary>
    /// <param name="inputs">Shape: [m, <see cref="InputSize"/>].</param>
    /// <returns>A new [m, <see cref="OutputSize"/>] matrix; dispose it.</returns>
    public Matrix<float> Predict(ReadOnlyMatrixSpan<float> inputs)
    {
        ThrowIfDisposed();
        var result = new Matrix<float>(inputs.Rows, OutputSize);
        Predict(inputs, result.Span);
        return result;
    }

    /// <summary>
    /// An fp32 network whose weights are the values this one's codes stand for (the biases as they are): what the
    /// quantized products multiply by, for inspection and export.
    /// </summary>
    /// <returns>A new network; dispose it.</returns>
    public NeuralNetwork<float> Dequantize()
    {
        ThrowIfDisposed();
        var network = NeuralNetwork<float>.CreateZeroed(Architecture);
        try
        {
            for (var l = 0; l < _layers.Length; l++)
            {
                var spec = Architecture[l];
                using var weights = new Matrix<float>(spec.OutputDim, spec.InputDim);
                _layers[l].CopyDequantizedWeightsTo(weights.Span);
                network.SetWeights(l, weights.ReadOnlySpan);
                network.SetBias(l, _layers[l].Bias);
            }

            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Returns the workspaces.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _predictors.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"QuantizedNetwork {QuantizationModeNames.GetName(Mode)}{(Mode == QuantizationMode.Int8 ? $" ({ActivationQuantizationNames.GetName(ActivationQuantization)} inputs)" : "")} {Architecture}";

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static QuantizedNetwork Create(NeuralNetwork<float> network, QuantizationMode mode, (float Scale, int ZeroPoint)[]? calibration)
    {
        var architecture = network.Architecture;
        var layers = new QuantizedLayer[architecture.LayerCount];
        for (var l = 0; l < layers.Length; l++)
        {
            var spec = architecture[l];
            var weights = network.WeightsInternal(l);
            DataValidation.RequireFinite(weights, nameof(network));
            var bias = network.BiasInternal(l).ToArray();
            layers[l] = mode switch
            {
                QuantizationMode.Int8 => Int8Layer.Quantize(spec, RequireInt8Width(weights, l, nameof(network)), bias, calibration?[l]),
                QuantizationMode.BFloat16 => BFloat16Layer.Quantize(spec, l, weights, bias, nameof(network)),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Not a defined quantization mode; expected one of: {QuantizationModeNames.ValidNames}."),
            };
        }

        return new QuantizedNetwork(architecture, mode, calibration is null ? ActivationQuantization.Dynamic : ActivationQuantization.Static, layers);
    }

    private static ReadOnlyMatrixSpan<float> RequireInt8Width(ReadOnlyMatrixSpan<float> weights, int layer, string paramName)
    {
        if (weights.Rows > Internals.Quantized.Int8Gemm.MaxK)
        {
            throw new ArgumentException($"Layer {layer + 1} has {weights.Rows} inputs; int8 sums stay exact in int32 up to {Internals.Quantized.Int8Gemm.MaxK}.", paramName);
        }

        return weights;
    }

    /// <summary>Each layer's input range over the calibration samples, from the fp32 network's own activations.</summary>
    private static (float Scale, int ZeroPoint)[] InputRanges(NeuralNetwork<float> network, ReadOnlyMatrixSpan<float> x)
    {
        var architecture = network.Architecture;
        var lo = new float[architecture.LayerCount];
        var hi = new float[architecture.LayerCount];
        const int chunk = NeuralNetwork<float>.DefaultPredictionCapacity;
        var width = architecture.MaxWidth;
        using var buffer0 = new Matrix<float>(chunk, width);
        using var buffer1 = new Matrix<float>(chunk, width);
        for (var start = 0; start < x.Rows; start += chunk)
        {
            var rows = Math.Min(chunk, x.Rows - start);
            var input = x.SliceRows(start, rows);
            for (var l = 0; l < architecture.LayerCount; l++)
            {
                var (min, max) = Range(input);
                lo[l] = start == 0 ? min : MathF.Min(lo[l], min);
                hi[l] = start == 0 ? max : MathF.Max(hi[l], max);
                if (l == architecture.LayerCount - 1)
                {
                    break;
                }

                var layer = architecture[l];
                var destination = new MatrixSpan<float>(((l & 1) == 0 ? buffer0 : buffer1).DangerousGetStorage()[..(rows * layer.OutputDim)], rows, layer.OutputDim);
                Gemm.MultiplyBiasActivateCore(input, MatrixOp.None, network.WeightsInternal(l), MatrixOp.None, network.BiasInternal(l), BiasAlong.Columns, layer.Activation, default, destination, storeZ: false, Kernels.Default, maxThreads: 1);
                input = destination;
            }
        }

        var ranges = new (float, int)[architecture.LayerCount];
        for (var l = 0; l < ranges.Length; l++)
        {
            ranges[l] = Internals.Reference.QuantizedReference.Range(lo[l], hi[l]);
            if (!float.IsFinite(ranges[l].Item1))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Layer {l + 1}'s inputs over the calibration samples span [{lo[l]}, {hi[l]}], whose 7-bit step is not a finite float."),
                    nameof(x));
            }
        }

        return ranges;
    }

    private static (float Min, float Max) Range(ReadOnlyMatrixSpan<float> x)
    {
        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        for (var r = 0; r < x.Rows; r++)
        {
            foreach (var v in x.GetRowSpan(r))
            {
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }
        }

        return (min, max);
    }
}
