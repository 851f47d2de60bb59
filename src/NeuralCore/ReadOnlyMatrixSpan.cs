using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals;

namespace NeuralCore;

/// <summary>
/// A read-only, row-major 2-D view over contiguous memory: <see cref="Rows"/> rows of <see cref="Columns"/>
/// elements, row <c>r</c> starting <c>r·Stride</c> elements after the first.
/// </summary>
/// <remarks>
/// <code>
///   Stride
///   |&lt;------------------------&gt;|
///   [c0 c1 ... c(Columns-1)] pad  ← row 0
///   [c0 c1 ... c(Columns-1)] pad  ← row 1
/// </code>
/// The last row needs only <see cref="Columns"/> elements, so a view over <c>(Rows-1)·Stride + Columns</c>
/// elements is valid.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
[DebuggerDisplay("{ToString(),raw}")]
public readonly ref struct ReadOnlyMatrixSpan<T>
{
    private readonly ref T _reference;

    /// <summary>Creates a contiguous view (<c>Stride == columns</c>) over <paramref name="span"/>.</summary>
    /// <param name="span">The memory; must hold at least <c>rows·columns</c> elements.</param>
    /// <param name="rows">The number of rows (≥ 0).</param>
    /// <param name="columns">The number of columns (≥ 0).</param>
    /// <exception cref="ArgumentException">The span is too short or a dimension is negative.</exception>
    public ReadOnlyMatrixSpan(ReadOnlySpan<T> span, int rows, int columns)
        : this(span, rows, columns, columns)
    {
    }

    /// <summary>Creates a strided view over <paramref name="span"/>.</summary>
    /// <param name="span">The memory; must hold at least <c>(rows-1)·stride + columns</c> elements.</param>
    /// <param name="rows">The number of rows (≥ 0).</param>
    /// <param name="columns">The number of columns (≥ 0).</param>
    /// <param name="stride">Elements from the start of one row to the next (≥ <paramref name="columns"/>).</param>
    /// <exception cref="ArgumentException">The span is too short, a dimension is negative or the stride is smaller than the column count.</exception>
    public ReadOnlyMatrixSpan(ReadOnlySpan<T> span, int rows, int columns, int stride)
    {
        MatrixLayout.Validate(span.Length, rows, columns, stride, nameof(span));
        _reference = ref MemoryMarshal.GetReference(span);
        Rows = rows;
        Columns = columns;
        Stride = stride;
    }

    internal ReadOnlyMatrixSpan(ref T reference, int rows, int columns, int stride)
    {
        Debug.Assert(rows >= 0 && columns >= 0 && stride >= columns);
        _reference = ref reference;
        Rows = rows;
        Columns = columns;
        Stride = stride;
    }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The number of columns.</summary>
    public int Columns { get; }

    /// <summary>The distance, in elements, between the starts of two consecutive rows.</summary>
    public int Stride { get; }

    /// <summary>Whether the view holds no element.</summary>
    public bool IsEmpty => Rows == 0 || Columns == 0;

    /// <summary>Whether the rows follow each other without padding (<c>Stride == Columns</c> or a single row).</summary>
    public bool IsContiguous => Stride == Columns || Rows <= 1;

    /// <summary>The number of elements, <c>Rows·Columns</c>.</summary>
    public long Length => (long)Rows * Columns;

    /// <summary>A shape description such as <c>3×4 (stride 8)</c>, used in error messages.</summary>
    public string Shape => MatrixLayout.Describe(Rows, Columns, Stride);

    /// <summary>Gets the element at (<paramref name="row"/>, <paramref name="column"/>), bounds-checked.</summary>
    /// <param name="row">The row index.</param>
    /// <param name="column">The column index.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the view.</exception>
    public ref readonly T this[int row, int column]
    {
        get
        {
            MatrixLayout.CheckIndex(row, column, Rows, Columns);
            return ref Unsafe.Add(ref _reference, (nint)row * Stride + column);
        }
    }

    /// <summary>Returns row <paramref name="row"/> as a span of <see cref="Columns"/> elements.</summary>
    /// <param name="row">The row index.</param>
    /// <returns>The row.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside the view.</exception>
    public ReadOnlySpan<T> GetRowSpan(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            ThrowHelper.ThrowIndexOutOfRange(nameof(row), row, Rows);
        }

        return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref _reference, (nint)row * Stride), Columns);
    }

    /// <summary>Returns the sub-view of rows <c>[start, start+count)</c>.</summary>
    /// <param name="start">The first row.</param>
    /// <param name="count">The number of rows.</param>
    /// <returns>The sub-view, sharing memory with this one.</returns>
    public ReadOnlyMatrixSpan<T> SliceRows(int start, int count) => Slice(start, count, 0, Columns);

    /// <summary>Returns the sub-view of columns <c>[start, start+count)</c>; it keeps this view's stride.</summary>
    /// <param name="start">The first column.</param>
    /// <param name="count">The number of columns.</param>
    /// <returns>The sub-view, sharing memory with this one.</returns>
    public ReadOnlyMatrixSpan<T> SliceColumns(int start, int count) => Slice(0, Rows, start, count);

    /// <summary>Returns the rectangular sub-view starting at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    /// <param name="row">The first row.</param>
    /// <param name="rowCount">The number of rows.</param>
    /// <param name="column">The first column.</param>
    /// <param name="columnCount">The number of columns.</param>
    /// <returns>The sub-view, sharing memory with this one.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the view.</exception>
    public ReadOnlyMatrixSpan<T> Slice(int row, int rowCount, int column, int columnCount)
    {
        MatrixLayout.CheckRange(row, rowCount, Rows, nameof(row), nameof(rowCount));
        MatrixLayout.CheckRange(column, columnCount, Columns, nameof(column), nameof(columnCount));
        ref var start = ref (rowCount == 0 || columnCount == 0)
            ? ref _reference
            : ref Unsafe.Add(ref _reference, (nint)row * Stride + column);
        return new ReadOnlyMatrixSpan<T>(ref start, rowCount, columnCount, Stride);
    }

    /// <summary>Copies the elements into <paramref name="destination"/>, which must have the same shape.</summary>
    /// <param name="destination">The destination view.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyTo(MatrixSpan<T> destination)
    {
        if (destination.Rows != Rows || destination.Columns != Columns)
        {
            ThrowHelper.ThrowShapeMismatch(nameof(destination), Rows, Columns, destination.Rows, destination.Columns);
        }

        for (var r = 0; r < Rows; r++)
        {
            GetRowSpan(r).CopyTo(destination.GetRowSpan(r));
        }
    }

    /// <summary>Writes the transpose into <paramref name="destination"/>: <c>destination[j, i] = this[i, j]</c>.</summary>
    /// <param name="destination">Shape: [Columns, Rows]; must not overlap this view.</param>
    /// <exception cref="ArgumentException">The destination is not Columns × Rows, or it overlaps this view.</exception>
    /// <remarks>
    /// Copied in 32 × 32 tiles so that both the rows read and the rows written stay in cache (a plain double loop
    /// strides the destination by a whole row per element: TLB misses and 4K aliasing on large matrices). Values are
    /// copied as they are, bit for bit (NaN payloads included).
    /// </remarks>
    public void TransposeTo(MatrixSpan<T> destination)
    {
        if (destination.Rows != Columns || destination.Columns != Rows)
        {
            ThrowHelper.ThrowShapeMismatch(nameof(destination), Columns, Rows, destination.Rows, destination.Columns);
        }

        ArgumentValidation.Disjoint(this, destination, "source", nameof(destination));

        const int Tile = 32;
        for (var i0 = 0; i0 < Rows; i0 += Tile)
        {
            var iEnd = Math.Min(i0 + Tile, Rows);
            for (var j0 = 0; j0 < Columns; j0 += Tile)
            {
                var jEnd = Math.Min(j0 + Tile, Columns);
                for (var i = i0; i < iEnd; i++)
                {
                    ref var sourceRow = ref DangerousGetReferenceAt(i, 0);
                    for (var j = j0; j < jEnd; j++)
                    {
                        destination.DangerousGetReferenceAt(j, i) = Unsafe.Add(ref sourceRow, j);
                    }
                }
            }
        }
    }

    /// <summary>Copies the elements, row by row, into a new array (for tests and I/O, not hot paths).</summary>
    /// <returns>A new array of <c>Rows·Columns</c> elements in row-major order.</returns>
    public T[] ToArray()
    {
        var result = new T[checked(Rows * Columns)];
        for (var r = 0; r < Rows; r++)
        {
            GetRowSpan(r).CopyTo(result.AsSpan(r * Columns, Columns));
        }

        return result;
    }

    /// <summary>Returns a reference to the first element, unchecked; for kernels that validated the shape.</summary>
    /// <returns>A reference to element (0, 0), or to where it would be for an empty view.</returns>
    public ref T DangerousGetReference() => ref _reference;

    /// <summary>Returns a reference to element (<paramref name="row"/>, <paramref name="column"/>) without bounds checks.</summary>
    /// <param name="row">The row index.</param>
    /// <param name="column">The column index.</param>
    /// <returns>A reference to the element.</returns>
    public ref T DangerousGetReferenceAt(int row, int column) => ref Unsafe.Add(ref _reference, (nint)row * Stride + column);

    /// <summary>Returns the view's memory as one span of <c>(Rows-1)·Stride + Columns</c> elements (padding included).</summary>
    /// <returns>The span.</returns>
    public ReadOnlySpan<T> DangerousGetSpan() =>
        MemoryMarshal.CreateReadOnlySpan(ref _reference, IsEmpty ? 0 : checked(((Rows - 1) * Stride) + Columns));

    /// <inheritdoc/>
    public override string ToString() => $"ReadOnlyMatrixSpan<{typeof(T).Name}>[{Shape}]";
}
