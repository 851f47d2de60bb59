using System.Numerics;

namespace NeuralCore.Internals.Reference;

/// <summary>Scalar reference reductions, written straight from the equations.</summary>
internal static class ReductionsReference
{
    /// <summary>destination_j = scale · Σ_i source_ij, the sum taken in double, row by row.</summary>
    public static void SumColumns<T>(ReadOnlyMatrixSpan<T> source, T scale, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
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
