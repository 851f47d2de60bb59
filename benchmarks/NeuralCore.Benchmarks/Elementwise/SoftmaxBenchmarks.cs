using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Elementwise;

/// <summary>
/// Row-wise softmax: ours (max-subtracted, three passes per row) against TensorPrimitives.SoftMax per row (no max
/// subtraction: NaN for logits above ~88, shown for speed only), with the scalar reference as baseline.
/// </summary>
[MemoryDiagnoser]
public class SoftmaxBenchmarks
{
    private float[] _z = [];
    private float[] _a = [];

    [Params("64x10", "8x4096")]
    public string Shape { get; set; } = "64x10";

    // Parsed once in the setup: parsing in the benchmark body would allocate (string.Split) and be measured.
    private int Rows { get; set; }

    private int Columns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Rows = int.Parse(Shape.Split('x')[0], System.Globalization.CultureInfo.InvariantCulture);
        Columns = int.Parse(Shape.Split('x')[1], System.Globalization.CultureInfo.InvariantCulture);
        var random = new Random(42);
        _z = [.. Enumerable.Range(0, Rows * Columns).Select(_ => (random.NextSingle() * 20) - 10)];
        _a = new float[_z.Length];
    }

    [Benchmark(Baseline = true)]
    public void Reference() => Activations.Forward(Activation.Softmax, new ReadOnlyMatrixSpan<float>(_z, Rows, Columns), new MatrixSpan<float>(_a, Rows, Columns), ComputeOptions.For(KernelPath.Reference));

    [Benchmark]
    public void Ours() => Activations.Forward(Activation.Softmax, new ReadOnlyMatrixSpan<float>(_z, Rows, Columns), new MatrixSpan<float>(_a, Rows, Columns));

    [Benchmark]
    public void TensorPrimitivesPerRow()
    {
        var columns = Columns;
        for (var r = 0; r < Rows; r++)
        {
            TensorPrimitives.SoftMax(_z.AsSpan(r * columns, columns), _a.AsSpan(r * columns, columns));
        }
    }
}
