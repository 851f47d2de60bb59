using NeuralCore.IO.Internals;

namespace NeuralCore.IO;

/// <summary>
/// Reads and writes single NumPy <c>.npy</c> arrays, 1-D or 2-D: float32, float64 or uint8 (read and written,
/// little-endian), and the other integer dtypes int8 … uint64 (read only, either byte order, as float or double
/// values with <see cref="NpyConversion.AllowIntegers"/>: class ids, counts).
/// </summary>
/// <remarks>
/// <para>Reading accepts format versions 1.0, 2.0 and 3.0 and both C and Fortran order. Writing produces version 1.0
/// in C order, byte-identical to <c>np.save</c> (NumPy 1.24) of the same array. Anything else (other dtypes,
/// big-endian floats, 0-D or 3-D arrays, object arrays, a truncated file, a wrong magic, a header whose shape does
/// not match the data length) throws an <see cref="NpyFormatException"/> naming the file.</para>
/// <para>Writes to a path go through <see cref="AtomicFile"/>: a failure leaves any existing file untouched.</para>
/// </remarks>
public static class Npy
{
    /// <summary>Reads the array in the file at <paramref name="path"/>; the file must hold exactly one array.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The array.</returns>
    /// <exception cref="NpyFormatException">The file is not a supported <c>.npy</c> array.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return NpyCodec.Read(stream, path, requireEnd: true);
    }

    /// <summary>Reads one array from <paramref name="stream"/> and leaves the stream just after its data.</summary>
    /// <param name="stream">The stream (need not be seekable).</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <returns>The array.</returns>
    /// <exception cref="NpyFormatException">The stream does not hold a supported <c>.npy</c> array.</exception>
    public static NpyArray Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return NpyCodec.Read(stream, sourceName ?? "<stream>", requireEnd: false);
    }

    /// <summary>Reads the array at <paramref name="path"/> into a new matrix.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/> or <see cref="byte"/>.</typeparam>
    /// <param name="path">The file path.</param>
    /// <param name="vectorShape">How a 1-D array becomes a matrix; <see cref="NpyVectorShape.Reject"/> requires a 2-D array.</param>
    /// <param name="conversion">Whether float32 ↔ float64 conversion, and exact integer → float conversion, are allowed.</param>
    /// <returns>A new matrix; dispose it.</returns>
    /// <exception cref="NpyFormatException">The file is not a supported array, or its dtype/shape does not fit the request.</exception>
    public static Matrix<T> ReadMatrix<T>(string path, NpyVectorShape vectorShape = NpyVectorShape.Reject, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged =>
        Read(path).ToMatrix<T>(vectorShape, conversion);

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file path; an existing file is replaced only once the new one is complete.</param>
    /// <param name="array">The array.</param>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, array, static (stream, a) => NpyCodec.Write(stream, a));
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="stream"/> at its current position.</summary>
    /// <param name="stream">The destination stream.</param>
    /// <param name="array">The array.</param>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        NpyCodec.Write(stream, array);
    }

    /// <summary>Writes a matrix as a 2-D array to <paramref name="path"/> atomically.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/> or <see cref="byte"/>.</typeparam>
    /// <param name="path">The file path.</param>
    /// <param name="values">The matrix. Shape: [rows, columns].</param>
    public static void Write<T>(string path, ReadOnlyMatrixSpan<T> values)
        where T : unmanaged =>
        Write(path, NpyArray.FromMatrix(values));

    /// <summary>Writes a span as a 1-D array to <paramref name="path"/> atomically.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/> or <see cref="byte"/>.</typeparam>
    /// <param name="path">The file path.</param>
    /// <param name="values">The elements.</param>
    public static void Write<T>(string path, ReadOnlySpan<T> values)
        where T : unmanaged =>
        Write(path, NpyArray.FromSpan(values));
}
