using System.Numerics;
using NeuralCore.Internals;
using NeuralCore.Internals.Elementwise;

namespace NeuralCore.Network.Internals;

/// <summary>Checks done once at the public edge of the network API, with messages that name the argument and the expected vs actual value.</summary>
internal static class DataValidation
{
    /// <summary>Rejects NaN or ±∞, naming the first bad row and column.</summary>
    public static void RequireFinite<T>(ReadOnlyMatrixSpan<T> data, string paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // One vectorised scan over contiguous data (the kernel the per-epoch divergence check uses): per-row calls on a [900, 2] batch would cost ~10 µs, twice a
        // whole moons epoch's budget. The row/column search only runs to report a culprit.
        if (data.IsContiguous && FiniteKernel<T>.All(data.DangerousGetSpan(), Kernels.Default))
        {
            return;
        }

        for (var r = 0; r < data.Rows; r++)
        {
            var row = data.GetRowSpan(r);
            // The vectorised "all finite" test is the fast path; the element loop only runs to report the culprit.
            if (!FiniteKernel<T>.All(row, Kernels.Default))
            {
                for (var c = 0; c < row.Length; c++)
                {
                    if (!T.IsFinite(row[c]))
                    {
                        throw new ArgumentException(
                            $"{paramName} must hold finite values only; found {row[c]} at row {r}, column {c}.", paramName);
                    }
                }
            }
        }
    }

    /// <summary>Rejects NaN or ±∞ in a vector, naming the index.</summary>
    public static void RequireFinite<T>(ReadOnlySpan<T> data, string paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!FiniteKernel<T>.All(data, Kernels.Default))
        {
            for (var i = 0; i < data.Length; i++)
            {
                if (!T.IsFinite(data[i]))
                {
                    throw new ArgumentException($"{paramName} must hold finite values only; found {data[i]} at index {i}.", paramName);
                }
            }
        }
    }

    /// <summary>
    /// The checks of a training or evaluation set at the public edge: non-empty, the network's input width, the target
    /// width <paramref name="loss"/> asks for, one target row per sample, finite values (class ids for the class-id
    /// losses), in this order, so the first problem found is the one reported.
    /// </summary>
    public static void RequireSamples<T>(NeuralNetwork<T> network, Loss loss, ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, string xName, string yName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        network.ThrowIfDisposed();
        RequireNonEmpty(x.Rows, xName);
        RequireColumns(x.Columns, network.InputSize, xName, "the network's input size, input_dim of layer 0");
        RequireTargetColumns(y.Columns, loss, network.OutputSize, yName);
        RequireSameRows(x.Rows, y.Rows, xName, yName);
        RequireFinite(x, xName);
        RequireTargets(y, loss, network.OutputSize, yName);
    }

    /// <summary>The target width <paramref name="loss"/> asks for (<see cref="Loss.TargetColumns"/>), named for what it is.</summary>
    public static void RequireTargetColumns(int actual, Loss loss, int outputSize, string paramName)
    {
        // The message is built only on failure: this runs on every training step.
        var expected = loss.TargetColumns(outputSize);
        if (actual != expected)
        {
            RequireColumns(
                actual,
                expected,
                paramName,
                loss.TargetsAreClassIds ? $"one class id per sample for {loss}" : "the network's output size, output_dim of the last layer");
        }
    }

    /// <summary>Targets hold finite values, or for class-id losses integers in [0, <paramref name="outputSize"/>) (the message names the row, the value and C).</summary>
    public static void RequireTargets<T>(ReadOnlyMatrixSpan<T> y, Loss loss, int outputSize, string paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (loss.TargetsAreClassIds)
        {
            ArgumentValidation.ClassIds(y, outputSize, paramName);
            return;
        }

        RequireFinite(y, paramName);
    }

    public static void RequireColumns(int actual, int expected, string paramName, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{paramName} must have {expected} columns ({what}); got {actual}.", paramName);
        }
    }

    public static void RequireSameRows(int xRows, int yRows, string xName, string yName)
    {
        if (xRows != yRows)
        {
            throw new ArgumentException($"{yName} must have one row per row of {xName} ({xRows}); got {yRows}.", yName);
        }
    }

    public static void RequireNonEmpty(int rows, string paramName)
    {
        if (rows == 0)
        {
            throw new ArgumentException($"{paramName} must hold at least one sample (row); got 0.", paramName);
        }
    }
}
