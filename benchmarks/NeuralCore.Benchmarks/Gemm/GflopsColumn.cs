using NeuralCore.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>
/// GFLOPS from the mean time and the case's <see cref="GemmShape"/> (or the peak probe's fixed count), and, with
/// <see cref="OfPeak"/>, the percentage of the FMA peak measured by <see cref="FmaPeakBenchmarks"/> in the same run
/// (the V256 probe for methods whose name contains V256, half the V512 float probe for double).
/// </summary>
public sealed class GflopsColumn(bool ofPeak) : IColumn
{
    public static readonly GflopsColumn Gflops = new(false);
    public static readonly GflopsColumn OfPeak = new(true);

    public string Id => ofPeak ? "PercentOfPeak" : "Gflops";

    public string ColumnName => ofPeak ? "% of peak" : "GFLOPS";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => ofPeak ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => ofPeak ? "GFLOPS as a percentage of the register-only FMA peak measured in the same run" : "2·M·N·K / mean time, 10^9 flop/s";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var gflops = Measure(summary, benchmarkCase);
        if (gflops is not { } value)
        {
            return "-";
        }

        if (!ofPeak)
        {
            return value.ToString("F1", CultureInfo.InvariantCulture);
        }

        var method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        var probe = method.Contains("V256", StringComparison.Ordinal) ? nameof(FmaPeakBenchmarks.FmaPeakV256) : nameof(FmaPeakBenchmarks.FmaPeakV512);
        var peakCase = summary.BenchmarksCases.FirstOrDefault(c => c.Descriptor.WorkloadMethod.Name == probe);
        if (peakCase is null || Measure(summary, peakCase) is not { } peak)
        {
            return "-";
        }

        var isDouble = benchmarkCase.Descriptor.Type.IsGenericType && benchmarkCase.Descriptor.Type.GetGenericArguments()[0] == typeof(double);
        var percent = 100 * value / (isDouble ? peak / 2 : peak);
        return percent.ToString("F0", CultureInfo.InvariantCulture) + "%";
    }

    private static double? Measure(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } statistics)
        {
            return null;
        }

        double flops;
        var method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        if (method == nameof(FmaPeakBenchmarks.FmaPeakV512))
        {
            flops = FmaPeak.FlopsPerRun<float>(KernelPath.Vector512);
        }
        else if (method == nameof(FmaPeakBenchmarks.FmaPeakV256))
        {
            flops = FmaPeak.FlopsPerRun<float>(KernelPath.Vector256);
        }
        else if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Value is GemmShape)?.Value is GemmShape shape)
        {
            flops = shape.Flops;
        }
        else
        {
            return null;
        }

        return flops / statistics.Mean;
    }
}
