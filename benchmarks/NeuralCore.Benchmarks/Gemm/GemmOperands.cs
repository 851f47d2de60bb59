using System.Numerics;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>Seeded operands for one shape, in aligned pooled matrices.</summary>
public sealed class GemmOperands<T> : IDisposable
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public GemmOperands(GemmShape shape)
    {
        Shape = shape;
        A = shape.OpA == MatrixOp.None ? new Matrix<T>(shape.M, shape.K) : new Matrix<T>(shape.K, shape.M);
        B = shape.OpB == MatrixOp.None ? new Matrix<T>(shape.K, shape.N) : new Matrix<T>(shape.N, shape.K);
        C = new Matrix<T>(shape.M, shape.N);
        Bias = new T[shape.N];
        var random = new Random(42);
        foreach (ref var v in A.DangerousGetStorage())
        {
            v = T.CreateTruncating((random.NextDouble() * 2) - 1);
        }

        foreach (ref var v in B.DangerousGetStorage())
        {
            v = T.CreateTruncating((random.NextDouble() * 2) - 1);
        }
    }

    public GemmShape Shape { get; }

    public Matrix<T> A { get; }

    public Matrix<T> B { get; }

    public Matrix<T> C { get; }

    public T[] Bias { get; }

    public void Multiply(ComputeOptions options) =>
        NeuralCore.Gemm.Multiply(A.ReadOnlySpan, Shape.OpA, B.ReadOnlySpan, Shape.OpB, T.One, T.Zero, C.Span, options);

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        C.Dispose();
    }
}
