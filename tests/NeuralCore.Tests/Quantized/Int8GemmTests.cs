using NeuralCore.Internals.Quantized;
using NeuralCore.Internals.Reference;
using NeuralCore.Tests.Gemm;

namespace NeuralCore.Tests.Quantized;

/// <summary>
/// The int8 kernels (<see cref="Int8Gemm"/>) on every path against the integer scalar reference, bit for bit: the
/// product over every shape of the GEMM sweep and the network's layers, sums at the int16 and int32 edges, the row
/// quantizers at every length with NaN, ±∞ and out-of-range values, and the packing.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class Int8GemmTests
{
    public static TheoryData<KernelPath> Paths => [.. Kernels.Available];

    public static TheoryData<KernelPath> FastPaths => [.. Kernels.Available.Where(p => p != KernelPath.Reference)];

    private const float Sentinel = -12345.678f;

    /// <summary>The GEMM sweep's (M, N, K), rows 1, 2, 3, 7, 8 on the network's layers, and K past one int16 pair.</summary>
    private static IEnumerable<(int M, int N, int K)> Shapes()
    {
        foreach (var shape in GemmMultiplyTests.Shapes())
        {
            yield return shape;
        }

        foreach (var m in new[] { 1, 2, 3, 7, 8 })
        {
            yield return (m, 256, 784);
            yield return (m, 128, 256);
            yield return (m, 10, 128);
            yield return (m, 300, 37);
        }

        yield return (1, 1000, 5);
        yield return (33, 70, 600);

        // A partial last register inside the widest strips: 250 = 15 registers of 16 and 10 columns.
        foreach (var m in new[] { 1, 2, 3, 4, 5 })
        {
            yield return (m, 250, 37);
        }

        yield return (1, 241, 20);
    }

    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Multiply_matches_the_reference_on_every_shape(KernelPath path) => Sweep(path, avoidVnni: false);

    /// <summary>
    /// Products of at least <see cref="Int8Gemm.ThreadingBytes"/> of codes split their columns over threads in whole
    /// 16-column groups: the bits of one thread, nothing written outside y, on every path and both 256-bit forms.
    /// </summary>
    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Multiply_split_over_threads_gives_the_bits_of_one(KernelPath path) => EachForm(path, () =>
    {
        var random = new Random(77);
        foreach (var (m, n, k) in new[] { (1, 256, 784), (3, 300, 600), (1, 33, 4100), (5, 1000, 130), (16, 32, 4100) })
        {
            Assert.True(Int8Gemm.PackedLength(k, n) >= Int8Gemm.ThreadingBytes && n >= 32, "the shape must be large enough to split");
            var operands = Operands.Random(m, n, k, random);
            var expected = new float[m * n];
            operands.Multiply(new MatrixSpan<float>(expected, m, n), KernelPath.Reference);
            foreach (var threads in new[] { 2, 3 })
            {
                var y = new GuardedMatrix<float>(m, n, 3, Sentinel);
                y.Fill(float.NaN);
                Int8Gemm.Multiply(operands.CodesView, operands.RowScales, operands.ZeroPoints, k, operands.Packed, operands.Scales, operands.ColumnSums, operands.Bias, y.View, path, threads);
                var actual = y.Snapshot();
                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                        $"{path}, {threads} threads, M {m} N {n} K {k}, y[{i / n}, {i % n}] = {actual[i]:R}, reference {expected[i]:R}.");
                }

                y.AssertGuardIntact();
            }
        }
    });

    /// <summary>On a machine with AVX-VNNI the 256-bit path takes <c>vpdpbusd</c>; this runs its AVX2 form on the same shapes.</summary>
    [Fact]
    public void Multiply_matches_the_reference_on_the_avx2_form_too()
    {
        if (Kernels.Available.Contains(KernelPath.Vector256))
        {
            Sweep(KernelPath.Vector256, avoidVnni: true);
        }
    }

    private static void Sweep(KernelPath path, bool avoidVnni)
    {
        var random = new Random(20261204);
        foreach (var (m, n, k) in Shapes())
        {
            var operands = Operands.Random(m, n, k, random);
            var expected = new float[m * n];
            operands.Multiply(new MatrixSpan<float>(expected, m, n), KernelPath.Reference);
            var y = new GuardedMatrix<float>(m, n, random.Next(0, 5), Sentinel);
            y.Fill(float.NaN);
            Int8Gemm.AvoidVnni = avoidVnni;
            try
            {
                operands.Multiply(y.View, path);
            }
            finally
            {
                Int8Gemm.AvoidVnni = false;
            }

            var actual = y.Snapshot();
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"{path}{(avoidVnni ? " (AVX2)" : string.Empty)}, M {m} N {n} K {k}, y[{i / n}, {i % n}] = {actual[i]:R}, reference {expected[i]:R}.");
            }

            y.AssertGuardIntact();
        }
    }

    /// <summary>
    /// Every code at its largest, with weights all +127, all −127, and alternating: the sums reach ±127·127·K, far past
    /// int16 (a kernel that added pairs in int16 saturates at 32 767), and with unit scales y is the exact sum
    /// (K ≤ 1040 keeps it below 2²⁴). At K = 65 536 the sums sit at the int32 edge and y matches the reference.
    /// Both 256-bit forms run it (AVX-VNNI where the CPU has it, and AVX2).
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Sums_past_int16_are_exact(KernelPath path) => EachForm(path, () => SumsPastInt16(path));

    [Theory]
    [MemberData(nameof(FastPaths))]
    public void The_zero_point_correction_matches_the_reference(KernelPath path) => EachForm(path, () => ZeroPointCorrection(path));

    /// <summary>Runs <paramref name="test"/> once, and on the 256-bit path once more with the AVX2 form where AVX-VNNI would be taken.</summary>
    private static void EachForm(KernelPath path, Action test)
    {
        test();
        if (path == KernelPath.Vector256)
        {
            Int8Gemm.AvoidVnni = true;
            try
            {
                test();
            }
            finally
            {
                Int8Gemm.AvoidVnni = false;
            }
        }
    }

    private static void SumsPastInt16(KernelPath path)
    {
        foreach (var k in new[] { 1, 2, 3, 4, 5, 255, 256, 257, 1024, 1040 })
        {
            foreach (var (weight, name) in new (Func<int, int, sbyte>, string)[] { ((_, _) => 127, "+127"), ((_, _) => -127, "−127"), ((p, j) => (sbyte)(((p + j) & 1) == 0 ? 127 : -127), "alternating") })
            {
                const int n = 19;
                var operands = Operands.Filled(3, n, k, (_, _) => Int8Gemm.MaxCode, weight);
                var y = new float[3 * n];
                operands.Multiply(new MatrixSpan<float>(y, 3, n), path);
                for (var i = 0; i < 3; i++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        long sum = 0;
                        for (var p = 0; p < k; p++)
                        {
                            sum += Int8Gemm.MaxCode * weight(p, j);
                        }

                        Assert.True(sum == y[(i * n) + j], $"{path}, K {k}, weights {name}, y[{i}, {j}] = {y[(i * n) + j]:R}, exact sum {sum}.");
                    }
                }
            }
        }

        var edge = Operands.Filled(1, 17, Int8Gemm.MaxK, (_, _) => Int8Gemm.MaxCode, (_, j) => (sbyte)(j % 2 == 0 ? 127 : -127));
        var expected = new float[17];
        var actual = new float[17];
        edge.Multiply(new MatrixSpan<float>(expected, 1, 17), KernelPath.Reference);
        edge.Multiply(new MatrixSpan<float>(actual, 1, 17), path);
        Assert.Equal(expected, actual);
        Assert.Equal(127f * 127f * Int8Gemm.MaxK, actual[0]);
    }

    /// <summary>The zero point's correction z·colSum at its largest (z = 127, every weight −127), with the scales and bias of a real layer.</summary>
    private static void ZeroPointCorrection(KernelPath path)
    {
        var random = new Random(5);
        foreach (var k in new[] { 7, 784, 4099 })
        {
            var operands = Operands.Filled(5, 33, k, (i, p) => (byte)((i + p) % 128), (_, _) => -127);
            operands.ZeroPoints.AsSpan().Fill(Int8Gemm.MaxCode);
            for (var j = 0; j < 33; j++)
            {
                operands.Scales[j] = (float)random.NextDouble() * 0.01f;
                operands.Bias[j] = (float)(random.NextDouble() - 0.5);
            }

            var expected = new float[5 * 33];
            var actual = new float[5 * 33];
            operands.Multiply(new MatrixSpan<float>(expected, 5, 33), KernelPath.Reference);
            operands.Multiply(new MatrixSpan<float>(actual, 5, 33), path);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Dynamic_row_quantization_matches_the_reference_at_every_length(KernelPath path)
    {
        var random = new Random(17);
        for (var length = 0; length <= 300; length++)
        {
            var x = RandomRows(3, length, random);
            var paddedK = Int8Gemm.PaddedK(length);
            var expectedCodes = new byte[3 * paddedK];
            var expectedScales = new float[3];
            var expectedZeros = new int[3];
            QuantizedReference.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 3, length), new MatrixSpan<byte>(expectedCodes, 3, paddedK), expectedScales, expectedZeros);

            // Codes in a strided view past PaddedK, filled with 0xEE: the padding up to PaddedK must become 0, the rest stay.
            var stride = paddedK + 5;
            var codes = new byte[3 * stride];
            codes.AsSpan().Fill(0xEE);
            var scales = new float[3];
            var zeros = new int[3];
            Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 3, length), new MatrixSpan<byte>(codes, 3, paddedK, stride), scales, zeros, path);
            for (var i = 0; i < 3; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expectedScales[i]) == BitConverter.SingleToInt32Bits(scales[i]), $"{path}, length {length}, row {i}: s = {scales[i]:R}, reference {expectedScales[i]:R}.");
                Assert.Equal(expectedZeros[i], zeros[i]);
                AssertCodes(expectedCodes.AsSpan(i * paddedK, paddedK), codes.AsSpan(i * stride, paddedK), $"{path}, length {length}, row {i}");
                Assert.All(codes.AsSpan((i * stride) + paddedK, 5).ToArray(), c => Assert.Equal(0xEE, c));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Static_row_quantization_matches_the_reference_at_every_length(KernelPath path)
    {
        var random = new Random(19);
        foreach (var (scale, zeroPoint) in new[] { (0.01f, 64), (0.5f, 0), (1e-3f, 127), (3f, 10) })
        {
            for (var length = 0; length <= 300; length += length < 70 ? 1 : 7)
            {
                // Values far outside the calibrated range, NaN and ±∞ included: they clamp (NaN gives z).
                var x = RandomRows(2, length, random, spread: 1000);
                var paddedK = Int8Gemm.PaddedK(length);
                var expected = new byte[2 * paddedK];
                QuantizedReference.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 2, length), new MatrixSpan<byte>(expected, 2, paddedK), scale, zeroPoint);
                var codes = new byte[2 * paddedK];
                codes.AsSpan().Fill(0xEE);
                Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 2, length), new MatrixSpan<byte>(codes, 2, paddedK), scale, zeroPoint, path);
                AssertCodes(expected, codes, $"{path}, s {scale}, z {zeroPoint}, length {length}");
            }
        }
    }

    /// <summary>Codes on the rounding ties: x · (1/s) at k + ½ rounds to even on every path.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Codes_round_ties_to_even(KernelPath path)
    {
        var x = Enumerable.Range(0, 64).Select(i => (i - 32) + 0.5f).ToArray();
        var codes = new byte[64];
        Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 1, 64), new MatrixSpan<byte>(codes, 1, 64), 1f, 40, path);
        for (var i = 0; i < 64; i++)
        {
            var expected = Math.Clamp((int)Math.Round((double)x[i], MidpointRounding.ToEven) + 40, 0, 127);
            Assert.True(expected == codes[i], $"{path}: code of {x[i]} = {codes[i]}, expected {expected}.");
        }
    }

    [Fact]
    public void Stored_codes_pack_as_the_quantized_weights_do()
    {
        var random = new Random(3);
        foreach (var (k, n) in new[] { (1, 1), (5, 17), (784, 256), (3, 33) })
        {
            var w = new float[k * n];
            for (var i = 0; i < w.Length; i++)
            {
                w[i] = (float)(random.NextDouble() - 0.5);
            }

            var packed = new sbyte[Int8Gemm.PackedLength(k, n)];
            var sums = new int[n];
            Int8Gemm.PackWeights(new ReadOnlyMatrixSpan<float>(w, k, n), packed, new float[n], sums);
            var codesOutIn = new sbyte[n * k];
            for (var j = 0; j < n; j++)
            {
                for (var p = 0; p < k; p++)
                {
                    codesOutIn[(j * k) + p] = Int8Gemm.PackedCode(packed, n, p, j);
                }
            }

            var repacked = new sbyte[packed.Length];
            repacked.AsSpan().Fill(99);
            var resums = new int[n];
            Int8Gemm.PackCodes(codesOutIn, k, n, repacked, resums);
            Assert.Equal(packed, repacked);
            Assert.Equal(sums, resums);
            Assert.Equal(Enumerable.Range(0, n).Select(j => codesOutIn.Skip(j * k).Take(k).Sum(c => c)), resums);
        }
    }

    [Fact]
    public void Bad_operands_are_refused()
    {
        var operands = Operands.Filled(2, 5, 7, (_, _) => 1, (_, _) => 1);
        var y = new float[10];
        Assert.Throws<ArgumentException>("bias", () => Int8Gemm.Multiply(operands.CodesView, operands.RowScales, operands.ZeroPoints, 7, operands.Packed, operands.Scales, operands.ColumnSums, new float[4], new MatrixSpan<float>(y, 2, 5), KernelPath.Vector256));
        Assert.Throws<ArgumentException>("codes", () => Int8Gemm.Multiply(operands.CodesView, operands.RowScales, operands.ZeroPoints, 9, new sbyte[Int8Gemm.PackedLength(9, 5)], operands.Scales, operands.ColumnSums, operands.Bias, new MatrixSpan<float>(y, 2, 5), KernelPath.Vector256));
        Assert.Throws<ArgumentException>("k", () => Int8Gemm.Multiply(operands.CodesView, operands.RowScales, operands.ZeroPoints, Int8Gemm.MaxK + 1, operands.Packed, operands.Scales, operands.ColumnSums, operands.Bias, new MatrixSpan<float>(y, 2, 5), KernelPath.Vector256));
        Assert.Throws<ArgumentException>("packed", () => Int8Gemm.Multiply(operands.CodesView, operands.RowScales, operands.ZeroPoints, 7, operands.Packed[1..], operands.Scales, operands.ColumnSums, operands.Bias, new MatrixSpan<float>(y, 2, 5), KernelPath.Vector256));
        Assert.Throws<ArgumentException>("rowScales", () => Int8Gemm.Multiply(operands.CodesView, operands.RowScales.AsSpan(1), operands.ZeroPoints, 7, operands.Packed, operands.Scales, operands.ColumnSums, operands.Bias, new MatrixSpan<float>(y, 2, 5), KernelPath.Vector256));
        Assert.Throws<ArgumentOutOfRangeException>("path", () => Int8Gemm.Multiply(operands.CodesView, operands.RowScales, operands.ZeroPoints, 7, operands.Packed, operands.Scales, operands.ColumnSums, operands.Bias, new MatrixSpan<float>(y, 2, 5), (KernelPath)9));
        Assert.Throws<ArgumentException>("codes", () => Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(new float[14], 2, 7), new MatrixSpan<byte>(new byte[14], 2, 7), new float[2], new int[2], KernelPath.Vector256));
        Assert.Throws<ArgumentException>("scales", () => Int8Gemm.Multiply(operands.CodesView, operands.RowScales, operands.ZeroPoints, 7, operands.Packed, operands.Scales.AsSpan(1), operands.ColumnSums, operands.Bias, new MatrixSpan<float>(y, 2, 5), KernelPath.Vector256));
        Assert.Throws<ArgumentException>("columnSums", () => Int8Gemm.Multiply(operands.CodesView, operands.RowScales, operands.ZeroPoints, 7, operands.Packed, operands.Scales, new int[6], operands.Bias, new MatrixSpan<float>(y, 2, 5), KernelPath.Vector256));
        Assert.Throws<ArgumentException>("codes", () => Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(new float[14], 2, 7), new MatrixSpan<byte>(new byte[14], 2, 7), 0.1f, 3, KernelPath.Vector256));
        Assert.Throws<ArgumentOutOfRangeException>("zeroPoint", () => Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(new float[14], 2, 7), new MatrixSpan<byte>(new byte[16], 2, 8), 0.1f, 128, KernelPath.Vector256));
        Assert.Throws<ArgumentOutOfRangeException>("zeroPoint", () => Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(new float[14], 2, 7), new MatrixSpan<byte>(new byte[16], 2, 8), 0.1f, -1, KernelPath.Reference));
        Assert.Throws<ArgumentOutOfRangeException>("path", () => Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(new float[14], 2, 7), new MatrixSpan<byte>(new byte[16], 2, 8), 0.1f, 3, (KernelPath)9));
        Assert.Throws<ArgumentException>("zeroPoints", () => Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(new float[14], 2, 7), new MatrixSpan<byte>(new byte[16], 2, 8), new float[2], new int[1], KernelPath.Vector256));
    }

    [Fact]
    public void The_fast_paths_allocate_nothing()
    {
        var operands = Operands.Random(5, 300, 784, new Random(1));
        var y = new float[5 * 300];
        var x = RandomRows(5, 784, new Random(2));
        var codes = new byte[5 * 784];
        var scales = new float[5];
        var zeros = new int[5];
        foreach (var path in Kernels.Available)
        {
            // Every call once before measuring: a first call may allocate in the runtime (its compile), not in the kernel.
            operands.Multiply(new MatrixSpan<float>(y, 5, 300), path);
            Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 5, 784), new MatrixSpan<byte>(codes, 5, 784), scales, zeros, path);
            Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 5, 784), new MatrixSpan<byte>(codes, 5, 784), 0.1f, 3, path);
            var before = GC.GetAllocatedBytesForCurrentThread();
            operands.Multiply(new MatrixSpan<float>(y, 5, 300), path);
            Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 5, 784), new MatrixSpan<byte>(codes, 5, 784), scales, zeros, path);
            Int8Gemm.QuantizeRows(new ReadOnlyMatrixSpan<float>(x, 5, 784), new MatrixSpan<byte>(codes, 5, 784), 0.1f, 3, path);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static void AssertCodes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        for (var p = 0; p < expected.Length; p++)
        {
            Assert.True(expected[p] == actual[p], $"{what}, code {p} = {actual[p]}, reference {expected[p]}.");
        }
    }

    /// <summary>
    /// Rows of random values: in the first, about one value in eight special (NaN, ±∞, ±0, huge, a rounding tie); in
    /// the second, one in four a finite special (±float.MaxValue, whose range overflows to s = ∞, subnormals, ±0,
    /// huge, ties), so the vector range loops see them in finite rows; the others plain.
    /// </summary>
    private static float[] RandomRows(int rows, int length, Random random, double spread = 3)
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e30f, -1e30f, 2.5f, -0.5f];
        float[] finite = [float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 1e-40f, 0f, -0f, 1e30f, -3e38f, 0.5f, -1.5f];
        var x = new float[rows * length];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = i < length && random.Next(8) == 0 ? specials[random.Next(specials.Length)]
                : i >= length && i < 2 * length && random.Next(4) == 0 ? finite[random.Next(finite.Length)]
                : (float)((random.NextDouble() - 0.3) * spread);
        }

        return x;
    }

    /// <summary>The operands of one product: codes [M, PaddedK] in a strided buffer, packed weights, scales and bias.</summary>
    private sealed class Operands
    {
        private Operands(int m, int n, int k)
        {
            M = m;
            N = n;
            K = k;
            CodesStride = Int8Gemm.PaddedK(k) + 3;
            Codes = new byte[Math.Max(1, m * CodesStride)];
            // A trailer of codes past the packed matrix: a kernel that read past its end would sum them.
            _packed = new sbyte[Int8Gemm.PackedLength(k, n) + 64];
            _packed.AsSpan(Int8Gemm.PackedLength(k, n)).Fill(0x55);
            ColumnSums = new int[n];
            RowScales = new float[m];
            ZeroPoints = new int[m];
            Scales = new float[n];
            Bias = new float[n];
        }

        public int M { get; }

        public int N { get; }

        public int K { get; }

        public int CodesStride { get; }

        public byte[] Codes { get; }

        private readonly sbyte[] _packed;

        public Span<sbyte> Packed => _packed.AsSpan(0, Int8Gemm.PackedLength(K, N));

        public int[] ColumnSums { get; }

        public float[] RowScales { get; }

        public int[] ZeroPoints { get; }

        public float[] Scales { get; }

        public float[] Bias { get; }

        public ReadOnlyMatrixSpan<byte> CodesView => new(Codes, M, Int8Gemm.PaddedK(K), CodesStride);

        /// <summary>Random codes (0…127, padding past K random too: its weights are 0), weights −127…127, scales, zero points and bias.</summary>
        public static Operands Random(int m, int n, int k, Random random)
        {
            var o = new Operands(m, n, k);
            // Codes 0…127 up to K; past K (the padding up to PaddedK, whose weights are 0, and the stride's rest,
            // never read) anything, 128…255 included.
            random.NextBytes(o.Codes);
            for (var i = 0; i < m; i++)
            {
                for (var p = 0; p < k; p++)
                {
                    o.Codes[(i * o.CodesStride) + p] &= 0x7F;
                }
            }

            var q = new sbyte[n * k];
            for (var i = 0; i < q.Length; i++)
            {
                q[i] = (sbyte)random.Next(-127, 128);
            }

            Int8Gemm.PackCodes(q, k, n, o.Packed, o.ColumnSums);
            for (var i = 0; i < m; i++)
            {
                o.RowScales[i] = (float)(random.NextDouble() * 0.1);
                o.ZeroPoints[i] = random.Next(0, 128);
            }

            for (var j = 0; j < n; j++)
            {
                o.Scales[j] = (float)(random.NextDouble() * 0.01);
                o.Bias[j] = (float)(random.NextDouble() - 0.5);
            }

            return o;
        }

        /// <summary>Codes u(i, p) and weights q(p, j) from functions; unit scales, z = 0, bias 0, so y is the exact sum while it stays below 2²⁴.</summary>
        public static Operands Filled(int m, int n, int k, Func<int, int, int> code, Func<int, int, sbyte> weight)
        {
            var o = new Operands(m, n, k);
            for (var i = 0; i < m; i++)
            {
                for (var p = 0; p < k; p++)
                {
                    o.Codes[(i * o.CodesStride) + p] = (byte)code(i, p);
                }
            }

            var q = new sbyte[n * k];
            for (var j = 0; j < n; j++)
            {
                for (var p = 0; p < k; p++)
                {
                    q[(j * k) + p] = weight(p, j);
                }
            }

            Int8Gemm.PackCodes(q, k, n, o.Packed, o.ColumnSums);
            o.RowScales.AsSpan().Fill(1f);
            o.Scales.AsSpan().Fill(1f);
            return o;
        }

        public void Multiply(MatrixSpan<float> y, KernelPath path) =>
            Int8Gemm.Multiply(CodesView, RowScales, ZeroPoints, K, Packed, Scales, ColumnSums, Bias, y, path);
    }
}
