using System.Globalization;
using System.Numerics.Tensors;
using NeuralCore.Internals.Quantized;

namespace NeuralCore.Network.Internals.Quantized;

/// <summary>
/// One layer of a <see cref="QuantizedNetwork"/>: its weights in the network's mode and its fp32 bias. The product
/// runs here; the activation runs after it in <see cref="QuantizedNetwork"/>, in fp32, the same for every mode.
/// </summary>
internal abstract class QuantizedLayer
{
    protected QuantizedLayer(LayerSpec spec, float[] bias)
    {
        Spec = spec;
        Bias = bias;
    }

    public LayerSpec Spec { get; }

    public float[] Bias { get; }

    /// <summary>The bytes of the stored weights and their scales (the bias excluded): what a prediction streams.</summary>
    public abstract long WeightBytes { get; }

    /// <summary><paramref name="output"/> = input · W + b (no activation), [m, OutputDim], the product split over up to <paramref name="threads"/> threads where it pays.</summary>
    public abstract void Multiply(ReadOnlyMatrixSpan<float> input, MatrixSpan<float> output, QuantizedWorkspace workspace, KernelPath path, int threads);

    /// <summary>W [out, in] as the fp32 values the codes stand for (what the product multiplies by).</summary>
    public abstract void CopyDequantizedWeightsTo(MatrixSpan<float> destination);
}

/// <summary>int8 codes packed for <see cref="Int8Gemm"/>, one scale per output, and the calibrated input range when static.</summary>
internal sealed class Int8Layer : QuantizedLayer
{
    private readonly sbyte[] _packed;
    private readonly float[] _scales;
    private readonly int[] _columnSums;

    private Int8Layer(LayerSpec spec, float[] bias, sbyte[] packed, float[] scales, int[] columnSums, (float Scale, int ZeroPoint)? inputRange)
        : base(spec, bias)
    {
        _packed = packed;
        _scales = scales;
        _columnSums = columnSums;
        InputRange = inputRange;
    }

    /// <summary>s and z of the layer's input when statically calibrated; null when dynamic.</summary>
    public (float Scale, int ZeroPoint)? InputRange { get; }

    public override long WeightBytes => _packed.LongLength + (4L * _scales.Length);

    public ReadOnlySpan<float> Scales => _scales;

    /// <summary>Quantizes W_int [in, out].</summary>
    public static Int8Layer Quantize(LayerSpec spec, ReadOnlyMatrixSpan<float> weightsInOut, float[] bias, (float Scale, int ZeroPoint)? inputRange)
    {
        var packed = new sbyte[Int8Gemm.PackedLength(spec.InputDim, spec.OutputDim)];
        var scales = new float[spec.OutputDim];
        var sums = new int[spec.OutputDim];
        Int8Gemm.PackWeights(weightsInOut, packed, scales, sums);
        return new Int8Layer(spec, bias, packed, scales, sums, inputRange);
    }

    /// <summary>A layer from stored codes q [out, in] (each in −127…127, the loader checks) and their scales.</summary>
    public static Int8Layer FromCodes(LayerSpec spec, ReadOnlySpan<sbyte> codesOutIn, float[] scales, float[] bias, (float Scale, int ZeroPoint)? inputRange)
    {
        var packed = new sbyte[Int8Gemm.PackedLength(spec.InputDim, spec.OutputDim)];
        var sums = new int[spec.OutputDim];
        Int8Gemm.PackCodes(codesOutIn, spec.InputDim, spec.OutputDim, packed, sums);
        return new Int8Layer(spec, bias, packed, scales, sums, inputRange);
    }

    /// <summary>The code of W[out = <paramref name="output"/>, in = <paramref name="input"/>].</summary>
    public sbyte Code(int output, int input) => Int8Gemm.PackedCode(_packed, Spec.OutputDim, input, output);

    public override void CopyDequantizedWeightsTo(MatrixSpan<float> destination)
    {
        for (var j = 0; j < Spec.OutputDim; j++)
        {
            for (var p = 0; p < Spec.InputDim; p++)
            {
                destination[j, p] = Code(j, p) * _scales[j];
            }
        }
    }

    public override void Multiply(ReadOnlyMatrixSpan<float> input, MatrixSpan<float> output, QuantizedWorkspace workspace, KernelPath path, int threads)
    {
        var rows = input.Rows;
        var k = Spec.InputDim;
        var codes = workspace.Codes(rows, Int8Gemm.PaddedK(k));
        var rowScales = workspace.RowScales[..rows];
        var zeroPoints = workspace.ZeroPoints[..rows];
        if (InputRange is { } range)
        {
            Int8Gemm.QuantizeRows(input, codes, range.Scale, range.ZeroPoint, path);
            zeroPoints.Fill(range.ZeroPoint);
            for (var i = 0; i < rows; i++)
            {
                // Clamping would turn a NaN into a plausible code; its row predicts NaN instead, as fp32 and dynamic
                // int8 do. The sum is NaN exactly when the row holds a NaN (or both +∞ and −∞).
                rowScales[i] = float.IsNaN(TensorPrimitives.Sum(input.GetRowSpan(i))) ? float.NaN : range.Scale;
            }
        }
        else
        {
            Int8Gemm.QuantizeRows(input, codes, rowScales, zeroPoints, path);
        }

        Int8Gemm.Multiply(codes, rowScales, zeroPoints, k, _packed, _scales, _columnSums, Bias, output, path, threads);
    }
}

/// <summary>bfloat16 weights W_int [in, out], row-major, for <see cref="BFloat16Gemm"/>.</summary>
internal sealed class BFloat16Layer : QuantizedLayer
{
    private readonly ushort[] _weights;

    private BFloat16Layer(LayerSpec spec, float[] bias, ushort[] weightsInOut)
        : base(spec, bias)
    {
        _weights = weightsInOut;
    }

    public override long WeightBytes => 2L * _weights.Length;

    private ReadOnlyMatrixSpan<ushort> Weights => new(_weights, Spec.InputDim, Spec.OutputDim);

    /// <summary>Rounds W_int [in, out] to bf16.</summary>
    public static BFloat16Layer Quantize(LayerSpec spec, int layer, ReadOnlyMatrixSpan<float> weightsInOut, float[] bias, string paramName)
    {
        var bits = new ushort[checked(spec.InputDim * spec.OutputDim)];
        for (var p = 0; p < spec.InputDim; p++)
        {
            BFloat16Gemm.FromSingle(weightsInOut.GetRowSpan(p), bits.AsSpan(p * spec.OutputDim, spec.OutputDim), Kernels.Default);
        }

        // A finite weight within half a bf16 step of float.MaxValue rounds to ±∞: refuse it rather than predict ∞.
        var infinite = bits.AsSpan().IndexOfAnyInRange((ushort)0x7F80, (ushort)0x7FFF);
        infinite = infinite >= 0 ? infinite : bits.AsSpan().IndexOfAnyInRange((ushort)0xFF80, (ushort)0xFFFF);
        if (infinite >= 0)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Layer {layer + 1}'s weight [out {infinite % spec.OutputDim}, in {infinite / spec.OutputDim}] = {weightsInOut[infinite / spec.OutputDim, infinite % spec.OutputDim]:R} rounds to ±∞ in bf16 (beyond ±3.39e38)."),
                paramName);
        }

        return new BFloat16Layer(spec, bias, bits);
    }

    /// <summary>A layer from stored bf16 bits W [out, in].</summary>
    public static BFloat16Layer FromBits(LayerSpec spec, ReadOnlySpan<ushort> bitsOutIn, float[] bias)
    {
        var k = spec.InputDim;
        var n = spec.OutputDim;
        var bits = new ushort[checked(k * n)];
        for (var j = 0; j < n; j++)
        {
            for (var p = 0; p < k; p++)
            {
                bits[(p * n) + j] = bitsOutIn[(j * k) + p];
            }
        }

        return new BFloat16Layer(spec, bias, bits);
    }

    /// <summary>The bits of W[out = <paramref name="output"/>, in = <paramref name="input"/>].</summary>
    public ushort Bits(int output, int input) => _weights[(input * Spec.OutputDim) + output];

    public override void CopyDequantizedWeightsTo(MatrixSpan<float> destination)
    {
        for (var j = 0; j < Spec.OutputDim; j++)
        {
            for (var p = 0; p < Spec.InputDim; p++)
            {
                destination[j, p] = BitConverter.UInt32BitsToSingle((uint)Bits(j, p) << 16);
            }
        }
    }

    public override void Multiply(ReadOnlyMatrixSpan<float> input, MatrixSpan<float> output, QuantizedWorkspace workspace, KernelPath path, int threads) =>
        BFloat16Gemm.Multiply(input, Weights, Bias, output, path, threads);
}
