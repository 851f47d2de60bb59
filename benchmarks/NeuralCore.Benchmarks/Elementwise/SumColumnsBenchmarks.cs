using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Elementwise;

/// <summary>The bias gradient (column sums of δ over a batch, summed in double): ours against the scalar reference.</summary>
[MemoryDiagnoser]
public class SumColumnsBenchmarks
{
    private float[] _delta = [];
    private float[] _bias = [];

    [Params("256x256", "1024x10")]
    public string Shape { get; set; } = "256x256";

    // Parsed once in the setup: parsing in the benchmark body would allocate (string.Split) and be measured.
    private int Rows { get; set; }

    private int Columns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Rows = int.Parse(Shape.Split('x')[0], System.Globalization.CultureInfo.InvariantCulture);
        Columns = int.Parse(Shape.Split('x')[1], System.Globalization.CultureInfo.InvariantCulture);
        var random = new Random(42);
        _delta = [.. Enumerable.Range(0, Rows * Columns).Select(_ => random.NextSingle() - 0.5f)];
        _bias = new float[Columns];
    }

    [Benchmark(Baseline = true)]
    public void Reference() => Reductions.SumColumns(new ReadOnlyMatrixSpan<float>(_delta, Rows, Columns), 1f / Rows, _bias, ComputeOptions.For(KernelPath.Reference));

    [Benchmark]
    public void Ours() => Reductions.SumColumns(new ReadOnlyMatrixSpan<float>(_delta, Rows, Columns), 1f / Rows, _bias);
}
