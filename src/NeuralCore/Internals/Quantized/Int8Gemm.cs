using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralCore.Internals.Reference;
using NeuralCore.Internals.Threading;

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
internal static unsafe class Int8Gemm
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
    public static int PackedLength(int k, int n) => checked(PaddedK(k) * PaddedN(n));

    /// <summary>N rounded up to the packed layout's 16-column groups (one 512-bit register of codes per k-group).</summary>
    public static int PaddedN(int n) => (n + 15) & ~15;

    /// <summary>Where the code of W[<paramref name="row"/>, <paramref name="column"/>] of a [K, N] matrix sits in the packed layout: <c>(k/4)·(PaddedN·4) + n·4 + k%4</c>.</summary>
    public static int PackedOffset(int n, int row, int column) => ((row >> 2) * PaddedN(n) * 4) + (column * 4) + (row & 3);

    /// <summary>Quantizes W_int [K, N] per output column and packs the codes for the kernels.</summary>
    /// <param name="w">The weights, [K, N] (in × out, the network's internal layout); finite.</param>
    /// <param name="packed">Receives the codes; length <see cref="PackedLength"/>.</param>
    /// <param name="scales">Receives scale_n; length N.</param>
    /// <param name="columnSums">Receives colSum_n; length N.</param>
    public static void PackWeights(ReadOnlyMatrixSpan<float> w, Span<sbyte> packed, Span<float> scales, Span<int> columnSums)
    {
        // The codes in the file layout first, then the one packing (PackCodes): quantizing runs once per network.
        var k = w.Rows;
        var n = w.Columns;
        var codes = new sbyte[checked(k * n)];
        for (var j = 0; j < n; j++)
        {
            var scale = QuantizedReference.WeightScale(w, j);
            scales[j] = scale;
            for (var p = 0; p < k; p++)
            {
                codes[(j * k) + p] = QuantizedReference.WeightCode(w[p, j], scale);
            }
        }

        PackCodes(codes, k, n, packed, columnSums);
    }

    /// <summary>Packs stored codes q [N, K] (out × in, the file layout) for the kernels.</summary>
    /// <param name="codesOutIn">q, N·K codes in −127…127, output by output.</param>
    /// <param name="k">K.</param>
    /// <param name="n">N.</param>
    /// <param name="packed">Receives the packed codes; length <see cref="PackedLength"/>.</param>
    /// <param name="columnSums">Receives colSum_n; length N.</param>
    public static void PackCodes(ReadOnlySpan<sbyte> codesOutIn, int k, int n, Span<sbyte> packed, Span<int> columnSums)
    {
        packed.Clear();
        for (var j = 0; j < n; j++)
        {
            var sum = 0;
            for (var p = 0; p < k; p++)
            {
                var q = codesOutIn[(j * k) + p];
                packed[PackedOffset(n, p, j)] = q;
                sum += q;
            }

            columnSums[j] = sum;
        }
    }

    /// <summary>The code of W[k, n] in a packed matrix (tests and the reference read it back).</summary>
    public static sbyte PackedCode(ReadOnlySpan<sbyte> packed, int n, int row, int column) =>
        packed[PackedOffset(n, row, column)];

    /// <summary>Quantizes each row of <paramref name="x"/> with its own range (dynamic quantization).</summary>
    /// <param name="x">[M, K], finite for exact results (a non-finite row gets a NaN scale, so its outputs are NaN).</param>
    /// <param name="codes">[M, ≥ PaddedK(K)] receives u; the padding codes up to PaddedK(K) are 0.</param>
    /// <param name="rowScales">Receives s_m; length ≥ M.</param>
    /// <param name="zeroPoints">Receives z_m; length ≥ M.</param>
    /// <param name="path">The kernel path.</param>
    /// <exception cref="ArgumentException">A destination is too small for x.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="path"/> is not a kernel path.</exception>
    public static void QuantizeRows(ReadOnlyMatrixSpan<float> x, MatrixSpan<byte> codes, Span<float> rowScales, Span<int> zeroPoints, KernelPath path)
    {
        ArgumentValidation.KernelPath(path, nameof(path));
        CheckCodes(x, codes);
        CheckLength(nameof(rowScales), rowScales.Length, x.Rows);
        CheckLength(nameof(zeroPoints), zeroPoints.Length, x.Rows);
        if (path == KernelPath.Reference)
        {
            QuantizedReference.QuantizeRows(x, codes.SliceColumns(0, PaddedK(x.Columns)), rowScales, zeroPoints);
            return;
        }

        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.GetRowSpan(i);

            var (scale, zeroPoint) = RowRange(row, path);
            rowScales[i] = scale;
            zeroPoints[i] = zeroPoint;
            QuantizeRow(row, codes.GetRowSpan(i), scale, zeroPoint, path);
        }
    }

    /// <summary>Quantizes every row of <paramref name="x"/> with one fixed scale and zero point (static quantization).</summary>
    /// <param name="x">[M, K]; values outside the calibrated range clamp to codes 0 and 127, NaN gives z.</param>
    /// <param name="codes">[M, ≥ PaddedK(K)] receives u; the padding codes up to PaddedK(K) are 0.</param>
    /// <param name="scale">s, from calibration.</param>
    /// <param name="zeroPoint">z, from calibration.</param>
    /// <param name="path">The kernel path.</param>
    /// <exception cref="ArgumentException"><paramref name="codes"/> is too small for x.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="zeroPoint"/> is not in 0 … 127, or <paramref name="path"/> is not a kernel path.</exception>
    public static void QuantizeRows(ReadOnlyMatrixSpan<float> x, MatrixSpan<byte> codes, float scale, int zeroPoint, KernelPath path)
    {
        ArgumentValidation.KernelPath(path, nameof(path));
        CheckCodes(x, codes);
        if ((uint)zeroPoint > MaxCode)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(zeroPoint), string.Create(CultureInfo.InvariantCulture, $"{nameof(zeroPoint)} must be a code, 0 … {MaxCode}; got {zeroPoint}."));
        }

        if (path == KernelPath.Reference)
        {
            QuantizedReference.QuantizeRows(x, codes.SliceColumns(0, PaddedK(x.Columns)), scale, zeroPoint);
            return;
        }

        for (var i = 0; i < x.Rows; i++)
        {
            QuantizeRow(x.GetRowSpan(i), codes.GetRowSpan(i), scale, zeroPoint, path);
        }
    }

    /// <summary>The whole layer product: y = dequantize(u · q) + bias (no activation).</summary>
    /// <remarks>
    /// The widest path the machine has up to <paramref name="path"/>: 512 bits with AVX-512BW, 256 with AVX-VNNI
    /// (<c>vpdpbusd</c>) or AVX2, 128 with SSSE3, else scalar code; see <see cref="Int8Kernel"/> and <see cref="IInt8Lanes{TAcc}"/>.
    /// </remarks>
    /// <param name="codes">u, [M, ≥ PaddedK(K)], every code in 0…127 (the padding codes may be anything: their weights are 0).</param>
    /// <param name="rowScales">s_m, length ≥ M.</param>
    /// <param name="zeroPoints">z_m, length ≥ M.</param>
    /// <param name="k">K, 0 … <see cref="MaxK"/>.</param>
    /// <param name="packed">The packed weight codes of a [K, N] matrix, length ≥ <see cref="PackedLength"/>.</param>
    /// <param name="scales">scale_n, length N.</param>
    /// <param name="columnSums">colSum_n, length N.</param>
    /// <param name="bias">bias_n, length N.</param>
    /// <param name="y">Receives y, [M, N].</param>
    /// <param name="path">The kernel path.</param>
    /// <param name="maxThreads">The threads (at most the cores) a product of at least <see cref="ThreadingBytes"/> of codes and 32 columns is split over, by columns (the same bits: each output is computed the same way in any part).</param>
    /// <exception cref="ArgumentException">An operand's shape or length does not match, or K is out of range.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="path"/> is not a kernel path.</exception>
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
        KernelPath path,
        int maxThreads = 1)
    {
        ArgumentValidation.KernelPath(path, nameof(path));
        if ((uint)k > MaxK)
        {
            ThrowHelper.ThrowArgument(nameof(k), string.Create(CultureInfo.InvariantCulture, $"{nameof(k)} must be in 0 … {MaxK} (int32 sums stay exact); got {k}."));
        }

        var n = y.Columns;
        if (codes.Rows != y.Rows || codes.Columns < PaddedK(k))
        {
            ThrowHelper.ThrowShapeMismatch(nameof(codes), y.Rows, PaddedK(k), codes.Rows, codes.Columns);
        }

        CheckLength(nameof(rowScales), rowScales.Length, y.Rows);
        CheckLength(nameof(zeroPoints), zeroPoints.Length, y.Rows);
        CheckLength(nameof(packed), packed.Length, PackedLength(k, n));
        CheckExact(nameof(scales), scales.Length, n);
        CheckExact(nameof(columnSums), columnSums.Length, n);
        CheckExact(nameof(bias), bias.Length, n);
        if (path == KernelPath.Reference)
        {
            QuantizedReference.Multiply(codes, rowScales, zeroPoints, k, packed, scales, columnSums, bias, y);
            return;
        }

        if (y.IsEmpty)
        {
            return;
        }

        var parts = Math.Min(maxThreads, WorkerPool.MaxParts);
        if (parts <= 1 || PackedLength(k, n) < ThreadingBytes || n < 2 * 16)
        {
            RunColumns(codes, rowScales, zeroPoints, k, packed, scales, columnSums, bias, y, path, AvoidVnni, 0, n);
            return;
        }

        // Workers cannot receive refs or spans: the caller pins every operand (it waits for all parts) and passes
        // pointers in a job on its own stack. Parts are whole 16-column groups of the packed layout.
        fixed (byte* u = &codes.DangerousGetReferenceAt(0, 0))
        fixed (float* s = rowScales, scale = scales, b = bias, c = &y.DangerousGetReferenceAt(0, 0))
        fixed (int* z = zeroPoints, sums = columnSums)
        fixed (sbyte* q = packed)
        {
            var job = new ColumnJob
            {
                Codes = u,
                CodesRows = codes.Rows,
                CodesColumns = codes.Columns,
                CodesStride = codes.Stride,
                RowScales = s,
                ZeroPoints = z,
                K = k,
                Packed = q,
                PackedLength = packed.Length,
                Scales = scale,
                ColumnSums = sums,
                Bias = b,
                Y = c,
                YStride = y.Stride,
                Path = path,
                AvoidVnni = AvoidVnni,
            };
            job.Rows = y.Rows;
            job.Columns = n;
            WorkerPool.Run(&RunPart, (nint)(&job), parts);
        }
    }

    /// <summary>
    /// A product is split over threads, by columns, only when its packed codes are at least this many bytes: one-row
    /// and few-row products are bound by streaming them, and each core then streams half from its own L2.
    /// </summary>
    public const int ThreadingBytes = 128 * 1024;

    /// <summary>Columns [<paramref name="columnStart"/>, <paramref name="columnEnd"/>) of the product on the widest lanes up to <paramref name="path"/>.</summary>
    private static void RunColumns(
        ReadOnlyMatrixSpan<byte> codes,
        ReadOnlySpan<float> rowScales,
        ReadOnlySpan<int> zeroPoints,
        int k,
        ReadOnlySpan<sbyte> packed,
        ReadOnlySpan<float> scales,
        ReadOnlySpan<int> columnSums,
        ReadOnlySpan<float> bias,
        MatrixSpan<float> y,
        KernelPath path,
        bool avoidVnni,
        int columnStart,
        int columnEnd)
    {
        // One-row strips take as many accumulators as the registers hold beside a broadcast and the products
        // (32 zmm: 16; 16 ymm/xmm: 8); taller tiles 4 rows × 4 or × 2 registers, plus the 4 broadcasts.
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated && Avx512BW.IsSupported)
        {
            Int8Kernel.Run<Vector512<int>, Int8Lanes512>(codes, rowScales, zeroPoints, k, packed, scales, columnSums, bias, y, rowVectors: 16, tileVectors: 4, columnStart, columnEnd);
        }
        else if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated && AvxVnni.IsSupported && !avoidVnni)
        {
            Int8Kernel.Run<Vector256<int>, Int8Lanes256Vnni>(codes, rowScales, zeroPoints, k, packed, scales, columnSums, bias, y, rowVectors: 8, tileVectors: 2, columnStart, columnEnd);
        }
        else if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated && Avx2.IsSupported)
        {
            Int8Kernel.Run<Vector256<int>, Int8Lanes256>(codes, rowScales, zeroPoints, k, packed, scales, columnSums, bias, y, rowVectors: 8, tileVectors: 2, columnStart, columnEnd);
        }
        else if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated && Ssse3.IsSupported)
        {
            Int8Kernel.Run<Vector128<int>, Int8Lanes128>(codes, rowScales, zeroPoints, k, packed, scales, columnSums, bias, y, rowVectors: 8, tileVectors: 2, columnStart, columnEnd);
        }
        else
        {
            Int8Kernel.Run<int, Int8LanesScalar>(codes, rowScales, zeroPoints, k, packed, scales, columnSums, bias, y, rowVectors: 8, tileVectors: 2, columnStart, columnEnd);
        }
    }

    /// <summary>Part <paramref name="part"/> of a split product: its share of the 16-column groups.</summary>
    private static void RunPart(nint context, int part, int parts)
    {
        var job = (ColumnJob*)context;
        var (first, end) = WorkerPool.Split(job->Columns, 16, part, parts);
        if (first >= end)
        {
            return;
        }

        var n = job->Columns;
        RunColumns(
            new ReadOnlyMatrixSpan<byte>(ref *job->Codes, job->CodesRows, job->CodesColumns, job->CodesStride),
            new ReadOnlySpan<float>(job->RowScales, job->Rows),
            new ReadOnlySpan<int>(job->ZeroPoints, job->Rows),
            job->K,
            new ReadOnlySpan<sbyte>(job->Packed, job->PackedLength),
            new ReadOnlySpan<float>(job->Scales, n),
            new ReadOnlySpan<int>(job->ColumnSums, n),
            new ReadOnlySpan<float>(job->Bias, n),
            new MatrixSpan<float>(ref *job->Y, job->Rows, n, job->YStride),
            job->Path,
            job->AvoidVnni,
            first,
            end);
    }

    /// <summary>A split product's operands, pinned by the caller for the parts.</summary>
    private struct ColumnJob
    {
        public byte* Codes;
        public int CodesRows;
        public int CodesColumns;
        public int CodesStride;
        public float* RowScales;
        public int* ZeroPoints;
        public int K;
        public sbyte* Packed;
        public int PackedLength;
        public float* Scales;
        public int* ColumnSums;
        public float* Bias;
        public float* Y;
        public int YStride;
        public int Rows;
        public int Columns;
        public KernelPath Path;
        public bool AvoidVnni;
    }

    /// <summary>
    /// Tests set it (on the thread that multiplies) to run the AVX2 lanes where AVX-VNNI would be taken, so a
    /// VNNI machine proves both 256-bit forms.
    /// </summary>
    [ThreadStatic]
    internal static bool AvoidVnni;

    /// <summary>One row's codes, u = clamp(round(x · (1/s)) + z, 0, 127), on the widest vectors up to <paramref name="path"/>, then the padding.</summary>
    private static void QuantizeRow(ReadOnlySpan<float> x, Span<byte> codes, float scale, int zeroPoint, KernelPath path)
    {
        var inverse = 1f / scale;
        var n = (nuint)x.Length;
        nuint at = 0;
        ref var source = ref MemoryMarshal.GetReference(x);
        ref var destination = ref MemoryMarshal.GetReference(codes);
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            var count = (nuint)Vector512<float>.Count;
            var inv = Vector512.Create(inverse);
            var z = Vector512.Create(zeroPoint);
            for (; at + (4 * count) <= n; at += 4 * count)
            {
                var low = Vector512.Narrow(Code(Vector512.LoadUnsafe(ref source, at), inv, z), Code(Vector512.LoadUnsafe(ref source, at + count), inv, z));
                var high = Vector512.Narrow(Code(Vector512.LoadUnsafe(ref source, at + (2 * count)), inv, z), Code(Vector512.LoadUnsafe(ref source, at + (3 * count)), inv, z));
                Vector512.Narrow(low.AsUInt16(), high.AsUInt16()).StoreUnsafe(ref destination, at);
            }
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            var count = (nuint)Vector256<float>.Count;
            var inv = Vector256.Create(inverse);
            var z = Vector256.Create(zeroPoint);
            for (; at + (4 * count) <= n; at += 4 * count)
            {
                var low = Vector256.Narrow(Code(Vector256.LoadUnsafe(ref source, at), inv, z), Code(Vector256.LoadUnsafe(ref source, at + count), inv, z));
                var high = Vector256.Narrow(Code(Vector256.LoadUnsafe(ref source, at + (2 * count)), inv, z), Code(Vector256.LoadUnsafe(ref source, at + (3 * count)), inv, z));
                Vector256.Narrow(low.AsUInt16(), high.AsUInt16()).StoreUnsafe(ref destination, at);
            }
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            var count = (nuint)Vector128<float>.Count;
            var inv = Vector128.Create(inverse);
            var z = Vector128.Create(zeroPoint);
            for (; at + (4 * count) <= n; at += 4 * count)
            {
                var low = Vector128.Narrow(Code(Vector128.LoadUnsafe(ref source, at), inv, z), Code(Vector128.LoadUnsafe(ref source, at + count), inv, z));
                var high = Vector128.Narrow(Code(Vector128.LoadUnsafe(ref source, at + (2 * count)), inv, z), Code(Vector128.LoadUnsafe(ref source, at + (3 * count)), inv, z));
                Vector128.Narrow(low.AsUInt16(), high.AsUInt16()).StoreUnsafe(ref destination, at);
            }
        }

        for (; at < n; at++)
        {
            Unsafe.Add(ref destination, at) = QuantizedReference.Code(Unsafe.Add(ref source, at), inverse, zeroPoint);
        }

        codes[x.Length..PaddedK(x.Length)].Clear();
    }

    /// <summary>
    /// <see cref="QuantizedReference.RowRange"/> in one pass: min and max are exact whatever the order, so the
    /// vector lanes give the reference's range (the sign of a zero bound does not change s or z); x · 0 is NaN
    /// exactly for NaN and ±∞, so one sum of those products tells a non-finite row.
    /// </summary>
    private static (float Scale, int ZeroPoint) RowRange(ReadOnlySpan<float> x, KernelPath path)
    {
        var n = (nuint)x.Length;
        nuint at = 0;
        ref var source = ref MemoryMarshal.GetReference(x);
        float lo = 0f, hi = 0f, poison = 0f;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            // Two sets of bounds and sums, so the loop is not one chain of dependent adds.
            Vector512<float> lo0 = Vector512<float>.Zero, hi0 = lo0, poison0 = lo0, lo1 = lo0, hi1 = lo0, poison1 = lo0;
            var count = (nuint)Vector512<float>.Count;
            for (; at + (2 * count) <= n; at += 2 * count)
            {
                var a = Vector512.LoadUnsafe(ref source, at);
                var b = Vector512.LoadUnsafe(ref source, at + count);
                (lo0, hi0, poison0) = (Vector512.MinNative(lo0, a), Vector512.MaxNative(hi0, a), poison0 + (a * Vector512<float>.Zero));
                (lo1, hi1, poison1) = (Vector512.MinNative(lo1, b), Vector512.MaxNative(hi1, b), poison1 + (b * Vector512<float>.Zero));
            }

            if (at + count <= n)
            {
                var a = Vector512.LoadUnsafe(ref source, at);
                (lo0, hi0, poison0) = (Vector512.MinNative(lo0, a), Vector512.MaxNative(hi0, a), poison0 + (a * Vector512<float>.Zero));
                at += count;
            }

            lo0 = Vector512.MinNative(lo0, lo1);
            hi0 = Vector512.MaxNative(hi0, hi1);
            (lo, hi, poison) = (HorizontalMin(lo0.GetLower(), lo0.GetUpper()), HorizontalMax(hi0.GetLower(), hi0.GetUpper()), Vector512.Sum(poison0 + poison1));
        }
        else if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            Vector256<float> lo0 = Vector256<float>.Zero, hi0 = lo0, poison0 = lo0, lo1 = lo0, hi1 = lo0, poison1 = lo0;
            var count = (nuint)Vector256<float>.Count;
            for (; at + (2 * count) <= n; at += 2 * count)
            {
                var a = Vector256.LoadUnsafe(ref source, at);
                var b = Vector256.LoadUnsafe(ref source, at + count);
                (lo0, hi0, poison0) = (Vector256.MinNative(lo0, a), Vector256.MaxNative(hi0, a), poison0 + (a * Vector256<float>.Zero));
                (lo1, hi1, poison1) = (Vector256.MinNative(lo1, b), Vector256.MaxNative(hi1, b), poison1 + (b * Vector256<float>.Zero));
            }

            if (at + count <= n)
            {
                var a = Vector256.LoadUnsafe(ref source, at);
                (lo0, hi0, poison0) = (Vector256.MinNative(lo0, a), Vector256.MaxNative(hi0, a), poison0 + (a * Vector256<float>.Zero));
                at += count;
            }

            (lo, hi, poison) = (HorizontalMin(lo0, lo1), HorizontalMax(hi0, hi1), Vector256.Sum(poison0 + poison1));
        }

        for (; at < n; at++)
        {
            var v = Unsafe.Add(ref source, at);
            lo = MathF.Min(lo, v);
            hi = MathF.Max(hi, v);
            poison += v * 0f;
        }

        return float.IsNaN(poison) ? (float.NaN, 0) : QuantizedReference.Range(lo, hi);
    }

    private static float HorizontalMin(Vector256<float> a, Vector256<float> b) => HorizontalMin(Vector256.MinNative(a, b));

    private static float HorizontalMin(Vector256<float> v)
    {
        var m = Vector128.MinNative(v.GetLower(), v.GetUpper());
        m = Vector128.MinNative(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        return MathF.Min(m.ToScalar(), m.GetElement(1));
    }

    private static float HorizontalMax(Vector256<float> a, Vector256<float> b) => HorizontalMax(Vector256.MaxNative(a, b));

    private static float HorizontalMax(Vector256<float> v)
    {
        var m = Vector128.MaxNative(v.GetLower(), v.GetUpper());
        m = Vector128.MaxNative(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        return MathF.Max(m.ToScalar(), m.GetElement(1));
    }

    /// <summary><see cref="QuantizedReference.Code"/> on every lane: the same product, rounding, NaN rule and clamps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Code(Vector512<float> x, Vector512<float> inverse, Vector512<int> zeroPoint)
    {
        var t = Vector512.Round(x * inverse);
        t = Vector512.ConditionalSelect(Vector512.Equals(t, t), Vector512.ClampNative(t, Vector512.Create(-256f), Vector512.Create(256f)), Vector512<float>.Zero);
        return Vector512.Clamp(Vector512.ConvertToInt32Native(t) + zeroPoint, Vector512<int>.Zero, Vector512.Create(MaxCode));
    }

    /// <inheritdoc cref="Code(Vector512{float}, Vector512{float}, Vector512{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Code(Vector256<float> x, Vector256<float> inverse, Vector256<int> zeroPoint)
    {
        var t = Vector256.Round(x * inverse);
        t = Vector256.ConditionalSelect(Vector256.Equals(t, t), Vector256.ClampNative(t, Vector256.Create(-256f), Vector256.Create(256f)), Vector256<float>.Zero);
        return Vector256.Clamp(Vector256.ConvertToInt32Native(t) + zeroPoint, Vector256<int>.Zero, Vector256.Create(MaxCode));
    }

    /// <inheritdoc cref="Code(Vector512{float}, Vector512{float}, Vector512{int})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Code(Vector128<float> x, Vector128<float> inverse, Vector128<int> zeroPoint)
    {
        var t = Vector128.Round(x * inverse);
        t = Vector128.ConditionalSelect(Vector128.Equals(t, t), Vector128.ClampNative(t, Vector128.Create(-256f), Vector128.Create(256f)), Vector128<float>.Zero);
        return Vector128.Clamp(Vector128.ConvertToInt32Native(t) + zeroPoint, Vector128<int>.Zero, Vector128.Create(MaxCode));
    }

    private static void CheckCodes(ReadOnlyMatrixSpan<float> x, MatrixSpan<byte> codes)
    {
        if (codes.Rows != x.Rows || codes.Columns < PaddedK(x.Columns))
        {
            ThrowHelper.ThrowShapeMismatch(nameof(codes), x.Rows, PaddedK(x.Columns), codes.Rows, codes.Columns);
        }
    }

    private static void CheckLength(string name, int length, int required)
    {
        if (length < required)
        {
            ThrowHelper.ThrowArgument(name, string.Create(CultureInfo.InvariantCulture, $"{name} must have length ≥ {required}; got {length}."));
        }
    }

    private static void CheckExact(string name, int length, int required)
    {
        if (length != required)
        {
            ThrowHelper.ThrowArgument(name, string.Create(CultureInfo.InvariantCulture, $"{name} must have length N = {required} (y's columns); got {length}."));
        }
    }
}
