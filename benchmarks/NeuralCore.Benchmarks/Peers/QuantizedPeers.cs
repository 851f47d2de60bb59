using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Peers;

/// <summary>
/// Low-precision inference (issue 15) side by side on the same weights: ONNX Runtime fp32 <c>RunWithBinding</c> (the
/// baseline), our fp32 <see cref="Predictor{T}"/>, and our <see cref="QuantizedPredictor"/> in int8 (dynamic inputs)
/// and bf16; one thread. <c>--quick-quantized</c> prints the same table from interleaved Stopwatch timings.
/// </summary>
[MemoryDiagnoser]
public class QuantizedBenchmarks
{
    private QuantizedTrio _trio = null!;

    [Params(PeerNet.Mlp, PeerNet.Wide)]
    public PeerNet Net { get; set; }

    [Params(1, 64, 1024)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup() => _trio = new QuantizedTrio(Net, Batch);

    [GlobalCleanup]
    public void Cleanup() => _trio.Dispose();

    [Benchmark(Baseline = true)]
    public void OrtFp32() => _trio.Pair.RunOrtBinding();

    [Benchmark]
    public void NeuralCoreFp32() => _trio.Pair.RunNeuralCore();

    [Benchmark]
    public void NeuralCoreInt8() => _trio.RunInt8();

    [Benchmark]
    public void NeuralCoreBf16() => _trio.RunBf16();
}

/// <summary>A <see cref="PeerPair"/> (ORT and our fp32 on one network) plus int8 and bf16 copies of that network.</summary>
public sealed class QuantizedTrio : IDisposable
{
    private readonly NeuralNetwork<float> _network;
    private readonly QuantizedNetwork _int8;
    private readonly QuantizedNetwork _bf16;
    private readonly QuantizedPredictor _int8Predictor;
    private readonly QuantizedPredictor _bf16Predictor;
    private readonly QuantizedPredictor _int8Predictor2;
    private readonly QuantizedPredictor _bf16Predictor2;
    private readonly Matrix<float> _input;
    private readonly Matrix<float> _output;

    public QuantizedTrio(PeerNet net, int batch)
    {
        Batch = batch;
        Pair = new PeerPair(net, batch, threads: 1);
        _network = new NeuralNetwork<float>(PeerPair.Architecture(net), Initialization.He(7));
        _int8 = QuantizedNetwork.Quantize(_network, QuantizationMode.Int8);
        _bf16 = QuantizedNetwork.Quantize(_network, QuantizationMode.BFloat16);
        _int8Predictor = _int8.CreatePredictor(batch);
        _bf16Predictor = _bf16.CreatePredictor(batch);
        _int8Predictor2 = _int8.CreatePredictor(batch, new ComputeOptions(null, 2));
        _bf16Predictor2 = _bf16.CreatePredictor(batch, new ComputeOptions(null, 2));
        _input = Network.NetworkBenchmarkData.Uniform(batch, _network.InputSize, 11);
        _output = new Matrix<float>(batch, _network.OutputSize);
    }

    public PeerPair Pair { get; }

    public int Batch { get; }

    public long Int8Bytes => _int8.WeightBytes;

    public long Bf16Bytes => _bf16.WeightBytes;

    public void RunInt8() => Run(_int8Predictor);

    public void RunBf16() => Run(_bf16Predictor);

    /// <summary>int8 with two threads (batches of 16 rows and more are split by rows).</summary>
    public void RunInt8TwoThreads() => Run(_int8Predictor2);

    /// <summary>bf16 with two threads.</summary>
    public void RunBf16TwoThreads() => Run(_bf16Predictor2);

    public void Dispose()
    {
        Pair.Dispose();
        _int8Predictor.Dispose();
        _bf16Predictor.Dispose();
        _int8Predictor2.Dispose();
        _bf16Predictor2.Dispose();
        _int8.Dispose();
        _bf16.Dispose();
        _input.Dispose();
        _output.Dispose();
        _network.Dispose();
    }

    private void Run(QuantizedPredictor predictor)
    {
        if (Batch == 1)
        {
            predictor.Predict(_input.ReadOnlySpan.GetRowSpan(0), _output.Span.GetRowSpan(0));
        }
        else
        {
            predictor.Predict(_input.ReadOnlySpan, _output.Span);
        }
    }
}

/// <summary><c>--quick-quantized</c>: the <see cref="QuantizedBenchmarks"/> table in about a minute, with each row's share of the streaming limit for its weight bytes.</summary>
public static class QuantizedQuick
{
    public static void Run()
    {
        Console.WriteLine($"{Environment.ProcessorCount} cores, kernel path {Kernels.GetName(Kernels.Default)}; one thread, and two for the int8/bf16 '2t' columns and fp32 '2t'");
        Console.WriteLine($"{"net",-18} {"batch",5} {"ORT µs",9} {"fp32 µs",9} {"int8 µs",9} {"bf16 µs",9} {"fp32/int8",9} {"ORT/int8",9} {"fp32/bf16",9} {"int8 %str",9} {"bf16 %str",9} {"fp32 2t",9} {"int8 2t",9} {"bf16 2t",9}");
        foreach (var net in (PeerNet[])[PeerNet.Mlp, PeerNet.Wide])
        {
            foreach (var batch in (int[])[1, 8, 64, 1024])
            {
                using var trio = new QuantizedTrio(net, batch);
                using var fp32TwoThreads = new PeerPair(net, batch, threads: 2);
                var best = PeersQuick.Best(trio.Pair.RunOrtBinding, trio.Pair.RunNeuralCore, trio.RunInt8, trio.RunBf16, fp32TwoThreads.RunNeuralCore, trio.RunInt8TwoThreads, trio.RunBf16TwoThreads);
                var int8Stream = trio.Int8Bytes / PeersQuick.Bandwidth(trio.Int8Bytes, 1) / 1e3;
                var bf16Stream = trio.Bf16Bytes / PeersQuick.Bandwidth(trio.Bf16Bytes, 1) / 1e3;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{PeersQuick.Name(net),-18} {batch,5} {best[0],9:F2} {best[1],9:F2} {best[2],9:F2} {best[3],9:F2} {best[1] / best[2],8:F2}× {best[0] / best[2],8:F2}× {best[1] / best[3],8:F2}× {100 * int8Stream / best[2],8:F0}% {100 * bf16Stream / best[3],8:F0}% {best[4],9:F2} {best[5],9:F2} {best[6],9:F2}"));
            }
        }
    }
}
