using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>Square GEMM on the widest path and on the Vector256 path, one thread.</summary>
[Config(typeof(GemmBenchmarkConfig))]
[MemoryDiagnoser]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public class GemmSquareBenchmarks<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private GemmOperands<T> _operands = null!;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    public static IEnumerable<GemmShape> Shapes => new[] { 16, 64, 128, 256, 391, 512, 1024 }.Select(GemmShape.Cube);

    [GlobalSetup]
    public void Setup() => _operands = new GemmOperands<T>(Shape);

    [GlobalCleanup]
    public void Cleanup() => _operands.Dispose();

    [Benchmark]
    public void V512() => _operands.Multiply(ComputeOptions.For(KernelPath.Vector512));

    [Benchmark]
    public void V256() => _operands.Multiply(ComputeOptions.For(KernelPath.Vector256));
}

/// <summary>One thread against two on the persistent worker pool.</summary>
[Config(typeof(GemmBenchmarkConfig))]
[MemoryDiagnoser]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public class GemmThreadsBenchmarks<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private GemmOperands<T> _operands = null!;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    public static IEnumerable<GemmShape> Shapes => new[] { 128, 512, 1024 }.Select(GemmShape.Cube);

    [GlobalSetup]
    public void Setup() => _operands = new GemmOperands<T>(Shape);

    [GlobalCleanup]
    public void Cleanup() => _operands.Dispose();

    [Benchmark(Baseline = true)]
    public void OneThread() => _operands.Multiply(new ComputeOptions(null, 1));

    [Benchmark]
    public void TwoThreads() => _operands.Multiply(new ComputeOptions(null, 2));
}

/// <summary>The scalar reference as baseline, at sizes where it finishes.</summary>
[Config(typeof(GemmBenchmarkConfig))]
[MemoryDiagnoser]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public class GemmReferenceBenchmarks<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private GemmOperands<T> _operands = null!;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    public static IEnumerable<GemmShape> Shapes => new[] { 16, 64, 128 }.Select(GemmShape.Cube);

    [GlobalSetup]
    public void Setup() => _operands = new GemmOperands<T>(Shape);

    [GlobalCleanup]
    public void Cleanup() => _operands.Dispose();

    [Benchmark(Baseline = true)]
    public void Reference() => _operands.Multiply(ComputeOptions.For(KernelPath.Reference));

    [Benchmark]
    public void Fast() => _operands.Multiply(default);
}

/// <summary>
/// The dense-layer shapes: batch 128 × 784 → 256 → 128 → 10 in the three forms training needs, X·W (forward),
/// X·Wᵀ (forward with PyTorch's [out, in] weights, or the input gradient δ·W) and Xᵀ·δ (weight gradient).
/// </summary>
[Config(typeof(GemmBenchmarkConfig))]
[MemoryDiagnoser]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public class GemmNetworkBenchmarks<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private GemmOperands<T> _operands = null!;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    public static IEnumerable<GemmShape> Shapes =>
        from layer in new[] { (784, 256), (256, 128), (128, 10) }
        from ops in new[] { (MatrixOp.None, MatrixOp.None), (MatrixOp.None, MatrixOp.Transpose), (MatrixOp.Transpose, MatrixOp.None) }
        select new GemmShape(128, layer.Item1, layer.Item2, ops.Item1, ops.Item2);

    [GlobalSetup]
    public void Setup() => _operands = new GemmOperands<T>(Shape);

    [GlobalCleanup]
    public void Cleanup() => _operands.Dispose();

    [Benchmark]
    public void Fast() => _operands.Multiply(default);
}

/// <summary>
/// The seed network 2-4-6-6-4-1 at batch 900: row-major (C = X·W, batch × features) in every transpose form, and
/// feature-major (C′ = W·X′, features × batch), against the scalar reference. Labels: RM = row-major, FM = feature-major
/// (kept short: BenchmarkDotNet truncates long parameter values).
/// </summary>
[Config(typeof(GemmBenchmarkConfig))]
[MemoryDiagnoser]
public class GemmTinyBenchmarks
{
    private GemmOperands<float> _operands = null!;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    public static IEnumerable<GemmShape> Shapes =>
        (from layer in new[] { (2, 4), (4, 6), (6, 6), (6, 4), (4, 1) }
         from ops in new[] { (MatrixOp.None, MatrixOp.None), (MatrixOp.None, MatrixOp.Transpose), (MatrixOp.Transpose, MatrixOp.None) }
         select new GemmShape(900, layer.Item1, layer.Item2, ops.Item1, ops.Item2, "RM"))
        .Concat(from layer in new[] { (2, 4), (4, 6), (6, 6), (6, 4), (4, 1) }
                select new GemmShape(layer.Item2, layer.Item1, 900, Label: "FM"));

    [GlobalSetup]
    public void Setup() => _operands = new GemmOperands<float>(Shape);

    [GlobalCleanup]
    public void Cleanup() => _operands.Dispose();

    [Benchmark(Baseline = true)]
    public void Reference() => _operands.Multiply(ComputeOptions.For(KernelPath.Reference));

    [Benchmark]
    public void Fast() => _operands.Multiply(default);
}
