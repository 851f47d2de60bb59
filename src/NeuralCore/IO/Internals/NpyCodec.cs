using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NeuralCore.IO.Internals;

/// <summary>Reads and writes one array in the <c>.npy</c> format (shared by <see cref="Npy"/> and <see cref="Npz"/>).</summary>
internal static class NpyCodec
{
    /// <summary>Reads one array; with <paramref name="requireEnd"/> the stream must end right after the data.</summary>
    public static NpyArray Read(Stream stream, string source, bool requireEnd)
    {
        if (!BitConverter.IsLittleEndian)
        {
            // .NET runs on little-endian hardware only today; fail loudly rather than misread data if that changes.
            throw new PlatformNotSupportedException("NumPy file support assumes a little-endian host.");
        }

        var header = NpyHeader.Read(stream, source);
        var itemSize = NpyHeader.ItemSize(header.DType);
        long count = 1;
        foreach (var dimension in header.Shape)
        {
            count *= dimension;
        }

        // Shape and descr text only for the messages: formatting them for every array was JIT and allocation on each load.
        string Described() => $"shape {NpyHeader.FormatShape(header.Shape)} of '{NpyHeader.Descr(header.DType)}'";
        // Each dimension is at most Array.MaxLength, so the count fits a long; the byte count might not.
        if (count > Array.MaxLength / itemSize)
        {
            throw new NpyFormatException(source, $"{Described()} needs {(decimal)count * itemSize} bytes, more than one array can hold.");
        }

        var byteCount = count * itemSize;

        var data = ReadData(stream, (int)byteCount, out var read);
        if (data is null)
        {
            throw new NpyFormatException(source, string.Create(
                CultureInfo.InvariantCulture,
                $"the header promises {Described()} ({byteCount} data bytes), but the file has only {read} data bytes."));
        }

        if (requireEnd)
        {
            if (HasMoreBytes(stream))
            {
                var extra = stream.CanSeek ? $"{stream.Length - stream.Position + 1} more bytes" : "more bytes";
                throw new NpyFormatException(source, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the header promises {Described()} ({byteCount} data bytes), but {extra} follow the data."));
            }
        }

        if (header.BigEndian)
        {
            // NpyArray holds little-endian data whatever the file's order (only integers get here big-endian).
            SwapBytes(data, itemSize);
        }

        if (header.FortranOrder && header.Shape.Length == 2)
        {
            data = FortranToC(data, header.Shape[0], header.Shape[1], itemSize);
        }

        return new NpyArray(header.DType, header.Shape, data, source);
    }

    /// <summary>
    /// Whether <paramref name="stream"/> has a byte left. Out of <see cref="Read"/>: a stackalloc in a method with loops
    /// makes the JIT compile it fully optimised on first call (no on-stack replacement for it), 5 ms of a cold start.
    /// </summary>
    private static bool HasMoreBytes(Stream stream)
    {
        Span<byte> probe = stackalloc byte[1];
        return stream.Read(probe) > 0;
    }

    public static void Write(Stream stream, NpyArray array)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("NumPy file support assumes a little-endian host.");
        }

        stream.Write(NpyHeader.Format(array.DType, array.Shape));
        stream.Write(array.DataBytes);
    }

    /// <summary>
    /// Reads up to <paramref name="byteCount"/> data bytes. The header's promise is not trusted: a seekable stream
    /// is checked against the bytes that remain and then read with one exact allocation; any other stream (a
    /// compressed <c>.npz</c> member) is read in chunks that double from 1 MB, so a lying shape costs at most about
    /// twice the bytes really there (and 1 MB).
    /// </summary>
    private static byte[]? ReadData(Stream stream, int byteCount, out long available)
    {
        const int Chunk = 1 << 20;
        if (stream.CanSeek)
        {
            available = Math.Max(0, stream.Length - stream.Position);
            if (available < byteCount)
            {
                return null;
            }

            // The bytes are there: one exact allocation, as before the chunked path existed.
            var exact = GC.AllocateUninitializedArray<byte>(byteCount);
            var got = stream.ReadAtLeast(exact, byteCount, throwOnEndOfStream: false);
            available = got;
            return got == byteCount ? exact : null;
        }

        var data = GC.AllocateUninitializedArray<byte>(Math.Min(byteCount, Chunk));
        var read = 0;
        while (true)
        {
            read += stream.ReadAtLeast(data.AsSpan(read), data.Length - read, throwOnEndOfStream: false);
            available = read;
            if (read < data.Length)
            {
                return null;
            }

            if (data.Length == byteCount)
            {
                return data;
            }

            Array.Resize(ref data, (int)Math.Min(byteCount, 2L * data.Length));
        }
    }

    /// <summary>Turns big-endian elements of <paramref name="itemSize"/> bytes into little-endian ones, in place.</summary>
    private static void SwapBytes(byte[] data, int itemSize)
    {
        switch (itemSize)
        {
            case 2:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(data.AsSpan()), MemoryMarshal.Cast<byte, ushort>(data.AsSpan()));
                break;
            case 4:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(data.AsSpan()), MemoryMarshal.Cast<byte, uint>(data.AsSpan()));
                break;
            case 8:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(data.AsSpan()), MemoryMarshal.Cast<byte, ulong>(data.AsSpan()));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(itemSize), itemSize, "no multi-byte dtype has this item size.");
        }
    }

    /// <summary>Re-orders column-major data (element (i, j) at <c>j·rows + i</c>) into row-major order.</summary>
    private static byte[] FortranToC(byte[] data, int rows, int columns, int itemSize)
    {
        var result = GC.AllocateUninitializedArray<byte>(data.Length);
        switch (itemSize)
        {
            case 1:
                Transpose<byte>(data, result, rows, columns);
                break;
            case 2:
                Transpose(MemoryMarshal.Cast<byte, ushort>(data.AsSpan()), MemoryMarshal.Cast<byte, ushort>(result.AsSpan()), rows, columns);
                break;
            case 4:
                Transpose(MemoryMarshal.Cast<byte, uint>(data.AsSpan()), MemoryMarshal.Cast<byte, uint>(result.AsSpan()), rows, columns);
                break;
            case 8:
                Transpose(MemoryMarshal.Cast<byte, ulong>(data.AsSpan()), MemoryMarshal.Cast<byte, ulong>(result.AsSpan()), rows, columns);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(itemSize), itemSize, "no dtype has this item size.");
        }

        return result;
    }

    // Bit patterns are moved as integers so NaN payloads survive unchanged. The Fortran-order data is the
    // transpose's row-major layout: a columns × rows matrix.
    private static void Transpose<TBits>(ReadOnlySpan<TBits> columnMajor, Span<TBits> rowMajor, int rows, int columns)
        where TBits : unmanaged =>
        new ReadOnlyMatrixSpan<TBits>(columnMajor, columns, rows).TransposeTo(new MatrixSpan<TBits>(rowMajor, rows, columns));
}
