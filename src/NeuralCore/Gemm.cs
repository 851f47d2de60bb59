using System.Numerics;
using NeuralCore.Internals.Gemm;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

/// <summary>
/// General matrix multiply, <c>C = α·op(A)·op(B) + β·C</c>, and its fused dense-layer form
/// <c>Z = op(A)·op(B) + bias, output = f(Z)</c>.
/// </summary>
/// <remarks>
/// Shapes: <c>op(A)</c> is M×K, <c>op(B)</c> is K×N, C is M×N. Views may be strided sub-views.
/// C must not overlap A or B. With β = 0, C is overwritten without being read (NaN in C does not propagate).
/// The fast paths are register-tiled SIMD kernels (Internals/Gemm); <see cref="KernelPath.Reference"/> runs the
/// plain triple loop. With <see cref="ComputeOptions.MaxThreads"/> &gt; 1, large products are split over
/// persistent worker threads by a fixed partition, and the result is bit-identical to the single-threaded one.
/// </remarks>
public static partial class Gemm
{
    /// <summary>Computes <c>C = A·B</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">Shape: [M, K].</param>
    /// <param name="b">Shape: [K, N].</param>
    /// <param name="c">Shape: [M, N]; overwritten.</param>
    /// <exception cref="ArgumentException">The shapes do not chain, or C overlaps A or B.</exception>
    public static void Multiply<T>(ReadOnlyMatrixSpan<T> a, ReadOnlyMatrixSpan<T> b, MatrixSpan<T> c)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Multiply(a, MatrixOp.None, b, MatrixOp.None, T.One, T.Zero, c, default);

    /// <summary>Computes <c>C = α·op(A)·op(B) + β·C</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">Shape: [M, K], or [K, M] when <paramref name="opA"/> is <see cref="MatrixOp.Transpose"/>.</param>
    /// <param name="opA">How A is read.</param>
    /// <param name="b">Shape: [K, N], or [N, K] when <paramref name="opB"/> is <see cref="MatrixOp.Transpose"/>.</param>
    /// <param name="opB">How B is read.</param>
    /// <param name="alpha">The scale of the product.</param>
    /// <param name="beta">The scale of the existing C; 0 means C is not read.</param>
    /// <param name="c">Shape: [M, N]; updated in place.</param>
    /// <param name="options">The kernel path and thread count; <see langword="default"/> picks <see cref="Kernels.Default"/>, one thread.</param>
    /// <exception cref="ArgumentException">The shapes do not chain, or C overlaps A or B.</exception>
    public static void Multiply<T>(
        ReadOnlyMatrixSpan<T> a,
        MatrixOp opA,
        ReadOnlyMatrixSpan<T> b,
        MatrixOp opB,
        T alpha,
        T beta,
        MatrixSpan<T> c,
        ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(a, opA, b, opB, c, nameof(c));
        var path = options.ResolvePath();
        if (path == KernelPath.Reference)
        {
            GemmReference.Multiply(a, opA, b, opB, alpha, beta, c);
            return;
        }

        if (c.IsEmpty)
        {
            return;
        }

        var problem = CreateProblem(a, opA, b, opB, c);
        problem.Alpha = alpha;
        problem.Beta = beta;
        GemmExecutor.Execute(ref problem, Activation.Linear, path, options.MaxThreads);
    }

    /// <summary>The strides of a validated call (see <see cref="GemmProblem{T}"/>); the epilogue fields are left off.</summary>
    private static GemmProblem<T> CreateProblem<T>(ReadOnlyMatrixSpan<T> a, MatrixOp opA, ReadOnlyMatrixSpan<T> b, MatrixOp opB, MatrixSpan<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var transposeA = opA == MatrixOp.Transpose;
        return new GemmProblem<T>
        {
            A = ref a.DangerousGetReference(),
            ARowStride = transposeA ? 1 : a.Stride,
            AKStride = transposeA ? a.Stride : 1,
            B = ref b.DangerousGetReference(),
            BStride = b.Stride,
            BTransposed = opB == MatrixOp.Transpose,
            C = ref c.DangerousGetReference(),
            CStride = c.Stride,
            M = c.Rows,
            N = c.Columns,
            K = transposeA ? a.Rows : a.Columns,
        };
    }
}
