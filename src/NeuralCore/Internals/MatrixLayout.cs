using System.Globalization;
using System.Runtime.CompilerServices;

namespace NeuralCore.Internals;

/// <summary>Shape validation shared by the matrix views (validated once at the public edge).</summary>
internal static class MatrixLayout
{
    public static void Validate(int length, int rows, int columns, int stride, string paramName)
    {
        if (rows < 0 || columns < 0)
        {
            ThrowHelper.ThrowArgument(paramName, $"Matrix dimensions must be non-negative; got {rows}×{columns}.");
        }

        if (stride < columns)
        {
            ThrowHelper.ThrowArgument(nameof(stride), $"Stride must be at least the column count {columns}; got {stride}.");
        }

        var required = RequiredLength(rows, columns, stride);
        if (length < required)
        {
            ThrowHelper.ThrowArgument(paramName, $"A {Describe(rows, columns, stride)} matrix needs {required} elements; the span has {length}.");
        }
    }

    /// <summary>The elements a view needs: <c>(rows-1)·stride + columns</c>, or 0 when it is empty.</summary>
    public static long RequiredLength(int rows, int columns, int stride) =>
        rows == 0 || columns == 0 ? 0 : ((long)(rows - 1) * stride) + columns;

    public static string Describe(int rows, int columns, int stride) =>
        stride == columns || rows <= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{rows}×{columns}")
            : string.Create(CultureInfo.InvariantCulture, $"{rows}×{columns} (stride {stride})");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckIndex(int row, int column, int rows, int columns)
    {
        if ((uint)row >= (uint)rows)
        {
            ThrowHelper.ThrowIndexOutOfRange(nameof(row), row, rows);
        }

        if ((uint)column >= (uint)columns)
        {
            ThrowHelper.ThrowIndexOutOfRange(nameof(column), column, columns);
        }
    }

    public static void CheckRange(int start, int count, int length, string startName, string countName)
    {
        if ((uint)start > (uint)length)
        {
            ThrowHelper.ThrowArgumentOutOfRange(startName, $"{startName} must be in [0, {length}]; got {start}.");
        }

        if ((uint)count > (uint)(length - start))
        {
            ThrowHelper.ThrowArgumentOutOfRange(countName, $"{countName} must be in [0, {length - start}] for a start of {start} in a dimension of {length}; got {count}.");
        }
    }
}
