using NeuralCore.Internals.Reference;

namespace NeuralCore.Internals.Quantized;

/// <summary>
/// bfloat16 storage: conversions (round to nearest even) and the product of fp32 rows with bf16 weights, widened to
/// fp32 in registers (a 16-bit shift) and summed with fp32 fma.
/// </summary>
/// <remarks>
/// <code>
/// y_mn = (Σ_k x_mk · W_kn) + bias_n      one fma chain per output, from 0, in k order
/// </code>
/// Every path gives the reference's bits (<see cref="QuantizedReference.MultiplyBFloat16"/>): the lanes run along n,
/// so each output is the same chain on every width; the fma follows the <see cref="Simd.HardwareFma"/> rule.
/// </remarks>
internal static class BFloat16Gemm
{
    /// <summary>destination_i = bf16(source_i), round to nearest even; NaN stays NaN (quieted, sign kept).</summary>
    public static void FromSingle(ReadOnlySpan<float> source, Span<ushort> destination, KernelPath path)
    {
        _ = path;
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = QuantizedReference.ToBFloat16(source[i]);
        }
    }

    /// <summary>destination_i = float(source_i), exact.</summary>
    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination, KernelPath path)
    {
        _ = path;
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = QuantizedReference.FromBFloat16(source[i]);
        }
    }

    /// <summary>y = x · W + bias with W in bf16.</summary>
    /// <param name="x">[M, K].</param>
    /// <param name="w">[K, N] bf16 bits, row-major (in × out, the network's internal layout).</param>
    /// <param name="bias">Length N.</param>
    /// <param name="y">Receives [M, N]; must not overlap x.</param>
    /// <param name="path">The kernel path.</param>
    public static void Multiply(ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<ushort> w, ReadOnlySpan<float> bias, MatrixSpan<float> y, KernelPath path)
    {
        _ = path;
        QuantizedReference.MultiplyBFloat16(x, w, bias, y);
    }
}
