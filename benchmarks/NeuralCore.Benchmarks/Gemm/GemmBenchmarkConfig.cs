using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>GFLOPS and % of peak columns, allocation column, results grouped per shape.</summary>
public sealed class GemmBenchmarkConfig : ManualConfig
{
    public GemmBenchmarkConfig()
    {
        AddColumn(GflopsColumn.Gflops, GflopsColumn.OfPeak);
        AddDiagnoser(MemoryDiagnoser.Default);
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}
