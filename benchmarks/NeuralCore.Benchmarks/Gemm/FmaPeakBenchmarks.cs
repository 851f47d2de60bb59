using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>The register-only FMA peak the GEMM figures are quoted against (run it in the same BenchmarkDotNet run).</summary>
[Config(typeof(GemmBenchmarkConfig))]
[MemoryDiagnoser]
public class FmaPeakBenchmarks
{
    [Benchmark]
    public float FmaPeakV512() => FmaPeak.Run512(1f).GetElement(0);

    [Benchmark]
    public float FmaPeakV256() => FmaPeak.Run256(1f).GetElement(0);
}
