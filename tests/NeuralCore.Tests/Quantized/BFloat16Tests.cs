using NeuralCore.Internals.Quantized;
using NeuralCore.Internals.Reference;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Tests.Quantized;

/// <summary>
/// The bf16 conversions and product (<see cref="BFloat16Gemm"/>) on every path against the scalar reference, bit for
/// bit, and the reference itself against independent computations: the nearest bf16 found in double precision, and
/// the product in double within the error bound of an fp32 fma chain.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class BFloat16Tests
{
    public static TheoryData<KernelPath> Paths => [.. Kernels.Available];

    public static TheoryData<KernelPath> FastPaths => [.. Kernels.Available.Where(p => p != KernelPath.Reference)];

    /// <summary>Every row count of a 4-row tile and its remainders, one past whole tiles, and taller.</summary>
    private static readonly int[] RowCounts = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33];

    /// <summary>
    /// (K, N): K = 1 and 0, N = 1 (scalar code on every path), N below, at and above each width (4, 8, 16 floats),
    /// N = 17 and 63 (overlapping tails), 256 (16 vectors of 16: the one-row strip), 300 and 1000 (several strips
    /// and a tail), and the network's 784-256-128-10 layers.
    /// </summary>
    private static readonly (int K, int N)[] Shapes =
    [
        (1, 1), (1, 17), (0, 5), (3, 1), (2, 3), (5, 4), (7, 7), (9, 8), (11, 15), (13, 16), (17, 17), (37, 33), (9, 63),
        (19, 64), (5, 300), (3, 1000), (784, 256), (256, 128), (128, 10),
    ];

    private const float Sentinel = -12345.678f;

    [Theory]
    [MemberData(nameof(Paths))]
    public void FromSingle_matches_reference_at_every_length(KernelPath path)
    {
        var random = new Random(11);
        var specials = SpecialFloats();
        for (var length = 0; length <= 300; length++)
        {
            var source = new float[length];
            for (var i = 0; i < length; i++)
            {
                // A special in about one lane in four, so each lands in vector bodies and scalar tails alike.
                source[i] = random.Next(4) == 0 ? specials[random.Next(specials.Length)] : RandomFloat(random);
            }

            var destination = new ushort[length + 3];
            destination.AsSpan().Fill(0xABCD);
            BFloat16Gemm.FromSingle(source, destination.AsSpan(0, length), path);
            for (var i = 0; i < length; i++)
            {
                Assert.True(QuantizedReference.ToBFloat16(source[i]) == destination[i], $"{path}, length {length}, element {i}: bf16({source[i]:R}, bits 0x{BitConverter.SingleToUInt32Bits(source[i]):X8}) = 0x{destination[i]:X4}, reference 0x{QuantizedReference.ToBFloat16(source[i]):X4}.");
            }

            Assert.All(destination[length..], d => Assert.Equal(0xABCD, d));
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void FromSingle_of_the_specials_on_every_path(KernelPath path)
    {
        var specials = SpecialFloats();
        var destination = new ushort[specials.Length];
        BFloat16Gemm.FromSingle(specials, destination, path);
        for (var i = 0; i < specials.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(specials[i]);
            var expected = float.IsNaN(specials[i]) ? Nan(bits) : Nearest(specials[i]);
            Assert.True(expected == destination[i], $"{path}: bf16(0x{bits:X8}) = 0x{destination[i]:X4}, expected 0x{expected:X4}.");
        }
    }

    [Fact]
    public void Reference_keeps_NaN_NaN_with_its_sign_quieted()
    {
        foreach (var bits in new uint[] { 0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FA00000, 0x7FFFFFFF, 0xFFFFFFFF, 0x7F80FFFF, 0x7FBF0000 })
        {
            var value = BitConverter.UInt32BitsToSingle(bits);
            Assert.True(float.IsNaN(value));
            var b = QuantizedReference.ToBFloat16(value);

            // Exponent all ones, mantissa not zero (a signalling NaN with its payload in the dropped bits must not become ∞),
            // the quiet bit set, the sign and the payload's top 6 bits kept.
            Assert.Equal(0x7F80, b & 0x7F80);
            Assert.NotEqual(0, b & 0x007F);
            Assert.Equal(0x0040, b & 0x0040);
            Assert.Equal(bits >> 31, (uint)b >> 15);
            Assert.Equal((bits >> 16) & 0x3F, b & 0x3Fu);
            Assert.True(float.IsNaN(QuantizedReference.FromBFloat16(b)));
        }
    }

    [Fact]
    public void Reference_rounds_to_the_nearest_bf16_ties_to_even()
    {
        var random = new Random(5);
        for (var i = 0; i < 200_000; i++)
        {
            // Random bits over every exponent (subnormals and the largest included), and exact ties half the time.
            var bits = (uint)random.NextInt64(0, 1L << 32);
            if (i % 2 == 0)
            {
                bits = (bits & 0xFFFF0000u) | 0x8000u;
            }

            var value = BitConverter.UInt32BitsToSingle(bits);
            if (float.IsNaN(value))
            {
                continue;
            }

            Assert.True(Nearest(value) == QuantizedReference.ToBFloat16(value), $"bf16(0x{bits:X8}) = 0x{QuantizedReference.ToBFloat16(value):X4}, nearest 0x{Nearest(value):X4}.");
        }
    }

    [Fact]
    public void Reference_rounds_the_edge_cases_as_IEEE_does()
    {
        // The largest finite float lies past half an ulp above bf16's largest (0x7F7F): it rounds to ∞, as does the tie.
        Assert.Equal(0x7F80, QuantizedReference.ToBFloat16(float.MaxValue));
        Assert.Equal(0xFF80, QuantizedReference.ToBFloat16(float.MinValue));
        Assert.Equal(0x7F80, QuantizedReference.ToBFloat16(BitConverter.UInt32BitsToSingle(0x7F7F8000)));
        Assert.Equal(0x7F7F, QuantizedReference.ToBFloat16(BitConverter.UInt32BitsToSingle(0x7F7F7FFF)));
        Assert.Equal(0x7F80, QuantizedReference.ToBFloat16(float.PositiveInfinity));
        Assert.Equal(0xFF80, QuantizedReference.ToBFloat16(float.NegativeInfinity));
        Assert.Equal(0x0000, QuantizedReference.ToBFloat16(0f));
        Assert.Equal(0x8000, QuantizedReference.ToBFloat16(-0f));

        // Ties: even stays (0x3F80 + half → 0x3F80), odd goes up (0x3F81 + half → 0x3F82); the smallest subnormal tie goes to 0.
        Assert.Equal(0x3F80, QuantizedReference.ToBFloat16(BitConverter.UInt32BitsToSingle(0x3F808000)));
        Assert.Equal(0x3F82, QuantizedReference.ToBFloat16(BitConverter.UInt32BitsToSingle(0x3F818000)));
        Assert.Equal(0xBF82, QuantizedReference.ToBFloat16(BitConverter.UInt32BitsToSingle(0xBF818000)));
        Assert.Equal(0x0000, QuantizedReference.ToBFloat16(BitConverter.UInt32BitsToSingle(0x00008000)));
        Assert.Equal(0x0001, QuantizedReference.ToBFloat16(BitConverter.UInt32BitsToSingle(0x00008001)));
        Assert.Equal(0x0080, QuantizedReference.ToBFloat16(BitConverter.UInt32BitsToSingle(0x007FFFFF)));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ToSingle_of_every_bf16_is_exact_and_round_trips(KernelPath path)
    {
        var all = new ushort[65536];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = (ushort)i;
        }

        var widened = new float[all.Length];
        BFloat16Gemm.ToSingle(all, widened, path);
        var back = new ushort[all.Length];
        BFloat16Gemm.FromSingle(widened, back, path);
        for (var i = 0; i < all.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(widened[i]);
            Assert.True(bits == (uint)i << 16, $"{path}: float(0x{i:X4}) has bits 0x{bits:X8}.");

            // A bf16 is a float already: back unchanged, except that a signalling NaN comes back quieted.
            var expected = float.IsNaN(widened[i]) ? (ushort)(i | 0x0040) : (ushort)i;
            Assert.True(back[i] == expected, $"{path}: bf16(float(0x{i:X4})) = 0x{back[i]:X4}.");
        }

        if (path != KernelPath.Reference)
        {
            var reference = new float[all.Length];
            BFloat16Gemm.ToSingle(all, reference, KernelPath.Reference);
            Assert.Equal(reference.Select(BitConverter.SingleToUInt32Bits), widened.Select(BitConverter.SingleToUInt32Bits));
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ToSingle_matches_reference_at_every_length(KernelPath path)
    {
        var random = new Random(12);
        for (var length = 0; length <= 300; length++)
        {
            var source = new ushort[length];
            for (var i = 0; i < length; i++)
            {
                source[i] = (ushort)random.Next(65536);
            }

            var destination = new float[length + 3];
            destination.AsSpan().Fill(Sentinel);
            BFloat16Gemm.ToSingle(source, destination.AsSpan(0, length), path);
            for (var i = 0; i < length; i++)
            {
                Assert.True(BitConverter.SingleToUInt32Bits(QuantizedReference.FromBFloat16(source[i])) == BitConverter.SingleToUInt32Bits(destination[i]), $"{path}, length {length}, element {i}.");
            }

            Assert.All(destination[length..], d => Assert.Equal(Sentinel, d));
        }
    }

    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Multiply_matches_reference_bit_for_bit(KernelPath path)
    {
        var random = new Random(21);
        foreach (var m in RowCounts)
        {
            foreach (var (k, n) in Shapes)
            {
                // The big layers at a few heights only: the scalar reference is the slow part.
                if ((long)m * k * n > 4_000_000 && m > 5)
                {
                    continue;
                }

                var strided = random.Next(2) == 0;
                var problem = new Problem(random, m, k, n, strided);
                var reference = problem.Run(KernelPath.Reference);
                var actual = problem.Run(path);
                problem.AssertSameBits(reference, actual, $"{path}, M {m}, K {k}, N {n}, {(strided ? "strided" : "contiguous")}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Multiply_on_strided_views_writes_only_the_view(KernelPath path)
    {
        var random = new Random(22);
        // One-row products with N ≥ 32 take the paired 512-bit loads: W strides N + 5, odd for N = 256, 100, 96 and even for 33; and K = 0.
        foreach (var (m, k, n) in new[] { (1, 784, 256), (5, 37, 33), (9, 9, 63), (4, 1, 17), (17, 20, 1), (3, 128, 10), (1, 37, 33), (1, 20, 100), (1, 0, 64), (1, 5, 96) })
        {
            var problem = new Problem(random, m, k, n, strided: true);
            var reference = problem.Run(KernelPath.Reference);
            var actual = problem.Run(path);
            problem.AssertSameBits(reference, actual, $"{path}, M {m}, K {k}, N {n}, strided");
        }
    }

    /// <summary>Products of at least 128 KB of weights split their columns over threads (32-column groups): the reference's bits, nothing written outside y.</summary>
    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Multiply_split_over_threads_gives_the_reference_bits(KernelPath path)
    {
        var random = new Random(24);
        foreach (var (m, k, n) in new[] { (1, 784, 256), (3, 600, 300), (1, 70, 1000), (6, 1100, 65) })
        {
            Assert.True(2L * k * n >= Int8Gemm.ThreadingBytes && n >= 64, "the shape must be large enough to split");
            var problem = new Problem(random, m, k, n, strided: true);
            var reference = problem.Run(KernelPath.Reference);
            foreach (var threads in new[] { 2, 3 })
            {
                problem.AssertSameBits(reference, problem.Run(path, threads), $"{path}, {threads} threads, M {m}, K {k}, N {n}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Multiply_is_within_the_fma_chain_bound_of_the_exact_product(KernelPath path)
    {
        // Bound: each output is K fma steps (2K roundings without hardware fma) and one add of the bias, each rounding
        // to nearest with unit roundoff u = 2^-24, so |y − y_exact| ≤ γ_r · (Σ_k |x·w| + |bias|), γ_r = r·u / (1 − r·u),
        // r = K + 1 (2K + 1); plus r·2^-149 for underflow, which these magnitudes never reach. y_exact is summed in
        // double from the exact bf16 values.
        var random = new Random(23);
        foreach (var (m, k, n) in new[] { (1, 784, 256), (3, 256, 128), (2, 128, 10), (5, 33, 17), (1, 1, 1), (4, 0, 3) })
        {
            var problem = new Problem(random, m, k, n, strided: false);
            var y = problem.Run(path);
            var r = (HardwareFma.IsSupported ? k : 2 * k) + 1;
            var gamma = r * Math.ScaleB(1, -24) / (1 - (r * Math.ScaleB(1, -24)));
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    double exact = problem.Bias[j], magnitude = Math.Abs(problem.Bias[j]);
                    for (var p = 0; p < k; p++)
                    {
                        var product = (double)problem.X[(i * problem.XStride) + p] * QuantizedReference.FromBFloat16(problem.W[(p * problem.WStride) + j]);
                        exact += product;
                        magnitude += Math.Abs(product);
                    }

                    var error = Math.Abs(y[(i * problem.YStride) + j] - exact);
                    Assert.True(error <= (gamma * magnitude) + (r * Math.ScaleB(1, -149)), $"{path}, M {m}, K {k}, N {n}, y[{i},{j}] = {y[(i * problem.YStride) + j]:R}, exact {exact:R}, error {error:G3} > bound {gamma * magnitude:G3}.");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FastPaths))]
    public void Calls_allocate_nothing(KernelPath path)
    {
        var random = new Random(24);
        var one = new Problem(random, 1, 784, 256, strided: false);
        var five = new Problem(random, 5, 128, 10, strided: true);
        var floats = new float[300];
        var halves = new ushort[300];
        void Work()
        {
            one.RunInPlace(path);
            five.RunInPlace(path);
            BFloat16Gemm.FromSingle(floats, halves, path);
            BFloat16Gemm.ToSingle(halves, floats, path);
        }

        // Past the tiered JIT's 30-call threshold, then time for its background compile to finish.
        for (var i = 0; i < 40; i++)
        {
            Work();
        }

        Thread.Sleep(300);
        var quietest = long.MaxValue;
        for (var window = 0; window < 4; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                Work();
            }

            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, quietest);
    }

    [Fact]
    public void Bad_arguments_throw_naming_them()
    {
        var x = new float[6];
        var w = new ushort[12];
        var y = new float[8];
        var bias = new float[4];
        Assert.Equal("w", Assert.Throws<ArgumentException>(() => BFloat16Gemm.Multiply(new(x, 2, 3), new(w, 4, 3), bias, new(y, 2, 4), KernelPath.Scalar)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => BFloat16Gemm.Multiply(new(x, 2, 3), new(w, 3, 4), bias, new(y, 1, 4), KernelPath.Scalar)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => BFloat16Gemm.Multiply(new(x, 2, 3), new(w, 3, 4), bias.AsSpan(0, 3), new(y, 2, 4), KernelPath.Scalar)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => BFloat16Gemm.Multiply(new(y, 2, 4), new(w, 4, 3), bias.AsSpan(0, 3), new(y.AsSpan(0, 6), 2, 3), KernelPath.Scalar)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentOutOfRangeException>(() => BFloat16Gemm.Multiply(new(x, 2, 3), new(w, 3, 4), bias, new(y, 2, 4), (KernelPath)9)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => BFloat16Gemm.FromSingle(x, new ushort[5], KernelPath.Scalar)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => BFloat16Gemm.ToSingle(w, new float[11], KernelPath.Scalar)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentOutOfRangeException>(() => BFloat16Gemm.ToSingle(w, new float[12], (KernelPath)(-1))).ParamName);
    }

    /// <summary>The nearest bf16 to a non-NaN <paramref name="value"/>, found in double: the two neighbours' values from their fields, ties to the even one.</summary>
    private static ushort Nearest(float value)
    {
        var sign = value < 0 || (value == 0 && float.IsNegative(value)) ? (ushort)0x8000 : (ushort)0;
        var magnitude = Math.Abs((double)value);
        if (double.IsInfinity(magnitude))
        {
            return (ushort)(sign | 0x7F80);
        }

        // The largest bf16 magnitude not above |value| (by search over the 2^15 codes' values), and the next one.
        int lo = 0, hi = 0x7F80;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Magnitude(mid) <= magnitude)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var below = Magnitude(lo);
        if (below == magnitude)
        {
            return (ushort)(sign | lo);
        }

        var above = Magnitude(lo + 1);
        var chosen = (magnitude - below) < (above - magnitude) ? lo
            : (magnitude - below) > (above - magnitude) ? lo + 1
            : (lo & 1) == 0 ? lo : lo + 1;
        return (ushort)(sign | chosen);
    }

    /// <summary>The value of the bf16 magnitude code <paramref name="code"/> (sign clear) from its fields; 0x7F80 counts as 2^128, the first value past the largest finite, for the rounding to ∞.</summary>
    private static double Magnitude(int code)
    {
        var exponent = code >> 7;
        var mantissa = code & 0x7F;
        return exponent == 0 ? Math.ScaleB(mantissa / 128.0, -126) : Math.ScaleB(1 + (mantissa / 128.0), exponent - 127);
    }

    private static ushort Nan(uint bits) => (ushort)((bits >> 16) | 0x0040);

    private static float RandomFloat(Random random) => random.Next(3) switch
    {
        // Any bits (every exponent, NaNs included), a plain range, and exact ties.
        0 => BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)),
        1 => (float)((random.NextDouble() * 2) - 1),
        _ => BitConverter.UInt32BitsToSingle(((uint)random.NextInt64(0, 1L << 32) & 0xFFFF0000u) | 0x8000u),
    };

    private static float[] SpecialFloats() =>
    [
        .. new uint[]
        {
            0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FA00000, 0xFFBFFFFF, 0x7FFFFFFF, 0x7F80FFFF, 0xFFFF8000,
            0x7F800000, 0xFF800000, 0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x00008000, 0x00008001, 0x007FFFFF,
            0x807FFFFF, 0x00400000, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F7F8000, 0x7F7F7FFF, 0x7F7E8000, 0x3F808000, 0x3F818000,
            0xBF808000, 0xBF818000, 0x3F80FFFF, 0x3F807FFF, 0x00800000, 0x00FF8000,
        }.Select(BitConverter.UInt32BitsToSingle),
    ];

    /// <summary>
    /// One product's operands in arrays (views of larger ones when strided, with the padding of y filled with a
    /// sentinel), so the same problem runs on several paths and the allocation test can build spans in a closure.
    /// </summary>
    private sealed class Problem
    {
        public Problem(Random random, int m, int k, int n, bool strided)
        {
            (M, K, N) = (m, k, n);
            XStride = k + (strided ? 3 : 0);
            WStride = n + (strided ? 5 : 0);
            YStride = n + (strided ? 7 : 0);
            X = new float[Math.Max(1, m * XStride)];
            W = new ushort[Math.Max(1, k * WStride)];
            Bias = new float[n];
            Output = new float[Math.Max(1, m * YStride)];
            for (var i = 0; i < X.Length; i++)
            {
                X[i] = (float)((random.NextDouble() * 2) - 1);
            }

            for (var i = 0; i < W.Length; i++)
            {
                W[i] = QuantizedReference.ToBFloat16((float)((random.NextDouble() * 2) - 1));
            }

            for (var i = 0; i < n; i++)
            {
                Bias[i] = (float)(random.NextDouble() - 0.5);
            }
        }

        public int M { get; }

        public int K { get; }

        public int N { get; }

        public int XStride { get; }

        public int WStride { get; }

        public int YStride { get; }

        public float[] X { get; }

        public ushort[] W { get; }

        public float[] Bias { get; }

        public float[] Output { get; }

        /// <summary>y on <paramref name="path"/>, in a fresh array whose padding holds the sentinel.</summary>
        public float[] Run(KernelPath path, int threads = 1)
        {
            Output.AsSpan().Fill(Sentinel);
            RunInPlace(path, threads);
            return [.. Output];
        }

        public void RunInPlace(KernelPath path, int threads = 1) =>
            BFloat16Gemm.Multiply(
                new ReadOnlyMatrixSpan<float>(X.AsSpan(0, Math.Max(0, ((M - 1) * XStride) + K)), M, K, XStride),
                new ReadOnlyMatrixSpan<ushort>(W.AsSpan(0, Math.Max(0, ((K - 1) * WStride) + N)), K, N, WStride),
                Bias,
                new MatrixSpan<float>(Output.AsSpan(0, Math.Max(0, ((M - 1) * YStride) + N)), M, N, YStride),
                path,
                threads);

        public void AssertSameBits(float[] expected, float[] actual, string what)
        {
            for (var i = 0; i < expected.Length; i++)
            {
                var inView = i / YStride < M && i % YStride < N;
                Assert.True(BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]), $"{what}: y[{i / YStride},{i % YStride}] = {actual[i]:R}, reference {expected[i]:R}{(inView ? string.Empty : " (padding, must hold the sentinel)")}.");
                if (!inView)
                {
                    Assert.Equal(Sentinel, actual[i]);
                }
            }
        }
    }
}
