using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals.Elementwise;

namespace NeuralCore.Network.Internals;

/// <summary>
/// Classification accuracy: one output is a class by <c>value ≥ 0.5</c>, several by arg-max (first maximum wins);
/// a class-id target (<see cref="Loss.TargetsAreClassIds"/>) is its own class.
/// </summary>
internal static class Metrics
{
    /// <summary>Counts the rows whose predicted class matches the target's, on the given kernel path.</summary>
    /// <remarks>
    /// The single-output case runs once per training step over the whole batch, so for tiny nets it is a visible
    /// share of an epoch; with contiguous columns it is vectorised (compare, xor, pop-count).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountCorrect<T>(ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target, KernelPath path, bool targetsAreClassIds = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (targetsAreClassIds)
        {
            return CountCorrectIds(prediction, target);
        }

        if (prediction.Columns == 1 && path != KernelPath.Reference && prediction.IsContiguous && target.IsContiguous)
        {
            return CountThresholdAgreement(
                MemoryMarshal.CreateReadOnlySpan(ref prediction.DangerousGetReference(), prediction.Rows),
                MemoryMarshal.CreateReadOnlySpan(ref target.DangerousGetReference(), target.Rows),
                path);
        }

        return CountCorrectReference(prediction, target);
    }

    /// <summary>The scalar reference, straight from the definition.</summary>
    public static int CountCorrectReference<T>(ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var correct = 0;
        for (var r = 0; r < prediction.Rows; r++)
        {
            correct += ClassOf(prediction.GetRowSpan(r)) == ClassOf(target.GetRowSpan(r)) ? 1 : 0;
        }

        return correct;
    }

    /// <summary>Counts the rows whose arg-max is the row's class id (validated: an integer in [0, C)).</summary>
    public static int CountCorrectIds<T>(ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> ids)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var correct = 0;
        for (var r = 0; r < prediction.Rows; r++)
        {
            correct += ArgMax(prediction.GetRowSpan(r)) == int.CreateTruncating(ids[r, 0]) ? 1 : 0;
        }

        return correct;
    }

    /// <summary>Counts i with <c>(p[i] ≥ ½) == (t[i] ≥ ½)</c>; NaN compares false on both paths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountThresholdAgreement<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> t, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = new ThresholdDisagreementKernel<T>(ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(t));
        ElementwiseDriver.Run<T, ThresholdDisagreementKernel<T>>(ref kernel, p.Length, path);
        return p.Length - kernel.Result;
    }

    /// <summary>The class of one row: for one column 1 when value ≥ 0.5 (NaN is 0), otherwise the arg-max.</summary>
    public static int ClassOf<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        row.Length == 1 ? (row[0] >= T.CreateTruncating(0.5) ? 1 : 0) : ArgMax(row);

    public static int ArgMax<T>(ReadOnlySpan<T> values)
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
