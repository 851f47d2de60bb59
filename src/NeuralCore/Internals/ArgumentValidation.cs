using System.Globalization;
using System.Numerics;

namespace NeuralCore.Internals;

/// <summary>Shape and aliasing checks shared by the public entry points (kernels, matrix views, network), done once at the edge.</summary>
internal static class ArgumentValidation
{
    /// <summary>Throws unless <paramref name="path"/> is one of the <see cref="NeuralCore.KernelPath"/> values.</summary>
    public static void KernelPath(NeuralCore.KernelPath path, string paramName)
    {
        if ((uint)path > (uint)NeuralCore.KernelPath.Vector512)
        {
            ThrowHelper.ThrowArgumentOutOfRange(paramName, string.Create(CultureInfo.InvariantCulture, $"{paramName} must be a kernel path, {NeuralCore.KernelPath.Reference} … {NeuralCore.KernelPath.Vector512}; got {(int)path}."));
        }
    }

    public static void SameShape<T>(ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, string xName, string yName)
    {
        if (x.Rows != y.Rows || x.Columns != y.Columns)
        {
            ThrowHelper.ThrowArgument(yName, $"{yName} must have the shape of {xName}, {x.Rows}×{x.Columns}; got {y.Rows}×{y.Columns}.");
        }
    }

    public static void SameShape<T>(ReadOnlyMatrixSpan<T> x, MatrixSpan<T> y, string xName, string yName) =>
        SameShape(x, y.AsReadOnly(), xName, yName);

    /// <summary>
    /// The target of <paramref name="loss"/> for <paramref name="prediction"/>: its shape, or for class ids
    /// (<see cref="Loss.TargetsAreClassIds"/>) one column of valid ids per row.
    /// </summary>
    public static void LossTarget<T>(Loss loss, ReadOnlyMatrixSpan<T> prediction, ReadOnlyMatrixSpan<T> target, string predictionName, string targetName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!loss.TargetsAreClassIds)
        {
            SameShape(prediction, target, predictionName, targetName);
            return;
        }

        if (target.Rows != prediction.Rows || target.Columns != 1)
        {
            ThrowHelper.ThrowArgument(
                targetName,
                $"{targetName} must be {prediction.Rows}×1 for {loss}, one class id per row of {predictionName} ({prediction.Rows}×{prediction.Columns}); got {target.Rows}×{target.Columns}.");
        }

        ClassIds(target, prediction.Columns, targetName);
    }

    /// <summary>Each row of the one-column <paramref name="ids"/> must be an integer in [0, <paramref name="classes"/>) (so not NaN or ±∞).</summary>
    public static void ClassIds<T>(ReadOnlyMatrixSpan<T> ids, int classes, string paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var limit = T.CreateTruncating(classes);
        for (var r = 0; r < ids.Rows; r++)
        {
            var id = ids[r, 0];
            if (!(T.IsInteger(id) && id >= T.Zero && id < limit))
            {
                ThrowClassId(paramName, r, double.CreateTruncating(id), classes);
            }
        }
    }

    private static void ThrowClassId(string paramName, int row, double id, int classes) =>
        ThrowHelper.ThrowArgument(
            paramName,
            string.Create(
                CultureInfo.InvariantCulture,
                $"{paramName} must hold class ids, integers from 0 to {classes - 1} for the C = {classes} classes (output columns); row {row} holds {id}."));

    /// <summary>In-place (the very same view) is allowed; any other overlap is not.</summary>
    public static void SameOrDisjoint<T>(ReadOnlyMatrixSpan<T> input, MatrixSpan<T> output, string inputName, string outputName)
    {
        var i = input.DangerousGetSpan();
        var o = output.AsReadOnly().DangerousGetSpan();
        if (i.Overlaps(o, out var offset) && !(offset == 0 && input.Stride == output.Stride))
        {
            ThrowHelper.ThrowArgument(outputName, $"{outputName} ({output.Shape}) must be either the same view as {inputName} ({input.Shape}) or not overlap it.");
        }
    }

    public static void SameLength<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, string xName, string yName)
    {
        if (x.Length != y.Length)
        {
            ThrowHelper.ThrowArgument(yName, $"{yName} must have the length of {xName}, {x.Length}; got {y.Length}.");
        }
    }

    /// <summary>An output matrix must not share any memory with an input matrix (no in-place use allowed).</summary>
    public static void Disjoint<T>(ReadOnlyMatrixSpan<T> input, MatrixSpan<T> output, string inputName, string outputName)
    {
        if (input.DangerousGetSpan().Overlaps(output.AsReadOnly().DangerousGetSpan()))
        {
            ThrowHelper.ThrowArgument(outputName, $"{outputName} ({output.Shape}) must not overlap {inputName} ({input.Shape}).");
        }
    }

    /// <summary>An output matrix must not share any memory with an input vector (e.g. a bias).</summary>
    public static void Disjoint<T>(ReadOnlySpan<T> input, MatrixSpan<T> output, string inputName, string outputName)
    {
        if (input.Overlaps(output.AsReadOnly().DangerousGetSpan()))
        {
            ThrowHelper.ThrowArgument(outputName, $"{outputName} ({output.Shape}) must not overlap {inputName} (length {input.Length}).");
        }
    }

    /// <summary>Two spans that are both written, or one read while the other is written out of order, must not share memory.</summary>
    public static void Disjoint<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, string xName, string yName)
    {
        if (x.Overlaps(y))
        {
            ThrowHelper.ThrowArgument(yName, $"{yName} (length {y.Length}) must not overlap {xName} (length {x.Length}).");
        }
    }

    /// <summary>The very same span (in place) is allowed; any other overlap is not.</summary>
    public static void SameOrDisjoint<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> output, string inputName, string outputName)
    {
        if (input.Overlaps(output, out var offset) && !(offset == 0 && input.Length == output.Length))
        {
            ThrowHelper.ThrowArgument(outputName, $"{outputName} (length {output.Length}) must be either the same span as {inputName} (length {input.Length}) or not overlap it.");
        }
    }
}
