using System.Numerics;

namespace NeuralCore.Network.Internals;

/// <summary>Classification accuracy: one output is a class by <c>value ≥ 0.5</c>, several by arg-max (first maximum wins).</summary>
internal static class Metrics
{
    public static int CountCorrect<T>(ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var correct = 0;
        var half = T.CreateTruncating(0.5);
        for (var r = 0; r < prediction.Rows; r++)
        {
            var p = prediction.GetRowSpan(r);
            var t = target.GetRowSpan(r);
            if (p.Length == 1)
            {
                correct += (p[0] >= half) == (t[0] >= half) ? 1 : 0;
            }
            else
            {
                correct += ArgMax(p) == ArgMax(t) ? 1 : 0;
            }
        }

        return correct;
    }

    private static int ArgMax<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
