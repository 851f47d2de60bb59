using System.Globalization;
using System.Numerics;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>
/// A Stopwatch harness for any shapes (<c>--quick-gemm-shapes f391 d1024 f384x384x391</c>: f/d for float/double, then n
/// or M×K×N): each round times every shape once (best of 4 batches of ≈ 20 MFLOP or one call), so a slow phase of the VM hits all
/// shapes alike; prints the best and the median over <c>NC_ROUNDS</c> rounds (5). <c>NC_OPA=T</c> / <c>NC_OPB=T</c> transpose A / B.
/// Vector512 path, one thread.
/// </summary>
public static class GemmShapesQuick
{
    private static readonly MatrixOp s_opA = Environment.GetEnvironmentVariable("NC_OPA") == "T" ? MatrixOp.Transpose : MatrixOp.None;
    private static readonly MatrixOp s_opB = Environment.GetEnvironmentVariable("NC_OPB") == "T" ? MatrixOp.Transpose : MatrixOp.None;

    public static void Run(string[] shapes)
    {
        var rounds = int.Parse(Environment.GetEnvironmentVariable("NC_ROUNDS") ?? "5", CultureInfo.InvariantCulture);
        var cases = shapes.Select(shape => shape[0] == 'd' ? (ICase)new Case<double>(shape) : new Case<float>(shape)).ToArray();
        var results = cases.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < cases.Length; i++)
            {
                results[i].Add(cases[i].Gflops());
            }
        }

        for (var i = 0; i < cases.Length; i++)
        {
            var list = results[i];
            list.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shapes[i],-20} best {list[^1],6:F1} median {list[list.Count / 2],6:F1} GFLOPS"));
        }

        foreach (var c in cases)
        {
            c.Dispose();
        }
    }

    private interface ICase : IDisposable
    {
        double Gflops();
    }

    private sealed class Case<T> : ICase
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly Matrix<T> _a;
        private readonly Matrix<T> _b;
        private readonly Matrix<T> _c;
        private readonly double _flops;

        public Case(string shape)
        {
            var dims = shape[1..].Split('x').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var (m, k, n) = dims.Length == 1 ? (dims[0], dims[0], dims[0]) : (dims[0], dims[1], dims[2]);
            _a = s_opA == MatrixOp.None ? new Matrix<T>(m, k) : new Matrix<T>(k, m);
            _b = s_opB == MatrixOp.None ? new Matrix<T>(k, n) : new Matrix<T>(n, k);
            _c = new Matrix<T>(m, n);
            var random = new Random(1);
            foreach (ref var x in _a.DangerousGetStorage())
            {
                x = T.CreateTruncating(random.NextDouble());
            }

            foreach (ref var x in _b.DangerousGetStorage())
            {
                x = T.CreateTruncating(random.NextDouble());
            }

            _flops = 2.0 * m * n * k;
        }

        public double Gflops() => _flops / GemmQuick.BestSeconds(
            () => NeuralCore.Gemm.Multiply(_a.ReadOnlySpan, s_opA, _b.ReadOnlySpan, s_opB, T.One, T.Zero, _c.Span, new ComputeOptions(KernelPath.Vector512, 1)),
            _flops,
            trials: 4) / 1e9;

        public void Dispose()
        {
            _a.Dispose();
            _b.Dispose();
            _c.Dispose();
        }
    }
}
