using System.Numerics;
using NeuralCore.Internals;

namespace NeuralCore;

/// <summary>Reductions over matrix views.</summary>
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
    /// <exception cref="ArgumentException">The destination length is not n.</exception>
    public static void SumColumns<T>(ReadOnlyMatrixSpan<T> source, T scale, Span<T> destination, ComputeOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length != source.Columns)
        {
            ThrowHelper.ThrowArgument(nameof(destination), $"destination must have {source.Columns} elements (the columns of source, {source.Shape}); got {destination.Length}.");
        }

        _ = options.ResolvePath();
        for (var j = 0; j < source.Columns; j++)
        {
            var sum = 0.0;
            for (var i = 0; i < source.Rows; i++)
            {
                sum += double.CreateTruncating(source[i, j]);
            }

            destination[j] = T.CreateTruncating(sum) * scale;
        }
    }
}
