using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals;

namespace NeuralCore;

/// <summary>
/// An owning, row-major matrix over pooled, pinned, 64-byte-aligned memory. Dispose it to return the memory.
/// </summary>
/// <remarks>
/// The logical shape (<see cref="Rows"/> × <see cref="Columns"/>, <see cref="Stride"/>) is separate from the rented
/// capacity, which is rounded up to a pool bucket. Rows are contiguous unless a wider stride is requested; a stride
/// that is a multiple of 64 bytes keeps every row aligned. Views (<see cref="Span"/>) are cheap and must not outlive
/// the matrix.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed class Matrix<T> : IDisposable
    where T : unmanaged
{
    private T[]? _array;
    private readonly int _offset;

    /// <summary>Rents a <paramref name="rows"/> × <paramref name="columns"/> matrix, zero-filled.</summary>
    /// <param name="rows">The number of rows (≥ 0).</param>
    /// <param name="columns">The number of columns (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public Matrix(int rows, int columns)
        : this(rows, columns, columns)
    {
    }

    /// <summary>Rents a <paramref name="rows"/> × <paramref name="columns"/> matrix with the given row stride, zero-filled.</summary>
    /// <param name="rows">The number of rows (≥ 0).</param>
    /// <param name="columns">The number of columns (≥ 0).</param>
    /// <param name="stride">Elements between row starts (≥ <paramref name="columns"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or the stride is smaller than the column count.</exception>
    public Matrix(int rows, int columns, int stride)
    {
        if (rows < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(rows), $"rows must be ≥ 0; got {rows}.");
        }

        if (columns < 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(columns), $"columns must be ≥ 0; got {columns}.");
        }

        if (stride < columns)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(stride), $"stride must be ≥ columns ({columns}); got {stride}.");
        }

        Rows = rows;
        Columns = columns;
        Stride = stride;
        var length = checked((int)Math.Max(1, (long)rows * stride));
        _array = AlignedMemoryPool<T>.Rent(length, out _offset);
        Capacity = _array.Length - _offset;
        _array.AsSpan(_offset, length).Clear();
    }

    /// <summary>Creates a matrix holding a copy of <paramref name="values"/> (row-major, <c>rows·columns</c> elements).</summary>
    /// <param name="values">The elements, row after row.</param>
    /// <param name="rows">The number of rows.</param>
    /// <param name="columns">The number of columns.</param>
    /// <returns>The new matrix; dispose it.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold <c>rows·columns</c> elements.</exception>
    public static Matrix<T> FromSpan(ReadOnlySpan<T> values, int rows, int columns)
    {
        if (rows < 0 || columns < 0 || values.Length != (long)rows * columns)
        {
            ThrowHelper.ThrowArgument(nameof(values), $"A {rows}×{columns} matrix needs {(long)rows * columns} values; got {values.Length}.");
        }

        var matrix = new Matrix<T>(rows, columns);
        values.CopyTo(matrix.DangerousGetStorage());
        return matrix;
    }

    /// <summary>Creates a matrix holding a copy of a rectangular array.</summary>
    /// <param name="values">The elements; <c>values[r, c]</c> becomes element (r, c).</param>
    /// <returns>The new matrix; dispose it.</returns>
    public static Matrix<T> FromArray(T[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var rows = values.GetLength(0);
        var columns = values.GetLength(1);
        var flat = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(values)), values.Length);
        return FromSpan(flat, rows, columns);
    }

    /// <summary>Creates a matrix holding a copy of <paramref name="source"/>.</summary>
    /// <param name="source">The view to copy.</param>
    /// <returns>The new matrix; dispose it.</returns>
    public static Matrix<T> CopyOf(ReadOnlyMatrixSpan<T> source)
    {
        var matrix = new Matrix<T>(source.Rows, source.Columns);
        source.CopyTo(matrix.Span);
        return matrix;
    }

    /// <summary>The number of rows.</summary>
    public int Rows { get; }

    /// <summary>The number of columns.</summary>
    public int Columns { get; }

    /// <summary>The distance, in elements, between the starts of two consecutive rows.</summary>
    public int Stride { get; }

    /// <summary>The number of aligned elements rented (≥ <c>Rows·Stride</c>).</summary>
    public int Capacity { get; }

    /// <summary>Whether <see cref="Dispose"/> has been called.</summary>
    public bool IsDisposed => _array is null;

    /// <summary>A writable view of the whole matrix.</summary>
    /// <exception cref="ObjectDisposedException">The matrix was disposed.</exception>
    public MatrixSpan<T> Span => new(ref Reference, Rows, Columns, Stride);

    /// <summary>A read-only view of the whole matrix.</summary>
    /// <exception cref="ObjectDisposedException">The matrix was disposed.</exception>
    public ReadOnlyMatrixSpan<T> ReadOnlySpan => new(ref Reference, Rows, Columns, Stride);

    /// <summary>Gets the element at (<paramref name="row"/>, <paramref name="column"/>), bounds-checked.</summary>
    /// <param name="row">The row index.</param>
    /// <param name="column">The column index.</param>
    public ref T this[int row, int column] => ref Span[row, column];

    private ref T Reference
    {
        get
        {
            var array = _array;
            if (array is null)
            {
                ThrowHelper.ThrowObjectDisposed(nameof(Matrix<T>));
            }

            return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), _offset);
        }
    }

    /// <summary>The <c>Rows·Stride</c> elements behind the matrix as one span (row padding included).</summary>
    /// <returns>The storage span.</returns>
    public Span<T> DangerousGetStorage() => MemoryMarshal.CreateSpan(ref Reference, Rows * Stride);

    /// <summary>Copies the elements, row by row, into a new array (for tests and I/O, not hot paths).</summary>
    /// <returns>A new array of <c>Rows·Columns</c> elements.</returns>
    public T[] ToArray() => ReadOnlySpan.ToArray();

    /// <summary>Returns the memory to the pool. Views taken earlier must no longer be used.</summary>
    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            AlignedMemoryPool<T>.Return(array);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Matrix<{typeof(T).Name}>[{MatrixLayout.Describe(Rows, Columns, Stride)}]";
}
