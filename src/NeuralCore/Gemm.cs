using System.Numerics;
using NeuralCore.Internals;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

/// <summary>
/// General matrix multiply, <c>C = α·op(A)·op(B) + β·C</c>, and its fused dense-layer form
/// <c>Z = op(A)·op(B) + bias, output = f(Z)</c>.
/// </summary>
/// <remarks>
/// Shapes: <c>op(A)</c> is M×K, <c>op(B)</c> is K×N, C is M×N. Views may be strided sub-views.
/// C must not overlap A or B. With β = 0, C is overwritten without being read (NaN in C does not propagate).
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
        GemmReference.Multiply(a, opA, b, opB, alpha, beta, c);
        _ = path;
    }

    /// <summary>
    /// The forward pass of a dense layer in one sweep: <c>Z = op(A)·op(B) + bias</c> (bias broadcast over rows),
    /// then <c>output = f(Z)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="a">The layer input. Shape: [M, K], or [K, M] when transposed.</param>
    /// <param name="opA">How A is read.</param>
    /// <param name="b">The weights. Shape: [K, N], or [N, K] when transposed.</param>
    /// <param name="opB">How B is read.</param>
    /// <param name="bias">Shape: [N].</param>
    /// <param name="activation">The activation f.</param>
    /// <param name="preActivation">Shape: [M, N] to receive Z, or an empty view (<see langword="default"/>) to skip storing Z.</param>
    /// <param name="output">Shape: [M, N]; receives f(Z). May be the same view as <paramref name="preActivation"/> only for <see cref="Activation.Linear"/>.</param>
    /// <param name="options">The kernel path and thread count.</param>
    /// <exception cref="ArgumentException">The shapes do not chain, the bias length is not N, or an output overlaps an input.</exception>
    public static void MultiplyBiasActivate<T>(
        ReadOnlyMatrixSpan<T> a,
        MatrixOp opA,
        ReadOnlyMatrixSpan<T> b,
        MatrixOp opB,
        ReadOnlySpan<T> bias,
        Activation activation,
        MatrixSpan<T> preActivation,
        MatrixSpan<T> output,
        ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(a, opA, b, opB, output, nameof(output));
        if (bias.Length != output.Columns)
        {
            ThrowHelper.ThrowArgument(nameof(bias), $"bias must have N = {output.Columns} elements; got {bias.Length}.");
        }

        var storeZ = !preActivation.IsEmpty || (preActivation.Rows == output.Rows && preActivation.Columns == output.Columns);
        if (storeZ)
        {
            if (preActivation.Rows != output.Rows || preActivation.Columns != output.Columns)
            {
                ThrowHelper.ThrowShapeMismatch(nameof(preActivation), output.Rows, output.Columns, preActivation.Rows, preActivation.Columns);
            }

            CheckNoOverlap(a, preActivation, nameof(a), nameof(preActivation));
            CheckNoOverlap(b, preActivation, nameof(b), nameof(preActivation));
        }

        _ = options.ResolvePath();
        GemmReference.MultiplyBiasActivate(a, opA, b, opB, bias, activation, preActivation, output, storeZ);
    }

    internal static void Validate<T>(ReadOnlyMatrixSpan<T> a, MatrixOp opA, ReadOnlyMatrixSpan<T> b, MatrixOp opB, MatrixSpan<T> c, string cName)
    {
        var (m, k) = opA == MatrixOp.None ? (a.Rows, a.Columns) : (a.Columns, a.Rows);
        var (kb, n) = opB == MatrixOp.None ? (b.Rows, b.Columns) : (b.Columns, b.Rows);
        if (k != kb)
        {
            ThrowHelper.ThrowArgument(
                nameof(b),
                $"Inner dimensions differ: op(a) is {m}×{k} (a is {a.Shape}, {opA}) but op(b) is {kb}×{n} (b is {b.Shape}, {opB}).");
        }

        if (c.Rows != m || c.Columns != n)
        {
            ThrowHelper.ThrowArgument(
                cName,
                $"{cName} must be {m}×{n} for op(a) {m}×{k} times op(b) {kb}×{n}; got {c.Shape}.");
        }

        CheckNoOverlap(a, c, nameof(a), cName);
        CheckNoOverlap(b, c, nameof(b), cName);
    }

    internal static void CheckNoOverlap<T>(ReadOnlyMatrixSpan<T> input, MatrixSpan<T> output, string inputName, string outputName)
    {
        if (input.DangerousGetSpan().Overlaps(output.AsReadOnly().DangerousGetSpan()))
        {
            ThrowHelper.ThrowArgument(outputName, $"{outputName} ({output.Shape}) must not overlap {inputName} ({input.Shape}).");
        }
    }
}
