using System.Numerics;

namespace NeuralCore.Network.Internals.Engines;

/// <summary>The batch views and the gather of a shuffled batch, shared by both training engines.</summary>
internal static class TrainingBatch
{
    /// <summary>Copies the rows <paramref name="order"/>[0 … destination.Rows) of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void Gather<T>(ReadOnlyMatrixSpan<T> source, ReadOnlySpan<int> order, MatrixSpan<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var r = 0; r < destination.Rows; r++)
        {
            source.GetRowSpan(order[r]).CopyTo(destination.GetRowSpan(r));
        }
    }

    /// <summary>A contiguous [rows, columns] view over the start of a buffer (a partial batch is just fewer rows).</summary>
    public static MatrixSpan<T> Rows<T>(Matrix<T> buffer, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        RowStride.View(buffer.DangerousGetStorage(), rows, columns);
}
