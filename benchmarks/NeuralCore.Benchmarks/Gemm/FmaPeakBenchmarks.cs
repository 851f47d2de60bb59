using NeuralCore.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>The register-only FMA peak the GEMM figures are quoted against (run it in the same BenchmarkDotNet run).</summary>
[Config(typeof(GemmBenchmarkConfig))]
[MemoryDiagnoser]
public class FmaPeakBenchmarks
{
    [Benchmark]
    public float FmaPeakV512() => FmaPeak.RunOnce<float>(KernelPath.Vector512);

    [Benchmark]
    public float FmaPeakV256() => FmaPeak.RunOnce<float>(KernelPath.Vector256);
}
