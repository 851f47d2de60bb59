using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Network.Internals;

/// <summary>Classification accuracy: one output is a class by <c>value ≥ 0.5</c>, several by arg-max (first maximum wins).</summary>
internal static class Metrics
{
    /// <summary>Counts the rows whose predicted class matches the target's, on the given kernel path.</summary>
    /// <remarks>
    /// The single-output case runs once per training step over the whole batch, so for tiny nets it is a visible
    /// share of an epoch; with contiguous columns it is vectorised (compare, xor, pop-count).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountCorrect<T>(ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
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

    /// <summary>Counts i with <c>(p[i] ≥ ½) == (t[i] ≥ ½)</c>; NaN compares false on both paths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountThresholdAgreement<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> t, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var half = T.CreateTruncating(0.5);
        ref var pr = ref MemoryMarshal.GetReference(p);
        ref var tr = ref MemoryMarshal.GetReference(t);
        var length = p.Length;
        var disagree = 0;
        var i = 0;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            var h = Vector512.Create(half);
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var differ = Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref pr, (nuint)i), h) ^ Vector512.GreaterThanOrEqual(Vector512.LoadUnsafe(ref tr, (nuint)i), h);
                disagree += BitOperations.PopCount(differ.ExtractMostSignificantBits());
            }
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            var h = Vector256.Create(half);
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var differ = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref pr, (nuint)i), h) ^ Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref tr, (nuint)i), h);
                disagree += BitOperations.PopCount(differ.ExtractMostSignificantBits());
            }
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            var h = Vector128.Create(half);
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                var differ = Vector128.GreaterThanOrEqual(Vector128.LoadUnsafe(ref pr, (nuint)i), h) ^ Vector128.GreaterThanOrEqual(Vector128.LoadUnsafe(ref tr, (nuint)i), h);
                disagree += BitOperations.PopCount(differ.ExtractMostSignificantBits());
            }
        }

        for (; i < length; i++)
        {
            disagree += (Unsafe.Add(ref pr, i) >= half) != (Unsafe.Add(ref tr, i) >= half) ? 1 : 0;
        }

        return length - disagree;
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
