using NeuralCore.Internals.Quantized;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Reference;

/// <summary>
/// The scalar reference of the int8 and bf16 kernels, written straight from the equations in <see cref="Int8Gemm"/> and
/// <see cref="BFloat16Gemm"/>: the oracle the fast paths are tested against, bit for bit.
/// </summary>
internal static class QuantizedReference
{
    /// <summary>scale_n = max_k |W[k,n]| / 127.</summary>
    public static float WeightScale(ReadOnlyMatrixSpan<float> w, int column)
    {
        var max = 0f;
        for (var p = 0; p < w.Rows; p++)
        {
            max = MathF.Max(max, MathF.Abs(w[p, column]));
        }

        return max / Int8Gemm.MaxWeightCode;
    }

    /// <summary>q = clamp(round(w / scale), −127, 127); 0 when scale is 0.</summary>
    public static sbyte WeightCode(float w, float scale) =>
        scale == 0f ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Round(w / scale, MidpointRounding.ToEven), -Int8Gemm.MaxWeightCode, Int8Gemm.MaxWeightCode);

    /// <summary>The dynamic range of one row: s and z.</summary>
    public static (float Scale, int ZeroPoint) RowRange(ReadOnlySpan<float> row)
    {
        var lo = 0f;
        var hi = 0f;
        var finite = true;
        foreach (var v in row)
        {
            finite &= float.IsFinite(v);
            lo = MathF.Min(lo, v);
            hi = MathF.Max(hi, v);
        }

        return finite ? Range(lo, hi) : (float.NaN, 0);
    }

    /// <summary>s and z of the range [min(0, lo), max(0, hi)].</summary>
    public static (float Scale, int ZeroPoint) Range(float lo, float hi)
    {
        lo = MathF.Min(lo, 0f);
        hi = MathF.Max(hi, 0f);
        var scale = (hi - lo) / Int8Gemm.MaxCode;
        if (scale == 0f)
        {
            return (1f, 0);
        }

        var zeroPoint = (int)Math.Clamp(MathF.Round(-lo / scale, MidpointRounding.ToEven), 0f, Int8Gemm.MaxCode);
        return (scale, zeroPoint);
    }

    /// <summary>u = clamp(round(x · (1/s)) + z, 0, 127), z in 0…127; a NaN x gives z (its row's outputs are NaN: dynamic rows get a NaN s, static ones are marked by the layer).</summary>
    public static byte Code(float x, float inverseScale, int zeroPoint)
    {
        var t = MathF.Round(x * inverseScale, MidpointRounding.ToEven);
        if (float.IsNaN(t))
        {
            return (byte)zeroPoint;
        }

        // Clamped as a float first: far outside the calibrated range the product may exceed int's range.
        t = Math.Clamp(t, -256f, 256f);
        return (byte)Math.Clamp((int)t + zeroPoint, 0, Int8Gemm.MaxCode);
    }

    public static void QuantizeRows(ReadOnlyMatrixSpan<float> x, MatrixSpan<byte> codes, Span<float> rowScales, Span<int> zeroPoints)
    {
        for (var i = 0; i < x.Rows; i++)
        {
            var (scale, zeroPoint) = RowRange(x.GetRowSpan(i));
            rowScales[i] = scale;
            zeroPoints[i] = zeroPoint;
            QuantizeRow(x.GetRowSpan(i), codes.GetRowSpan(i), scale, zeroPoint);
        }
    }

    public static void QuantizeRows(ReadOnlyMatrixSpan<float> x, MatrixSpan<byte> codes, float scale, int zeroPoint)
    {
        for (var i = 0; i < x.Rows; i++)
        {
            QuantizeRow(x.GetRowSpan(i), codes.GetRowSpan(i), scale, zeroPoint);
        }
    }

    private static void QuantizeRow(ReadOnlySpan<float> x, Span<byte> codes, float scale, int zeroPoint)
    {
        var inverse = 1f / scale;
        for (var p = 0; p < x.Length; p++)
        {
            codes[p] = Code(x[p], inverse, zeroPoint);
        }

        codes[x.Length..].Clear();
    }

    public static void Multiply(
        ReadOnlyMatrixSpan<byte> codes,
        ReadOnlySpan<float> rowScales,
        ReadOnlySpan<int> zeroPoints,
        int k,
        ReadOnlySpan<sbyte> packed,
        ReadOnlySpan<float> scales,
        ReadOnlySpan<int> columnSums,
        ReadOnlySpan<float> bias,
        MatrixSpan<float> y)
    {
        var n = y.Columns;
        for (var i = 0; i < y.Rows; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0;
                for (var p = 0; p < k; p++)
                {
                    sum += codes[i, p] * Int8Gemm.PackedCode(packed, n, p, j);
                }

                y[i, j] = Dequantize(sum - (zeroPoints[i] * columnSums[j]), rowScales[i] * scales[j], bias[j]);
            }
        }
    }

    /// <summary>fma((float)v, scale, bias), fused where the hardware fuses (<see cref="HardwareFma"/>).</summary>
    public static float Dequantize(int value, float scale, float bias) =>
        HardwareFma.IsSupported ? MathF.FusedMultiplyAdd(value, scale, bias) : (value * scale) + bias;

    /// <summary>float → bfloat16 bits, round to nearest even; NaN stays NaN (quieted, sign and top payload kept).</summary>
    public static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    /// <summary>bfloat16 bits → float (exact).</summary>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>y_mn = (Σ_k x_mk · W_kn, one fma chain from 0 in k order) + bias_n; W bf16 [K, N] row-major.</summary>
    public static void MultiplyBFloat16(ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<ushort> w, ReadOnlySpan<float> bias, MatrixSpan<float> y)
    {
        for (var i = 0; i < y.Rows; i++)
        {
            for (var j = 0; j < y.Columns; j++)
            {
                var sum = 0f;
                for (var p = 0; p < x.Columns; p++)
                {
                    var product = FromBFloat16(w[p, j]);
                    sum = HardwareFma.IsSupported ? MathF.FusedMultiplyAdd(x[i, p], product, sum) : (x[i, p] * product) + sum;
                }

                y[i, j] = sum + bias[j];
            }
        }
    }
}
