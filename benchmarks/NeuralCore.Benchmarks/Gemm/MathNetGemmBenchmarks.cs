using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>Peer comparison: MathNet.Numerics 5.0.0's managed provider, <c>A.Multiply(B, C)</c> (no allocation of C).</summary>
[Config(typeof(GemmBenchmarkConfig))]
[MemoryDiagnoser]
public class MathNetGemmBenchmarks
{
    private MathNet.Numerics.LinearAlgebra.Matrix<float> _a32 = null!, _b32 = null!, _c32 = null!;
    private MathNet.Numerics.LinearAlgebra.Matrix<double> _a64 = null!, _b64 = null!, _c64 = null!;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    public static IEnumerable<GemmShape> Shapes => new[] { 16, 64, 128, 256, 391, 512, 1024 }.Select(GemmShape.Cube);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a32 = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(Shape.M, Shape.K, (_, _) => (float)random.NextDouble());
        _b32 = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(Shape.K, Shape.N, (_, _) => (float)random.NextDouble());
        _c32 = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(Shape.M, Shape.N);
        _a64 = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(Shape.M, Shape.K, (_, _) => random.NextDouble());
        _b64 = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(Shape.K, Shape.N, (_, _) => random.NextDouble());
        _c64 = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(Shape.M, Shape.N);
    }

    [Benchmark]
    public void MathNetFloat() => _a32.Multiply(_b32, _c32);

    [Benchmark]
    public void MathNetDouble() => _a64.Multiply(_b64, _c64);
}
