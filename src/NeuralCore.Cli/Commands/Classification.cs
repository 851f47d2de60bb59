using System.Numerics;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// Which class a row of outputs or targets stands for, the rule of the library's accuracy: the largest of several
/// columns, or for one column the 0.5 threshold (a sigmoid probability or a 0/1 target) — or the id itself when the
/// column holds class ids.
/// </summary>
internal static class Classification
{
    /// <summary>The class of one output row; NaN when the row holds a NaN (an input passed through with --allow-nonfinite).</summary>
    public static double ClassOf<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (row.Length == 1)
        {
            return T.IsNaN(row[0]) ? double.NaN : row[0] >= T.CreateTruncating(0.5) ? 1 : 0;
        }

        var best = 0;
        for (var j = 0; j < row.Length; j++)
        {
            if (T.IsNaN(row[j]))
            {
                return double.NaN;
            }

            if (row[j] > row[best])
            {
                best = j;
            }
        }

        return best;
    }

    /// <summary>The class of one target row: the id for class-id targets, otherwise as <see cref="ClassOf{T}"/>.</summary>
    public static int TargetClass<T>(ReadOnlySpan<T> row, bool classIds)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        return classIds ? int.CreateTruncating(row[0]) : (int)ClassOf(row);
    }

    /// <summary>Whether a loss makes the outputs class scores (the classification losses: sigmoid or softmax outputs).</summary>
    public static bool IsClassification(Loss loss) => loss.RequiredOutput is not null;
}
