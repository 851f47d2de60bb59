namespace NeuralCore.Cli.Bench;

/// <summary>One figure of <c>neuralcore bench</c>.</summary>
/// <param name="Section">gemm, train or infer.</param>
/// <param name="Name">The workload, e.g. <c>sgemm 512³</c>.</param>
/// <param name="Value">The main figure.</param>
/// <param name="Unit">Its unit (GFLOPS, samples/s, µs).</param>
/// <param name="PercentOfPeak">For GEMM, the share of the FMA peak measured in the same process; otherwise null.</param>
/// <param name="BytesAllocatedPerCall">Managed bytes allocated per call after warm-up (all threads).</param>
internal sealed record BenchMeasurement(string Section, string Name, double Value, string Unit, double? PercentOfPeak, double BytesAllocatedPerCall);
