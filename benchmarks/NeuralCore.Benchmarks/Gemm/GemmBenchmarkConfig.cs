using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>GFLOPS and % of peak columns and the allocation column; one config for all classes so a <c>--join</c> run shares the peak probe.</summary>
public sealed class GemmBenchmarkConfig : ManualConfig
{
    public GemmBenchmarkConfig()
    {
        AddColumn(GflopsColumn.Gflops, GflopsColumn.OfPeak);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
