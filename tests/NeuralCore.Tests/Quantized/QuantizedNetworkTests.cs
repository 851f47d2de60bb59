using NeuralCore.Network.Internals.Quantized;
using NeuralCore.Tests.Network;

namespace NeuralCore.Tests.Quantized;

/// <summary>
/// <see cref="QuantizedNetwork"/> against its equations (a test-side oracle written from the class's remarks), against
/// the fp32 network it came from, across kernel paths, threads and files.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class QuantizedNetworkTests
{
    public static TheoryData<KernelPath> Paths => NetworkTestHelpers.Paths();

    private static readonly Activation[] OneLayerActivations = [Activation.Linear, Activation.Relu, Activation.Sigmoid, Activation.Softmax, Activation.Tanh];

    private static NeuralNetwork<float> Random(int seed, params int[] sizes)
    {
        var activations = new Activation[sizes.Length - 1];
        for (var l = 0; l < activations.Length; l++)
        {
            activations[l] = l == activations.Length - 1 ? Activation.Softmax : Activation.Relu;
        }

        return Random(seed, sizes, activations);
    }

    private static NeuralNetwork<float> Random(int seed, int[] sizes, Activation[] activations)
    {
        var network = new NeuralNetwork<float>(NetworkArchitecture.FromSizes(sizes, activations), new Initialization((ulong)seed) { BiasScale = 0.1 });
        return network;
    }

    /// <summary>The int8 layer from the equations: codes in float as defined, the integer sum exact, the rest in double.</summary>
    private static double[,] Int8Oracle(NeuralNetwork<float> network, ReadOnlyMatrixSpan<float> x, (float S, int Z)? range, int layer = 0)
    {
        var w = network.GetWeights(layer); // [out, in]
        var bias = network.GetBias(layer);
        var (n, k) = (w.GetLength(0), w.GetLength(1));
        var scales = new float[n];
        var codes = new int[n, k];
        for (var j = 0; j < n; j++)
        {
            var max = 0f;
            for (var p = 0; p < k; p++)
            {
                max = Math.Max(max, Math.Abs(w[j, p]));
            }

            scales[j] = max / 127;
            for (var p = 0; p < k; p++)
            {
                codes[j, p] = scales[j] == 0 ? 0 : (int)Math.Clamp(MathF.Round(w[j, p] / scales[j]), -127, 127);
            }
        }

        var z = new double[x.Rows, n];
        for (var i = 0; i < x.Rows; i++)
        {
            var (s, zp) = range ?? RowRange(x.GetRowSpan(i));
            var u = new int[k];
            for (var p = 0; p < k; p++)
            {
                u[p] = Math.Clamp((int)Math.Clamp(MathF.Round(x[i, p] * (1f / s)), -256f, 256f) + zp, 0, 127);
            }

            for (var j = 0; j < n; j++)
            {
                long sum = 0;
                long columnSum = 0;
                for (var p = 0; p < k; p++)
                {
                    sum += (long)u[p] * codes[j, p];
                    columnSum += codes[j, p];
                }

                z[i, j] = ((sum - (zp * columnSum)) * (double)(s * scales[j])) + bias[j];
            }
        }

        return NetworkTestHelpers.Activate(network.Architecture[layer].Activation, z);
    }

    /// <summary>Every layer by <see cref="Int8Oracle"/> with its fixed range; a hidden layer's outputs are float, as the network keeps them.</summary>
    private static double[,] Int8StaticOracle(NeuralNetwork<float> network, ReadOnlyMatrixSpan<float> x, (float S, int Z)[] ranges)
    {
        var a = Int8Oracle(network, x, ranges[0]);
        for (var l = 1; l < network.LayerCount; l++)
        {
            using var input = ToFloat(a);
            a = Int8Oracle(network, input.ReadOnlySpan, ranges[l], l);
        }

        return a;
    }

    private static Matrix<float> ToFloat(double[,] values)
    {
        var matrix = new Matrix<float>(values.GetLength(0), values.GetLength(1));
        for (var i = 0; i < matrix.Rows; i++)
        {
            for (var j = 0; j < matrix.Columns; j++)
            {
                matrix[i, j] = (float)values[i, j];
            }
        }

        return matrix;
    }

    /// <summary>The fp32 inputs of every layer (in double, from the network's weights), each [m, InputDim].</summary>
    private static double[][,] LayerInputs(NeuralNetwork<float> network, ReadOnlyMatrixSpan<float> x)
    {
        var inputs = new double[network.LayerCount][,];
        inputs[0] = NetworkTestHelpers.ToDouble(x);
        for (var l = 1; l < inputs.Length; l++)
        {
            var previous = inputs[l - 1];
            var w = network.GetWeights(l - 1);
            var b = network.GetBias(l - 1);
            var z = new double[previous.GetLength(0), w.GetLength(0)];
            for (var i = 0; i < z.GetLength(0); i++)
            {
                for (var j = 0; j < z.GetLength(1); j++)
                {
                    z[i, j] = b[j];
                    for (var p = 0; p < w.GetLength(1); p++)
                    {
                        z[i, j] += previous[i, p] * w[j, p];
                    }
                }
            }

            inputs[l] = NetworkTestHelpers.Activate(network.Architecture[l - 1].Activation, z);
        }

        return inputs;
    }

    /// <summary>min and max of rows [start, end) of <paramref name="values"/>.</summary>
    private static (double Lo, double Hi) Extremes(double[,] values, int start, int end)
    {
        var (lo, hi) = (double.PositiveInfinity, double.NegativeInfinity);
        for (var i = start; i < end; i++)
        {
            for (var j = 0; j < values.GetLength(1); j++)
            {
                (lo, hi) = (Math.Min(lo, values[i, j]), Math.Max(hi, values[i, j]));
            }
        }

        return (lo, hi);
    }

    private static (float S, int Z) RowRange(ReadOnlySpan<float> row)
    {
        float lo = 0, hi = 0;
        foreach (var v in row)
        {
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }

        var s = (hi - lo) / 127;
        return s == 0 ? (1f, 0) : (s, (int)Math.Clamp(MathF.Round(-lo / s), 0, 127));
    }

    private static void AssertClose(double[,] expected, ReadOnlyMatrixSpan<float> actual, double tolerance, string what)
    {
        for (var i = 0; i < actual.Rows; i++)
        {
            for (var j = 0; j < actual.Columns; j++)
            {
                var e = expected[i, j];
                Assert.True(Math.Abs(actual[i, j] - e) <= tolerance * (1 + Math.Abs(e)), $"{what}: [{i}, {j}] = {actual[i, j]:R}, expected {e:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Int8_OneLayer_FollowsTheEquations_DynamicAndStatic(KernelPath path)
    {
        var shapes = new (int K, int N)[] { (1, 1), (5, 3), (4, 17), (33, 40), (300, 7), (64, 64) };
        var seed = 0;
        foreach (var (k, n) in shapes)
        {
            foreach (var activation in OneLayerActivations.Where(a => n > 1 || a != Activation.Softmax))
            {
                seed++;
                using var network = Random(seed, [k, n], [activation]);
                foreach (var rows in (int[])[1, 2, 5, 9])
                {
                    using var x = NetworkTestHelpers.RandomMatrix<float>(rows, k, seed * 31 + rows, scale: 2);
                    using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
                    using var predictor = quantized.CreatePredictor(options: ComputeOptions.For(path));
                    using var y = new Matrix<float>(rows, n);
                    predictor.Predict(x.ReadOnlySpan, y.Span);
                    AssertClose(Int8Oracle(network, x.ReadOnlySpan, null), y.ReadOnlySpan, 2e-6, $"dynamic {k}→{n} {activation} rows {rows}");

                    // Static: ranges from a calibration set; the test's own x then holds values outside them (clamped).
                    using var calibration = NetworkTestHelpers.RandomMatrix<float>(3, k, seed, scale: 1);
                    using var calibrated = QuantizedNetwork.QuantizeInt8Static(network, calibration.ReadOnlySpan);
                    Assert.Equal(ActivationQuantization.Static, calibrated.ActivationQuantization);
                    using var staticPredictor = calibrated.CreatePredictor(options: ComputeOptions.For(path));
                    staticPredictor.Predict(x.ReadOnlySpan, y.Span);
                    var (lo, hi) = (0f, 0f);
                    for (var r = 0; r < 3; r++)
                    {
                        foreach (var v in calibration.ReadOnlySpan.GetRowSpan(r))
                        {
                            (lo, hi) = (Math.Min(lo, v), Math.Max(hi, v));
                        }
                    }

                    var s = (hi - lo) / 127;
                    var range = s == 0 ? (1f, 0) : (s, (int)Math.Clamp(MathF.Round(-lo / s), 0, 127));
                    AssertClose(Int8Oracle(network, x.ReadOnlySpan, range), y.ReadOnlySpan, 2e-6, $"static {k}→{n} {activation} rows {rows}");
                }
            }
        }
    }

    [Fact]
    public void Int8Static_ThreeLayers_CalibratesEachLayerOnAllRows_AndFollowsTheEquations()
    {
        // 600 calibration rows: three chunks of the calibration pass (256, 256, 88 rows), the widest inputs of every layer
        // in the middle one. Linear and relu hidden layers keep the hidden values exact in float, so the oracle quantizes
        // the same values the network does.
        using var network = Random(21, [6, 12, 9, 4], [Activation.Linear, Activation.Relu, Activation.Softmax]);
        using var calibration = NetworkTestHelpers.RandomMatrix<float>(600, 6, 17);
        for (var p = 0; p < 6; p++)
        {
            calibration[300, p] *= 4;
            calibration[400, p] = -calibration[300, p];
        }

        using var quantized = QuantizedNetwork.QuantizeInt8Static(network, calibration.ReadOnlySpan);
        var inputs = LayerInputs(network, calibration.ReadOnlySpan);
        var ranges = new (float S, int Z)[network.LayerCount];
        for (var l = 0; l < network.LayerCount; l++)
        {
            var (lo, hi) = Extremes(inputs[l], 0, 600);
            // Neither the first chunk nor the last gives a layer's range.
            Assert.NotEqual((lo, hi), Extremes(inputs[l], 0, 256));
            Assert.NotEqual((lo, hi), Extremes(inputs[l], 512, 600));

            // The equations: [min(0, lo), max(0, hi)], s = (hi − lo) / 127, z = clamp(round(−lo / s), 0, 127).
            (lo, hi) = (Math.Min(0, lo), Math.Max(0, hi));
            var s = (hi - lo) / 127;
            var zeroPoint = Math.Clamp(-lo / s, 0, 127);
            var actual = ((Int8Layer)quantized.Layers[l]).InputRange!.Value;
            Assert.True(Math.Abs(actual.Scale - s) <= 1e-6 * s, $"layer {l + 1}: s = {actual.Scale:R}, expected {s:R} (inputs in [{lo:R}, {hi:R}])");

            // The network's float inputs may differ from these double ones in the last bits: a z within 1e-3 of a tie may go either way.
            var tie = Math.Abs(zeroPoint - Math.Floor(zeroPoint) - 0.5) < 1e-3;
            Assert.True(tie ? Math.Abs(actual.ZeroPoint - zeroPoint) < 1 : actual.ZeroPoint == (int)Math.Round(zeroPoint), $"layer {l + 1}: z = {actual.ZeroPoint}, expected {zeroPoint:R}");
            ranges[l] = actual;
        }

        // Layer 1 takes negative inputs (z > 0); layer 3's are relu outputs (z = 0).
        Assert.True(ranges[0].Z > 0 && ranges[1].Z > 0 && ranges[2].Z == 0, string.Join(", ", ranges));

        // The predictions on the calibration rows and on rows beyond the calibrated ranges (clamped).
        using var wide = NetworkTestHelpers.RandomMatrix<float>(20, 6, 5, scale: 6);
        foreach (var x in (Matrix<float>[])[calibration, wide])
        {
            foreach (var path in Kernels.Available)
            {
                using var predictor = quantized.CreatePredictor(options: ComputeOptions.For(path));
                using var y = new Matrix<float>(x.Rows, 4);
                predictor.Predict(x.ReadOnlySpan, y.Span);
                AssertClose(Int8StaticOracle(network, x.ReadOnlySpan, ranges), y.ReadOnlySpan, 2e-6, $"static 6→12→9→4 on {path}, {x.Rows} rows");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void BFloat16_IsTheDoubleProductOfTheRoundedWeights(KernelPath path)
    {
        foreach (var (k, n) in new (int, int)[] { (1, 1), (7, 3), (33, 17), (256, 40) })
        {
            using var network = Random(k + n, [k, 24, n], [Activation.Tanh, n == 1 ? Activation.Sigmoid : Activation.Softmax]);
            using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16);
            using var dequantized = quantized.Dequantize();
            for (var l = 0; l < network.LayerCount; l++)
            {
                var original = network.GetWeights(l);
                var rounded = dequantized.GetWeights(l);
                foreach (var (o, r) in original.Cast<float>().Zip(rounded.Cast<float>()))
                {
                    // Round to nearest bf16: the error is at most half a unit in the 8th significant bit.
                    Assert.True(Math.Abs(o - r) <= Math.Abs(o) * Math.Pow(2, -8), $"{o:R} → {r:R}");
                    Assert.Equal(0u, BitConverter.SingleToUInt32Bits(r) & 0xFFFF);
                }

                Assert.Equal(network.GetBias(l), dequantized.GetBias(l));
            }

            using var x = NetworkTestHelpers.RandomMatrix<float>(9, k, k);
            using var predictor = quantized.CreatePredictor(options: ComputeOptions.For(path));
            using var y = new Matrix<float>(9, n);
            predictor.Predict(x.ReadOnlySpan, y.Span);
            var expected = NetworkTestHelpers.ReferenceForward(dequantized, NetworkTestHelpers.ToDouble(x.ReadOnlySpan));
            AssertClose(expected, y.ReadOnlySpan, 1e-5, $"bf16 {k}→24→{n}");
        }
    }

    [Fact]
    public void BFloat16_AWeightThatRoundsToInfinity_IsRefusedNamingTheLayerAndTheWeight()
    {
        // float.MaxValue is past the midpoint between bf16's largest finite value (0x7F7F) and ∞.
        var previous = Thread.CurrentThread.CurrentCulture;
        var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        Thread.CurrentThread.CurrentCulture = comma;
        try
        {
            foreach (var value in (float[])[float.MaxValue, -float.MaxValue])
            {
                using var network = Random(12, 5, 4, 3);
                var w = network.GetWeights(1);
                w[1, 3] = value;
                network.SetWeights(1, w);
                var error = Assert.Throws<ArgumentException>(() => QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16));
                Assert.Equal("network", error.ParamName);
                Assert.Contains("Layer 2's weight [out 1, in 3]", error.Message, StringComparison.Ordinal);
                Assert.Contains(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);

                // int8 takes it (a scale of MaxValue / 127), and bf16's largest finite value rounds to itself.
                using var int8 = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
                var largest = BitConverter.UInt32BitsToSingle(0x7F7F0000u) * MathF.Sign(value);
                w[1, 3] = largest;
                network.SetWeights(1, w);
                using var bf16 = QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16);
                using var dequantized = bf16.Dequantize();
                Assert.Equal(largest, dequantized.GetWeights(1)[1, 3]);
            }
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void EveryPath_GivesTheSameBits()
    {
        // Relu and linear layers: the activations add no width-dependent rounding (softmax's lane sums would).
        using var network = Random(5, [50, 33, 17, 10], [Activation.Relu, Activation.Relu, Activation.Linear]);
        using var x = NetworkTestHelpers.RandomMatrix<float>(37, 50, 2);
        foreach (var create in (Func<QuantizedNetwork>[])[
            () => QuantizedNetwork.Quantize(network, QuantizationMode.Int8),
            () => QuantizedNetwork.QuantizeInt8Static(network, x.ReadOnlySpan.SliceRows(0, 5)),
            () => QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16)])
        {
            using var quantized = create();
            // The reference path runs the reference activations (their own exp); every other path the same bits.
            using var expected = Predict(quantized, x.ReadOnlySpan, KernelPath.Scalar, capacity: 256);
            using var reference = Predict(quantized, x.ReadOnlySpan, KernelPath.Reference, capacity: 256);
            AssertClose(NetworkTestHelpers.ToDouble(reference.ReadOnlySpan), expected.ReadOnlySpan, 1e-6, $"{quantized}: reference vs scalar");
            foreach (var path in Kernels.Available.Where(p => p != KernelPath.Reference))
            {
                foreach (var capacity in (int[])[1, 4, 256])
                {
                    using var actual = Predict(quantized, x.ReadOnlySpan, path, capacity);
                    Assert.True(Bits(expected).SequenceEqual(Bits(actual)), $"{quantized} on {path}, capacity {capacity}");
                }
            }

            // One sample through the span overload is the batch's row.
            var row = new float[10];
            quantized.Predict(x.ReadOnlySpan.GetRowSpan(7), row);
            Assert.Equal(expected.ReadOnlySpan.GetRowSpan(7).ToArray(), row);
        }
    }

    private static Matrix<float> Predict(QuantizedNetwork network, ReadOnlyMatrixSpan<float> x, KernelPath path, int capacity)
    {
        using var predictor = network.CreatePredictor(capacity, ComputeOptions.For(path));
        var y = new Matrix<float>(x.Rows, network.OutputSize);
        predictor.Predict(x, y.Span);
        return y;
    }

    private static uint[] Bits(Matrix<float> m) => [.. m.DangerousGetStorage().ToArray().Select(BitConverter.SingleToUInt32Bits)];

    [Fact]
    public void Predictions_AreCloseToTheFp32Network()
    {
        // An untrained 784-wide net on inputs in [0, 1) like pixels: the report's figures, with the bounds the modes should meet.
        using var network = Random(11, 784, 256, 128, 10);
        using var x = NetworkTestHelpers.RandomMatrix<float>(200, 784, 3);
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Span.GetRowSpan(i);
            foreach (ref var v in row)
            {
                v = Math.Abs(v);
            }
        }

        using var int8 = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var bf16 = QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16);
        var int8Report = QuantizationReport.Create(network, int8, x.ReadOnlySpan);
        var bf16Report = QuantizationReport.Create(network, bf16, x.ReadOnlySpan);
        Assert.True(int8Report.SqnrDecibels >= 30, int8Report.ToString());
        Assert.True(bf16Report.SqnrDecibels >= 40, bf16Report.ToString());
        Assert.True(bf16Report.SqnrDecibels > int8Report.SqnrDecibels + 6, $"{bf16Report} vs {int8Report}");
        // A quarter and a half of fp32's bytes: int8 adds a scale per output and the kernels' padding (a few %).
        const long weights = 784L * 256 + 256 * 128 + 128 * 10;
        Assert.InRange(int8.WeightBytes, weights + (4 * (256 + 128 + 10)), 1.02 * (weights + (4 * (256 + 128 + 10))));
        Assert.Equal(2 * weights, bf16.WeightBytes);
    }

    [Fact]
    public void ManyThreads_PredictWhatOneThreadPredicts()
    {
        using var network = Random(3, 40, 64, 10);
        using var x = NetworkTestHelpers.RandomMatrix<float>(64, 40, 4);
        foreach (var mode in (QuantizationMode[])[QuantizationMode.Int8, QuantizationMode.BFloat16])
        {
            using var quantized = QuantizedNetwork.Quantize(network, mode);
            using var expected = quantized.Predict(x.ReadOnlySpan);
            var expectedBits = Bits(expected);
            var inputs = x.DangerousGetStorage().ToArray();
            var failures = 0;
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                var output = new float[10];
                for (var round = 0; round < 50; round++)
                {
                    var r = ((t * 7) + round) % 64;
                    quantized.Predict(inputs.AsSpan(r * 40, 40), output);
                    if (!output.Select(BitConverter.SingleToUInt32Bits).SequenceEqual(expectedBits.AsSpan(r * 10, 10).ToArray()))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            });
            Assert.Equal(0, failures);
        }
    }

    /// <summary>
    /// A predictor with MaxThreads ≥ 2 splits batches of 16 rows and more by rows: the same bits as one thread, for
    /// batches below, at and above the split, uneven ones, several chunks of the capacity, strided views and every
    /// kernel path and mode.
    /// </summary>
    [Fact]
    public void BatchesSplitOverThreads_PredictTheBitsOfOneThread()
    {
        using var network = Random(9, 40, 64, 7);
        using var calibration = NetworkTestHelpers.RandomMatrix<float>(50, 40, 3);
        foreach (var create in (Func<QuantizedNetwork>[])[
            () => QuantizedNetwork.Quantize(network, QuantizationMode.Int8),
            () => QuantizedNetwork.QuantizeInt8Static(network, calibration.ReadOnlySpan),
            () => QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16)])
        {
            using var quantized = create();
            foreach (var path in Kernels.Available)
            {
                using var one = quantized.CreatePredictor(40, ComputeOptions.For(path));
                foreach (var threads in new[] { 2, 3, 8 })
                {
                    using var split = quantized.CreatePredictor(40, new ComputeOptions(path, threads));
                    foreach (var rows in new[] { 1, 15, 16, 17, 23, 40, 41, 97 })
                    {
                        // A strided view of the inputs and outputs: the parts must address rows through the strides.
                        var x = new float[rows * 43];
                        var random = new Random(rows);
                        for (var i = 0; i < x.Length; i++)
                        {
                            x[i] = (float)(random.NextDouble() * 2) - 0.5f;
                        }

                        var input = new ReadOnlyMatrixSpan<float>(x, rows, 40, 43);
                        var expected = new float[rows * 7];
                        var actual = new float[rows * 9];
                        actual.AsSpan().Fill(-1234.5f);
                        one.Predict(input, new MatrixSpan<float>(expected, rows, 7));
                        split.Predict(input, new MatrixSpan<float>(actual, rows, 7, 9));
                        for (var i = 0; i < rows; i++)
                        {
                            for (var j = 0; j < 7; j++)
                            {
                                Assert.True(
                                    BitConverter.SingleToInt32Bits(expected[(i * 7) + j]) == BitConverter.SingleToInt32Bits(actual[(i * 9) + j]),
                                    $"{quantized} on {path}, {threads} threads, {rows} rows: y[{i}, {j}] = {actual[(i * 9) + j]:R}, one thread {expected[(i * 7) + j]:R}.");
                            }

                            Assert.Equal(-1234.5f, actual[(i * 9) + 7]);
                            Assert.Equal(-1234.5f, actual[(i * 9) + 8]);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Smooth activations (whose scalar and vector code differ in the last bits) on odd widths: a row split must start
    /// its parts where the unsplit pass's vector code would, so the bits are still those of one thread.
    /// </summary>
    [Fact]
    public void RowSplits_KeepTheBits_OfSmoothActivationsOnOddWidths()
    {
        Activation[] smooth = [Activation.Tanh, Activation.Gelu, Activation.Sigmoid, Activation.Elu, Activation.Silu, Activation.Softplus, Activation.GeluTanh];
        foreach (var activation in smooth)
        {
            using var network = Random(11, [37, 61, 45, 13], [activation, activation, activation]);
            foreach (var mode in new[] { QuantizationMode.Int8, QuantizationMode.BFloat16 })
            {
                using var quantized = QuantizedNetwork.Quantize(network, mode);
                foreach (var path in Kernels.Available)
                {
                    using var one = quantized.CreatePredictor(91, ComputeOptions.For(path));
                    using var two = quantized.CreatePredictor(91, new ComputeOptions(path, 2));
                    foreach (var rows in new[] { 16, 17, 18, 19, 33, 91 })
                    {
                        using var x = NetworkTestHelpers.RandomMatrix<float>(rows, 37, rows);
                        using var expected = new Matrix<float>(rows, 13);
                        using var actual = new Matrix<float>(rows, 13);
                        one.Predict(x.ReadOnlySpan, expected.Span);
                        two.Predict(x.ReadOnlySpan, actual.Span);
                        Assert.True(
                            expected.DangerousGetStorage().SequenceEqual(actual.DangerousGetStorage()),
                            $"{activation}, {mode}, {path}, {rows} rows: two threads differ from one.");
                    }
                }
            }
        }
    }

    /// <summary>Batches below the row split on a network whose first layer splits its columns (≥ 128 KB of codes): the bits of one thread.</summary>
    [Fact]
    public void FewRows_SplitByColumns_PredictTheBitsOfOneThread()
    {
        using var network = Random(10, 784, 256, 10);
        using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var x = NetworkTestHelpers.RandomMatrix<float>(15, 784, 5);
        using var one = quantized.CreatePredictor(15);
        using var two = quantized.CreatePredictor(15, new ComputeOptions(null, 2));
        foreach (var rows in new[] { 1, 2, 5, 15 })
        {
            using var expected = new Matrix<float>(rows, 10);
            using var actual = new Matrix<float>(rows, 10);
            one.Predict(x.ReadOnlySpan.SliceRows(0, rows), expected.Span);
            two.Predict(x.ReadOnlySpan.SliceRows(0, rows), actual.Span);
            Assert.Equal(expected.DangerousGetStorage().ToArray(), actual.DangerousGetStorage().ToArray());
        }

        var sample = new float[784];
        var output = new float[10];
        AssertAllocatesNothing(() => two.Predict(sample, output), "one sample, columns split over two threads");
    }

    [Fact]
    public void Predictions_AllocateNothing()
    {
        using var network = Random(8, 30, 48, 5);
        using var x = NetworkTestHelpers.RandomMatrix<float>(20, 30, 1);
        using var y = new Matrix<float>(20, 5);
        var sample = new float[30];
        var output = new float[5];
        foreach (var create in (Func<QuantizedNetwork>[])[
            () => QuantizedNetwork.Quantize(network, QuantizationMode.Int8),
            () => QuantizedNetwork.QuantizeInt8Static(network, x.ReadOnlySpan),
            () => QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16)])
        {
            using var quantized = create();
            foreach (var path in Kernels.Available)
            {
                using var predictor = quantized.CreatePredictor(8, ComputeOptions.For(path));
                AssertAllocatesNothing(() => predictor.Predict(x.ReadOnlySpan, y.Span), $"{quantized} on {path}: batch");
                AssertAllocatesNothing(() => predictor.Predict(sample, output), $"{quantized} on {path}: one sample");
            }

            // Two threads: a batch of 20 rows is split by rows (16 and up), through the worker pool.
            using (var split = quantized.CreatePredictor(64, new ComputeOptions(null, 2)))
            {
                AssertAllocatesNothing(() => split.Predict(x.ReadOnlySpan, y.Span), $"{quantized}: batch split over two threads");
            }

            AssertAllocatesNothing(() => quantized.Predict(sample, output), $"{quantized}: one sample, the network's own workspace");
            AssertAllocatesNothing(() => quantized.Predict(x.ReadOnlySpan, y.Span), $"{quantized}: batch, the network's own workspace");
        }
    }

    private static void AssertAllocatesNothing(Action action, string what)
    {
        var bytes = Allocated(action);
        Assert.True(bytes == 0, $"{what}: {bytes} B allocated in 10 calls");
    }

    /// <summary>The quietest of five windows of 10 calls after a warm-up (a JIT tier-up may allocate once inside one window).</summary>
    private static long Allocated(Action action)
    {
        for (var i = 0; i < 3; i++)
        {
            action();
        }

        var quietest = long.MaxValue;
        for (var window = 0; window < 5 && quietest != 0; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                action();
            }

            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return quietest;
    }

    [Fact]
    public void Int8_DequantizedWeights_AreCodesTimesScales()
    {
        using var network = Random(4, 9, 6, 3);
        using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var dequantized = quantized.Dequantize();
        for (var l = 0; l < network.LayerCount; l++)
        {
            var w = network.GetWeights(l);
            var d = dequantized.GetWeights(l);
            for (var j = 0; j < w.GetLength(0); j++)
            {
                var max = Enumerable.Range(0, w.GetLength(1)).Max(p => Math.Abs(w[j, p]));
                var scale = max / 127;
                for (var p = 0; p < w.GetLength(1); p++)
                {
                    Assert.Equal(Math.Clamp(MathF.Round(w[j, p] / scale), -127, 127) * scale, d[j, p]);
                    Assert.True(Math.Abs(d[j, p] - w[j, p]) <= (scale / 2) * 1.0001, $"{w[j, p]} → {d[j, p]}");
                }
            }
        }
    }

    [Fact]
    public void NonFiniteInput_DynamicInt8_GivesNaNForThatRowOnly()
    {
        using var network = Random(2, 6, 8, 3);
        using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var x = NetworkTestHelpers.RandomMatrix<float>(3, 6, 9);
        x[1, 2] = float.NaN;
        using var y = quantized.Predict(x.ReadOnlySpan);
        Assert.All(y.ReadOnlySpan.GetRowSpan(1).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.All(y.ReadOnlySpan.GetRowSpan(0).ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.All(y.ReadOnlySpan.GetRowSpan(2).ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void NonFiniteInput_StaticInt8_GivesNaNForThatRowOnly_TheOthersAsWithout()
    {
        using var network = Random(2, 6, 8, 3);
        using var calibration = NetworkTestHelpers.RandomMatrix<float>(10, 6, 3);
        using var quantized = QuantizedNetwork.QuantizeInt8Static(network, calibration.ReadOnlySpan);
        using var clean = NetworkTestHelpers.RandomMatrix<float>(6, 6, 9);
        using var x = NetworkTestHelpers.RandomMatrix<float>(6, 6, 9);
        x[1, 2] = float.NaN;
        (x[3, 0], x[3, 5]) = (float.PositiveInfinity, float.NegativeInfinity);

        // A lone ∞ clamps to the calibrated range: the row predicts as with any value beyond it.
        x[4, 1] = float.PositiveInfinity;
        clean[4, 1] = float.MaxValue;
        foreach (var path in Kernels.Available)
        {
            foreach (var capacity in (int[])[1, 4, 256])
            {
                using var expected = Predict(quantized, clean.ReadOnlySpan, path, capacity);
                using var actual = Predict(quantized, x.ReadOnlySpan, path, capacity);
                for (var i = 0; i < x.Rows; i++)
                {
                    var row = actual.ReadOnlySpan.GetRowSpan(i).ToArray();
                    if (i is 1 or 3)
                    {
                        Assert.True(row.All(float.IsNaN), $"{path}, capacity {capacity}: row {i} = [{string.Join(", ", row)}], expected NaN");
                    }
                    else
                    {
                        Assert.True(row.All(float.IsFinite), $"{path}, capacity {capacity}: row {i}");
                        Assert.Equal(expected.ReadOnlySpan.GetRowSpan(i).ToArray(), row);
                    }
                }
            }
        }
    }

    [Fact]
    public void BadArguments_AreClearErrors()
    {
        using var network = Random(1, 4, 3, 2);
        Assert.Throws<ArgumentNullException>(() => QuantizedNetwork.Quantize(null!, QuantizationMode.Int8));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantizedNetwork.Quantize(network, (QuantizationMode)7));
        var empty = Assert.Throws<ArgumentException>(() => QuantizedNetwork.QuantizeInt8Static(network, new ReadOnlyMatrixSpan<float>(Array.Empty<float>(), 0, 4)));
        Assert.Contains("0 rows", empty.Message, StringComparison.Ordinal);
        var width = Assert.Throws<ArgumentException>(() => QuantizedNetwork.QuantizeInt8Static(network, new ReadOnlyMatrixSpan<float>(new float[6], 2, 3)));
        Assert.Equal("calibration", width.ParamName);
        var nan = new float[8];
        nan[3] = float.NaN;
        Assert.Throws<ArgumentException>(() => QuantizedNetwork.QuantizeInt8Static(network, new ReadOnlyMatrixSpan<float>(nan, 2, 4)));

        using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        Assert.Throws<ArgumentException>(() => quantized.Predict(new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => quantized.Predict(new float[4], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => quantized.CreatePredictor(0));
        quantized.Dispose();
        Assert.Throws<ObjectDisposedException>(() => quantized.Predict(new float[4], new float[2]));
    }

    [Fact]
    public void Int8_LayersWiderThanMaxK_AreRefusedNamingTheLayer_AndMaxKIsAccepted()
    {
        foreach (var (sizes, layer) in new (int[], int)[] { ([65537, 1], 1), ([1, 65537, 1], 2) })
        {
            using var wide = Random(9, sizes, [.. Enumerable.Repeat(Activation.Linear, sizes.Length - 1)]);
            var error = Assert.Throws<ArgumentException>(() => QuantizedNetwork.Quantize(wide, QuantizationMode.Int8));
            Assert.Contains($"Layer {layer} has 65537 inputs", error.Message, StringComparison.Ordinal);
            Assert.Contains("65536", error.Message, StringComparison.Ordinal);
            using var calibration = NetworkTestHelpers.RandomMatrix<float>(2, sizes[0], 1);
            error = Assert.Throws<ArgumentException>(() => QuantizedNetwork.QuantizeInt8Static(wide, calibration.ReadOnlySpan));
            Assert.Contains($"Layer {layer} has 65537 inputs", error.Message, StringComparison.Ordinal);
            using var bf16 = QuantizedNetwork.Quantize(wide, QuantizationMode.BFloat16); // no such limit
        }

        // K = MaxK itself: the sums stay exact, as the equations say.
        using var widest = Random(10, [65536, 2], [Activation.Linear]);
        using var x = NetworkTestHelpers.RandomMatrix<float>(2, 65536, 3);
        using var quantized = QuantizedNetwork.Quantize(widest, QuantizationMode.Int8);
        using var y = quantized.Predict(x.ReadOnlySpan);
        AssertClose(Int8Oracle(widest, x.ReadOnlySpan, null), y.ReadOnlySpan, 2e-6, "65536→2");
    }

    [Fact]
    public void ModeNames_AreOnePlace()
    {
        Assert.Equal("int8, bf16", QuantizationModeNames.ValidNames);
        foreach (var mode in Enum.GetValues<QuantizationMode>())
        {
            Assert.Equal(mode, QuantizationModeNames.Parse(QuantizationModeNames.GetName(mode).ToUpperInvariant()));
        }

        Assert.False(QuantizationModeNames.TryParse("fp16", out _));
        Assert.Contains("int8, bf16", Assert.Throws<ArgumentException>(() => QuantizationModeNames.Parse("int4", "--mode")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantizationModeNames.GetName((QuantizationMode)9));
    }

    [Fact]
    public void Report_OfTheSameWeights_IsExact_AndItsFiguresFollowTheirDefinitions()
    {
        using var network = Random(6, [3, 5, 2], [Activation.Relu, Activation.Linear]);
        using var x = NetworkTestHelpers.RandomMatrix<float>(40, 3, 5);
        using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var y = network.Predict(x.ReadOnlySpan);
        using var q = quantized.Predict(x.ReadOnlySpan);
        double max = 0, sum = 0, signal = 0, noise = 0, mseRef = 0, mseQ = 0;
        using var labels = NetworkTestHelpers.RandomMatrix<float>(40, 2, 8);
        for (var i = 0; i < 40; i++)
        {
            for (var j = 0; j < 2; j++)
            {
                var d = (double)q[i, j] - y[i, j];
                max = Math.Max(max, Math.Abs(d));
                sum += Math.Abs(d);
                signal += (double)y[i, j] * y[i, j];
                noise += d * d;
                mseRef += Math.Pow((double)y[i, j] - labels[i, j], 2);
                mseQ += Math.Pow((double)q[i, j] - labels[i, j], 2);
            }
        }

        var report = QuantizationReport.Create(network, quantized, x.ReadOnlySpan, labels.ReadOnlySpan);
        Assert.Equal(40, report.Samples);
        Assert.Equal(max, report.MaxAbsoluteError);
        Assert.Equal(sum / 80, report.MeanAbsoluteError, 12);
        Assert.Equal(10 * Math.Log10(signal / noise), report.SqnrDecibels, 9);
        Assert.Null(report.ClassAgreement); // two linear outputs: a regression
        Assert.Equal("mse", report.MetricName);
        Assert.Equal(mseRef / 80, report.ReferenceMetric!.Value, 12);
        Assert.Equal(mseQ / 80, report.QuantizedMetric!.Value, 12);
        Assert.True(noise > 0);

        // The network against its own dequantized weights in bf16 form: bf16 of bf16 values is the same weights.
        using var bf16 = QuantizedNetwork.Quantize(network, QuantizationMode.BFloat16);
        using var rounded = bf16.Dequantize();
        using var again = QuantizedNetwork.Quantize(rounded, QuantizationMode.BFloat16);
        var same = QuantizationReport.Create(rounded, again, x.ReadOnlySpan);
        Assert.True(same.MaxAbsoluteError <= 1e-6, same.ToString());
    }

    [Fact]
    public void Report_OfAClassifier_CountsAgreementAndAccuracy()
    {
        using var network = Random(7, 12, 20, 4);
        using var x = NetworkTestHelpers.RandomMatrix<float>(64, 12, 1);
        using var quantized = QuantizedNetwork.Quantize(network, QuantizationMode.Int8);
        using var y = network.Predict(x.ReadOnlySpan);
        using var q = quantized.Predict(x.ReadOnlySpan);
        using var ids = new Matrix<float>(64, 1);
        var agree = 0;
        var refCorrect = 0;
        var qCorrect = 0;
        for (var i = 0; i < 64; i++)
        {
            ids[i, 0] = i % 4;
            var a = ArgMax(y.ReadOnlySpan.GetRowSpan(i));
            var b = ArgMax(q.ReadOnlySpan.GetRowSpan(i));
            agree += a == b ? 1 : 0;
            refCorrect += a == i % 4 ? 1 : 0;
            qCorrect += b == i % 4 ? 1 : 0;
        }

        var report = QuantizationReport.Create(network, quantized, x.ReadOnlySpan, ids.ReadOnlySpan);
        Assert.Equal(agree / 64.0, report.ClassAgreement);
        Assert.Equal("accuracy", report.MetricName);
        Assert.Equal(refCorrect / 64.0, report.ReferenceMetric);
        Assert.Equal(qCorrect / 64.0, report.QuantizedMetric);
        using var oneHot = NetworkTestHelpers.OneHot(ids.ReadOnlySpan, 4);
        Assert.Equal(report, QuantizationReport.Create(network, quantized, x.ReadOnlySpan, oneHot.ReadOnlySpan));

        ids[5, 0] = 4;
        Assert.Contains("row 5", Assert.Throws<ArgumentException>(() => QuantizationReport.Create(network, quantized, x.ReadOnlySpan, ids.ReadOnlySpan)).Message, StringComparison.Ordinal);
        using var other = Random(7, 12, 21, 4);
        Assert.Throws<ArgumentException>(() => QuantizationReport.Create(other, quantized, x.ReadOnlySpan));
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            best = row[i] > row[best] ? i : best;
        }

        return best;
    }
}
