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

        var shapeText = NpyHeader.FormatShape(header.Shape);
        var descr = NpyHeader.Descr(header.DType);
        var byteCount = count * itemSize;
        if (byteCount > Array.MaxLength)
        {
            throw new NpyFormatException(source, $"shape {shapeText} of '{descr}' needs {byteCount} bytes, more than one array can hold.");
        }

        var data = GC.AllocateUninitializedArray<byte>((int)byteCount);
        var read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
        {
            throw new NpyFormatException(source, string.Create(
                CultureInfo.InvariantCulture,
                $"the header promises shape {shapeText} of '{descr}' ({byteCount} data bytes), but the file has only {read} data bytes."));
        }

        if (requireEnd)
        {
            Span<byte> probe = stackalloc byte[1];
            if (stream.Read(probe) > 0)
            {
                var extra = stream.CanSeek ? $"{stream.Length - stream.Position + 1} more bytes" : "more bytes";
                throw new NpyFormatException(source, string.Create(
                    CultureInfo.InvariantCulture,
                    $"the header promises shape {shapeText} of '{descr}' ({byteCount} data bytes), but {extra} follow the data."));
            }
        }

        if (header.FortranOrder && header.Shape.Length == 2)
        {
            data = FortranToC(data, header.Shape[0], header.Shape[1], header.DType);
        }

        return new NpyArray(header.DType, header.Shape, data, source);
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

    /// <summary>Re-orders column-major data (element (i, j) at <c>j·rows + i</c>) into row-major order.</summary>
    private static byte[] FortranToC(byte[] data, int rows, int columns, NpyDType dtype)
    {
        var result = GC.AllocateUninitializedArray<byte>(data.Length);
        switch (dtype)
        {
            case NpyDType.Float32:
                Transpose(MemoryMarshal.Cast<byte, uint>(data.AsSpan()), MemoryMarshal.Cast<byte, uint>(result.AsSpan()), rows, columns);
                break;
            case NpyDType.Float64:
                Transpose(MemoryMarshal.Cast<byte, ulong>(data.AsSpan()), MemoryMarshal.Cast<byte, ulong>(result.AsSpan()), rows, columns);
                break;
            default:
                Transpose<byte>(data, result, rows, columns);
                break;
        }

        return result;
    }

    // Bit patterns are moved as integers so NaN payloads survive unchanged. The Fortran-order data is the
    // transpose's row-major layout: a columns × rows matrix.
    private static void Transpose<TBits>(ReadOnlySpan<TBits> columnMajor, Span<TBits> rowMajor, int rows, int columns)
        where TBits : unmanaged =>
        new ReadOnlyMatrixSpan<TBits>(columnMajor, columns, rows).TransposeTo(new MatrixSpan<TBits>(rowMajor, rows, columns));
}
