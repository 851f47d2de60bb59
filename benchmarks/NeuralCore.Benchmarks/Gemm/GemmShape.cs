using System.Globalization;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>A benchmark shape: <c>C[M, N] = op(A)[M, K]·op(B)[K, N]</c>; its flop count feeds the GFLOPS column.</summary>
public sealed record GemmShape(int M, int K, int N, MatrixOp OpA = MatrixOp.None, MatrixOp OpB = MatrixOp.None, string? Label = null) : IComparable<GemmShape>, IComparable
{
    /// <summary>BenchmarkDotNet orders parameter values by this: by label, then size, then transposes.</summary>
    public int CompareTo(GemmShape? other) =>
        other is null ? 1
        : string.CompareOrdinal(Label, other.Label) is var byLabel and not 0 ? byLabel
        : Flops.CompareTo(other.Flops) is var byFlops and not 0 ? byFlops
        : (((int)OpA * 2) + (int)OpB).CompareTo(((int)other.OpA * 2) + (int)other.OpB);

    public int CompareTo(object? obj) => CompareTo(obj as GemmShape);

    public static bool operator <(GemmShape left, GemmShape right) => left.CompareTo(right) < 0;

    public static bool operator <=(GemmShape left, GemmShape right) => left.CompareTo(right) <= 0;

    public static bool operator >(GemmShape left, GemmShape right) => left.CompareTo(right) > 0;

    public static bool operator >=(GemmShape left, GemmShape right) => left.CompareTo(right) >= 0;

    public double Flops => 2.0 * M * N * K;

    public static GemmShape Cube(int n) => new(n, n, n);

    public override string ToString()
    {
        var ops = OpA == MatrixOp.None && OpB == MatrixOp.None ? "" : $" {(OpA == MatrixOp.None ? "N" : "T")}{(OpB == MatrixOp.None ? "N" : "T")}";
        var text = M == N && N == K ? string.Create(CultureInfo.InvariantCulture, $"{M}³{ops}") : string.Create(CultureInfo.InvariantCulture, $"{M}x{K}->{N}{ops}");
        return Label is null ? text : $"{Label} {text}";
    }
}
