using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Peers;

/// <summary>
/// NeuralCore against ONNX Runtime on the same weights, float32: ORT's zero-allocation <c>RunWithBinding</c> (the
/// baseline, so the Ratio column is NeuralCore's time over ORT's best case), ORT's typical <c>Run</c>, and
/// NeuralCore's <see cref="Predictor{T}"/>; every net × batch × thread count (ORT's intra-op threads match).
/// <c>--quick-peers</c> prints the same table from Stopwatch timings in under a minute (<see cref="PeersQuick"/>).
/// </summary>
[MemoryDiagnoser]
public class OrtPeerBenchmarks
{
    private PeerPair _pair = null!;

    [Params(PeerNet.Moons, PeerNet.Mlp, PeerNet.Wide, PeerNet.Huge)]
    public PeerNet Net { get; set; }

    [Params(1, 8, 64, 1024)]
    public int Batch { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _pair = new PeerPair(Net, Batch, Threads);

    [GlobalCleanup]
    public void Cleanup() => _pair.Dispose();

    [Benchmark(Baseline = true)]
    public void OrtRunWithBinding() => _pair.RunOrtBinding();

    [Benchmark]
    public void OrtRun() => _pair.RunOrtTypical();

    [Benchmark]
    public void NeuralCorePredict() => _pair.RunNeuralCore();
}
