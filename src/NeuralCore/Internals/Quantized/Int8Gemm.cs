using NeuralCore.Internals.Reference;

namespace NeuralCore.Internals.Quantized;

/// <summary>
/// The int8 product of one quantized layer: activations as unsigned 7-bit codes per row, weights as signed 8-bit codes
/// per output column, an exact int32 sum, and a dequantizing fp32 epilogue.
/// </summary>
/// <remarks>
/// <para>Equations (the scalar reference, <see cref="QuantizedReference"/>, is written from them):</para>
/// <code>
/// weights   scale_n = max_k |W[k,n]| / 127        q_kn = clamp(round(W[k,n] / scale_n), −127, 127)   (scale_n = 0 → q = 0)
/// rows      lo = min(0, min_k x_k), hi = max(0, max_k x_k), s = (hi − lo) / 127   (s = 0 → s = 1)
///           z = clamp(round(−lo / s), 0, 127)      u_k = clamp(round(x_k · (1/s)) + z, 0, 127)
/// product   acc_mn = Σ_k u_mk · q_kn                (int32, exact)
/// epilogue  y_mn = fma((float)(acc_mn − z_m · colSum_n), s_m · scale_n, bias_n)   colSum_n = Σ_k q_kn
/// </code>
/// <para>round is to nearest, ties to even. Codes are 7-bit (0…127, FBGEMM's reduce_range) so that a pair of products
/// u·q summed in int16 (<c>vpmaddubsw</c>) never saturates: 2 · 127 · 127 = 32 258 ≤ 32 767. The epilogue's fma follows
/// the <see cref="Simd.HardwareFma"/> rule, so every path gives the reference's bits.</para>
/// <para>K is at most <see cref="MaxK"/>, so |acc − z·colSum| ≤ 2 · 127 · 127 · K stays inside int32.</para>
/// </remarks>
internal static class Int8Gemm
{
    /// <summary>The largest activation code: 7 bits.</summary>
    public const int MaxCode = 127;

    /// <summary>The largest |weight code|.</summary>
    public const int MaxWeightCode = 127;

    /// <summary>The largest K whose sums stay in int32 (2 · 127 · 127 · K &lt; 2³¹).</summary>
    public const int MaxK = 65536;

    /// <summary>K rounded up to the kernels' k-group (4 codes per 32-bit lane).</summary>
    public static int PaddedK(int k) => (k + 3) & ~3;

    /// <summary>The bytes <see cref="PackWeights"/> writes for a [K, N] matrix.</summary>
    public static int PackedLength(int k, int n) => checked(PaddedK(k) * ((n + 15) & ~15));

    /// <summary>Quantizes W_int [K, N] per output column and packs the codes for the kernels.</summary>
    /// <param name="w">The weights, [K, N] (in × out, the network's internal layout); finite.</param>
    /// <param name="packed">Receives the codes; length <see cref="PackedLength"/>.</param>
    /// <param name="scales">Receives scale_n; length N.</param>
    /// <param name="columnSums">Receives colSum_n; length N.</param>
    public static void PackWeights(ReadOnlyMatrixSpan<float> w, Span<sbyte> packed, Span<float> scales, Span<int> columnSums)
    {
        var k = w.Rows;
        var n = w.Columns;
        var paddedN = (n + 15) & ~15;
        packed.Clear();
        for (var j = 0; j < n; j++)
        {
            var scale = QuantizedReference.WeightScale(w, j);
            scales[j] = scale;
            var sum = 0;
            for (var p = 0; p < k; p++)
            {
                var q = QuantizedReference.WeightCode(w[p, j], scale);
                packed[((p >> 2) * paddedN * 4) + (j * 4) + (p & 3)] = q;
                sum += q;
            }

            columnSums[j] = sum;
        }
    }

    /// <summary>Packs stored codes q [N, K] (out × in, the file layout) for the kernels.</summary>
    /// <param name="codesOutIn">q, N·K codes in −127…127, output by output.</param>
    /// <param name="k">K.</param>
    /// <param name="n">N.</param>
    /// <param name="packed">Receives the packed codes; length <see cref="PackedLength"/>.</param>
    /// <param name="columnSums">Receives colSum_n; length N.</param>
    public static void PackCodes(ReadOnlySpan<sbyte> codesOutIn, int k, int n, Span<sbyte> packed, Span<int> columnSums)
    {
        var paddedN = (n + 15) & ~15;
        packed.Clear();
        for (var j = 0; j < n; j++)
        {
            var sum = 0;
            for (var p = 0; p < k; p++)
            {
                var q = codesOutIn[(j * k) + p];
                packed[((p >> 2) * paddedN * 4) + (j * 4) + (p & 3)] = q;
                sum += q;
            }

            columnSums[j] = sum;
        }
    }

    /// <summary>The code of W[k, n] in a packed matrix (tests and the reference read it back).</summary>
    public static sbyte PackedCode(ReadOnlySpan<sbyte> packed, int n, int row, int column) =>
        packed[((row >> 2) * ((n + 15) & ~15) * 4) + (column * 4) + (row & 3)];

    /// <summary>Quantizes each row of <paramref name="x"/> with its own range (dynamic quantization).</summary>
    /// <param name="x">[M, K], finite for exact results (a non-finite row gets a NaN scale, so its outputs are NaN).</param>
    /// <param name="codes">[M, PaddedK(K)] receives u; the padding codes are 0.</param>
    /// <param name="rowScales">Receives s_m; length M.</param>
    /// <param name="zeroPoints">Receives z_m; length M.</param>
    /// <param name="path">The kernel path.</param>
    public static void QuantizeRows(ReadOnlyMatrixSpan<float> x, MatrixSpan<byte> codes, Span<float> rowScales, Span<int> zeroPoints, KernelPath path)
    {
        _ = path;
        QuantizedReference.QuantizeRows(x, codes, rowScales, zeroPoints);
    }

    /// <summary>Quantizes every row of <paramref name="x"/> with one fixed scale and zero point (static quantization).</summary>
    /// <param name="x">[M, K]; values outside the calibrated range clamp to codes 0 and 127.</param>
    /// <param name="codes">[M, PaddedK(K)] receives u; the padding codes are 0.</param>
    /// <param name="scale">s, from calibration.</param>
    /// <param name="zeroPoint">z, from calibration.</param>
    /// <param name="path">The kernel path.</param>
    public static void QuantizeRows(ReadOnlyMatrixSpan<float> x, MatrixSpan<byte> codes, float scale, int zeroPoint, KernelPath path)
    {
        _ = path;
        QuantizedReference.QuantizeRows(x, codes, scale, zeroPoint);
    }

    /// <summary>acc = u · q, exact in int32.</summary>
    /// <param name="codes">u, [M, PaddedK(K)], every code in 0…127.</param>
    /// <param name="k">K.</param>
    /// <param name="packed">The packed weight codes of a [K, N] matrix.</param>
    /// <param name="accumulators">Receives acc, [M, N].</param>
    /// <param name="path">The kernel path.</param>
    public static void MultiplyInt32(ReadOnlyMatrixSpan<byte> codes, int k, ReadOnlySpan<sbyte> packed, MatrixSpan<int> accumulators, KernelPath path)
    {
        _ = path;
        QuantizedReference.MultiplyInt32(codes, k, packed, accumulators);
    }

    /// <summary>The whole layer product: y = dequantize(u · q) + bias (no activation).</summary>
    /// <param name="codes">u, [M, PaddedK(K)].</param>
    /// <param name="rowScales">s_m.</param>
    /// <param name="zeroPoints">z_m.</param>
    /// <param name="k">K.</param>
    /// <param name="packed">The packed weight codes.</param>
    /// <param name="scales">scale_n.</param>
    /// <param name="columnSums">colSum_n.</param>
    /// <param name="bias">bias_n.</param>
    /// <param name="y">Receives y, [M, N].</param>
    /// <param name="path">The kernel path.</param>
    public static void Multiply(
        ReadOnlyMatrixSpan<byte> codes,
        ReadOnlySpan<float> rowScales,
        ReadOnlySpan<int> zeroPoints,
        int k,
        ReadOnlySpan<sbyte> packed,
        ReadOnlySpan<float> scales,
        ReadOnlySpan<int> columnSums,
        ReadOnlySpan<float> bias,
        MatrixSpan<float> y,
        KernelPath path)
    {
        _ = path;
        QuantizedReference.Multiply(codes, rowScales, zeroPoints, k, packed, scales, columnSums, bias, y);
    }
}
