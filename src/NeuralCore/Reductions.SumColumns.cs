using System.Numerics;
using System.Runtime.InteropServices;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;

namespace NeuralCore;

public static partial class Reductions
{
    /// <summary>
    /// Computes <c>destination_j = scale · Σ_i source_ij</c>: the bias gradient <c>∂C/∂b = Σ δ / m</c> with
    /// <c>scale = 1/m</c>. Sums are accumulated in double so long batches do not lose precision.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">Shape: [m, n].</param>
    /// <param name="scale">The factor applied to each column sum.</param>
    /// <param name="destination">Shape: [n].</param>
    /// <param name="options">The kernel path.</param>
    /// <exception cref="ArgumentException">The destination length is not n, or it overlaps the source.</exception>
    public static void SumColumns<T>(ReadOnlyMatrixSpan<T> source, T scale, Span<T> destination, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length != source.Columns)
        {
            ThrowHelper.ThrowArgument(nameof(destination), $"destination must have {source.Columns} elements (the columns of source, {source.Shape}); got {destination.Length}.");
        }

        ArgumentValidation.Disjoint(source.DangerousGetSpan(), destination, nameof(source), nameof(destination));
        var path = options.ResolvePath();
        if (path == KernelPath.Reference)
        {
            ReductionsReference.SumColumns(source, scale, destination);
            return;
        }

        var kernel = new ColumnSumKernel<T>(ref source.DangerousGetReference(), source.Rows, source.Stride, scale, ref MemoryMarshal.GetReference(destination));
        ElementwiseDriver.Run<T, ColumnSumKernel<T>>(ref kernel, source.Columns, path);
    }
}
