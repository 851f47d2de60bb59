using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using NeuralCore.IO.Internals;

namespace NeuralCore.IO;

/// <summary>
/// A 1-D or 2-D NumPy array in memory: its <see cref="DType"/>, <see cref="Shape"/> and little-endian data in C
/// (row-major) order. Read one with <see cref="Npy"/> or <see cref="Npz"/>; make one from a span or a matrix view
/// with <see cref="FromSpan{T}"/> / <see cref="FromMatrix{T}"/>.
/// </summary>
/// <remarks>
/// <para>An array read from a Fortran-order file is already transposed into C order here, so <see cref="Shape"/>
/// and element order always mean what they mean in NumPy.</para>
/// <para>Element access is typed and checked: <c>T</c> must be <see cref="float"/>, <see cref="double"/> or
/// <see cref="byte"/> and match <see cref="DType"/>. To read float32 data as <see cref="double"/> or float64 data as
/// <see cref="float"/>, ask for it with <see cref="NpyConversion.AllowPrecisionChange"/>:
/// <code>using var weights = array.ToMatrix&lt;float&gt;(NpyVectorShape.Reject, NpyConversion.AllowPrecisionChange);</code>
/// Integer arrays (int8 … uint64) are read as <see cref="float"/> or <see cref="double"/> with
/// <see cref="NpyConversion.AllowIntegers"/>, every value exactly or an <see cref="NpyFormatException"/> naming the first
/// that is not:
/// <code>var classIds = Npy.Read("y.npy").ToArray&lt;float&gt;(NpyConversion.AllowIntegers);</code>
/// </para>
/// <para>The array is immutable: factories copy their input, accessors copy out.</para>
/// </remarks>
public sealed class NpyArray
{
    private readonly byte[] _data;
    private readonly int[] _shape;

    internal NpyArray(NpyDType dtype, int[] shape, byte[] data, string? source)
    {
        DType = dtype;
        _shape = shape;
        _data = data;
        Source = source;
    }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The dimensions: one (<c>(n,)</c>) or two (<c>(rows, columns)</c>).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of dimensions, 1 or 2.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length => _data.Length / NpyHeader.ItemSize(DType);

    /// <summary>The file (and archive member) this array was read from, e.g. <c>model.npz/W1.npy</c>; <see langword="null"/> for arrays built in memory.</summary>
    public string? Source { get; }

    /// <summary>The NumPy dtype string of the data as held: <c>&lt;f4</c>, <c>&lt;f8</c>, <c>|u1</c>, <c>&lt;i8</c>… (always little-endian).</summary>
    public string Descr => NpyHeader.Descr(DType);

    /// <summary>The raw data: <see cref="Length"/> little-endian elements in C order.</summary>
    public ReadOnlySpan<byte> DataBytes => _data;

    /// <summary>Creates a 1-D array holding a copy of <paramref name="values"/>.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="byte"/>, <see cref="sbyte"/> or <see cref="ushort"/>.</typeparam>
    /// <param name="values">The elements.</param>
    /// <returns>An array of shape <c>(values.Length,)</c>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a supported element type.</exception>
    public static NpyArray FromSpan<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var dtype = DTypeOf<T>();
        return new NpyArray(dtype, [values.Length], MemoryMarshal.AsBytes(values).ToArray(), null);
    }

    /// <summary>Creates a 2-D array holding a copy of <paramref name="values"/> (any stride; written in C order).</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="byte"/>, <see cref="sbyte"/> or <see cref="ushort"/>.</typeparam>
    /// <param name="values">The matrix. Shape: [rows, columns].</param>
    /// <returns>An array of shape <c>(rows, columns)</c>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a supported element type.</exception>
    public static NpyArray FromMatrix<T>(ReadOnlyMatrixSpan<T> values)
        where T : unmanaged
    {
        var dtype = DTypeOf<T>();
        var data = new byte[checked(values.Rows * values.Columns * NpyHeader.ItemSize(dtype))];
        var destination = MemoryMarshal.Cast<byte, T>(data.AsSpan());
        for (var r = 0; r < values.Rows; r++)
        {
            values.GetRowSpan(r).CopyTo(destination.Slice(r * values.Columns, values.Columns));
        }

        return new NpyArray(dtype, [values.Rows, values.Columns], data, null);
    }

    /// <summary>Creates a 1-D <see cref="NpyDType.UInt8"/> array holding <paramref name="text"/> as UTF-8 (no BOM).</summary>
    /// <param name="text">The text, e.g. a model's architecture JSON.</param>
    /// <returns>The byte array.</returns>
    public static NpyArray FromUtf8String(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return new NpyArray(NpyDType.UInt8, [bytes.Length], bytes, null);
    }

    /// <summary>Decodes a 1-D <see cref="NpyDType.UInt8"/> array as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    /// <exception cref="NpyFormatException">The array is not 1-D uint8, or the bytes are not valid UTF-8.</exception>
    public string ToUtf8String()
    {
        if (DType != NpyDType.UInt8 || Rank != 1)
        {
            throw Error($"expected a 1-D '|u1' array of UTF-8 text; found dtype '{Descr}' with shape {ShapeText}.");
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(_data);
        }
        catch (DecoderFallbackException ex)
        {
            throw Error("the bytes are not valid UTF-8 text.", ex);
        }
    }

    /// <summary>Copies the elements, in C order, into a new array.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="byte"/>, <see cref="sbyte"/> or <see cref="ushort"/>.</typeparam>
    /// <param name="conversion">Whether a float32/float64 mismatch, or integer data, is converted (see <see cref="NpyConversion"/>) or rejected.</param>
    /// <returns>The <see cref="Length"/> elements.</returns>
    /// <exception cref="NpyFormatException">The stored dtype does not match <typeparamref name="T"/> (and no conversion was allowed).</exception>
    public T[] ToArray<T>(NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged
    {
        var result = new T[Length];
        CopyTo<T>(result, conversion);
        return result;
    }

    /// <summary>Copies the elements, in C order, into <paramref name="destination"/>.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="byte"/>, <see cref="sbyte"/> or <see cref="ushort"/>.</typeparam>
    /// <param name="destination">Exactly <see cref="Length"/> elements.</param>
    /// <param name="conversion">Whether a float32/float64 mismatch, or integer data, is converted (see <see cref="NpyConversion"/>) or rejected.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="NpyFormatException">The stored dtype does not match <typeparamref name="T"/> (and no conversion was allowed).</exception>
    public void CopyTo<T>(Span<T> destination, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged
    {
        if (destination.Length != Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"destination must hold {Length} elements for shape {ShapeText}; got {destination.Length}."),
                nameof(destination));
        }

        ConvertInto(destination, conversion);
    }

    /// <summary>Copies the array into a new matrix.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="byte"/>, <see cref="sbyte"/> or <see cref="ushort"/>.</typeparam>
    /// <param name="vectorShape">How a 1-D array of length n becomes a matrix (1×n or n×1); <see cref="NpyVectorShape.Reject"/> requires a 2-D array.</param>
    /// <param name="conversion">Whether a float32/float64 mismatch, or integer data, is converted (see <see cref="NpyConversion"/>) or rejected.</param>
    /// <returns>A new matrix; dispose it. Shape: [rows, columns].</returns>
    /// <exception cref="NpyFormatException">The array is 1-D and <paramref name="vectorShape"/> is <see cref="NpyVectorShape.Reject"/>, or the dtype does not match.</exception>
    public Matrix<T> ToMatrix<T>(NpyVectorShape vectorShape = NpyVectorShape.Reject, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged
    {
        var (rows, columns) = MatrixShape(vectorShape);
        _ = DTypeOf<T>();
        var matrix = new Matrix<T>(rows, columns);
        try
        {
            ConvertInto(matrix.DangerousGetStorage(), conversion);
            return matrix;
        }
        catch
        {
            matrix.Dispose();
            throw;
        }
    }

    /// <summary>Copies the array into an existing matrix of the same shape (e.g. a layer's weights).</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="byte"/>, <see cref="sbyte"/> or <see cref="ushort"/>.</typeparam>
    /// <param name="destination">The destination. Shape: [rows, columns] of this array (after <paramref name="vectorShape"/>).</param>
    /// <param name="vectorShape">How a 1-D array of length n is viewed (1×n or n×1); <see cref="NpyVectorShape.Reject"/> requires a 2-D array.</param>
    /// <param name="conversion">Whether a float32/float64 mismatch, or integer data, is converted (see <see cref="NpyConversion"/>) or rejected.</param>
    /// <exception cref="NpyFormatException">The array's shape does not fit <paramref name="destination"/>, or the dtype does not match.</exception>
    public void CopyTo<T>(MatrixSpan<T> destination, NpyVectorShape vectorShape = NpyVectorShape.Reject, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged
    {
        var (rows, columns) = MatrixShape(vectorShape);
        if (rows != destination.Rows || columns != destination.Columns)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"shape {ShapeText} does not fit the destination {destination.Rows}×{destination.Columns}."));
        }

        if (destination.IsContiguous)
        {
            ConvertInto(destination.DangerousGetSpan(), conversion);
            return;
        }

        var itemSize = NpyHeader.ItemSize(DType);
        for (var r = 0; r < rows; r++)
        {
            ConvertInto(destination.GetRowSpan(r), conversion, r * columns * itemSize);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"NpyArray('{Descr}', {ShapeText})";

    internal string ShapeText => NpyHeader.FormatShape(_shape);

    internal static NpyDType DTypeOf<T>()
    {
        if (typeof(T) == typeof(float))
        {
            return NpyDType.Float32;
        }

        if (typeof(T) == typeof(double))
        {
            return NpyDType.Float64;
        }

        if (typeof(T) == typeof(byte))
        {
            return NpyDType.UInt8;
        }

        // Quantized models: int8 weight codes and bfloat16 bits (NumPy has no bfloat16; its bits are uint16).
        if (typeof(T) == typeof(sbyte))
        {
            return NpyDType.Int8;
        }

        if (typeof(T) == typeof(ushort))
        {
            return NpyDType.UInt16;
        }

        throw new NotSupportedException($"Element type {typeof(T).Name} is not supported for NumPy files; use float, double, byte, sbyte or ushort.");
    }

    private (int Rows, int Columns) MatrixShape(NpyVectorShape vectorShape)
    {
        if (Rank == 2)
        {
            return (_shape[0], _shape[1]);
        }

        return vectorShape switch
        {
            NpyVectorShape.Row => (1, _shape[0]),
            NpyVectorShape.Column => (_shape[0], 1),
            _ => throw Error($"expected a 2-D array; found a 1-D array of shape {ShapeText} (pass NpyVectorShape.Row or Column to accept it)."),
        };
    }

    /// <summary>Converts <c>destination.Length</c> elements starting at byte <paramref name="byteOffset"/>.</summary>
    private void ConvertInto<T>(Span<T> destination, NpyConversion conversion, int byteOffset = 0)
        where T : unmanaged
    {
        var target = DTypeOf<T>();
        var itemSize = NpyHeader.ItemSize(DType);
        var source = _data.AsSpan(byteOffset, destination.Length * itemSize);
        if (target == DType)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        if (target is NpyDType.Float32 or NpyDType.Float64 && NpyHeader.IsInteger(DType) && conversion.AllowsIntegers())
        {
            ConvertIntegers(source, destination, byteOffset / itemSize);
            return;
        }

        // Only floating-point targets convert; byte, sbyte and ushort read their own dtype exactly or not at all.
        var floatTarget = target is NpyDType.Float32 or NpyDType.Float64;
        if (!conversion.AllowsPrecisionChange() || !floatTarget || NpyHeader.IsInteger(DType))
        {
            var hint = NpyHeader.IsInteger(DType) && floatTarget
                ? " (pass NpyConversion.AllowIntegers to convert exactly)"
                : conversion == NpyConversion.Exact && floatTarget
                    ? " (pass NpyConversion.AllowPrecisionChange to convert)"
                    : string.Empty;
            throw Error($"dtype '{Descr}' cannot be read as {ElementTypeName.Of<T>()}{hint}.");
        }

        // float → double is exact; double → float rounds to nearest even, magnitudes beyond float's range become ±∞.
        if (DType == NpyDType.Float32)
        {
            TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, float>(source), MemoryMarshal.Cast<T, double>(destination));
        }
        else
        {
            TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(source), MemoryMarshal.Cast<T, float>(destination));
        }
    }

    /// <summary>
    /// Integer elements into float or double, each exactly or not at all: the first value with more significant bits
    /// than the target holds is an error naming its index (a class id rounded to its neighbour would be a wrong label).
    /// </summary>
    /// <param name="source">The little-endian elements.</param>
    /// <param name="destination">The float or double elements.</param>
    /// <param name="firstIndex">The flat C-order index of the first element, for the message.</param>
    private void ConvertIntegers<T>(ReadOnlySpan<byte> source, Span<T> destination, int firstIndex)
        where T : unmanaged
    {
        var significandBits = typeof(T) == typeof(float) ? 24 : 53;
        var itemSize = NpyHeader.ItemSize(DType);
        for (var i = 0; i < destination.Length; i++)
        {
            var bytes = source.Slice(i * itemSize, itemSize);
            var (negative, magnitude) = DType switch
            {
                NpyDType.UInt8 => (false, (ulong)bytes[0]),
                NpyDType.Int8 => Signed((sbyte)bytes[0]),
                NpyDType.Int16 => Signed(BinaryPrimitives.ReadInt16LittleEndian(bytes)),
                NpyDType.UInt16 => (false, (ulong)BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
                NpyDType.Int32 => Signed(BinaryPrimitives.ReadInt32LittleEndian(bytes)),
                NpyDType.UInt32 => (false, (ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes)),
                NpyDType.Int64 => Signed(BinaryPrimitives.ReadInt64LittleEndian(bytes)),
                NpyDType.UInt64 => (false, BinaryPrimitives.ReadUInt64LittleEndian(bytes)),
                _ => throw new InvalidOperationException($"dtype '{Descr}' is not an integer dtype."),
            };

            // Exact iff the significant bits (from the highest set bit down to the lowest) fit the significand.
            if (magnitude != 0 && 64 - BitOperations.LeadingZeroCount(magnitude) - BitOperations.TrailingZeroCount(magnitude) > significandBits)
            {
                var index = firstIndex + i;
                var position = Rank == 2
                    ? string.Create(CultureInfo.InvariantCulture, $"element [{index / _shape[1]}, {index % _shape[1]}]")
                    : string.Create(CultureInfo.InvariantCulture, $"element [{index}]");
                var value = negative ? $"-{magnitude.ToString(CultureInfo.InvariantCulture)}" : magnitude.ToString(CultureInfo.InvariantCulture);
                throw Error($"{position} of dtype '{Descr}' is {value}, which {ElementTypeName.Of<T>()} cannot hold exactly (integers need at most {significandBits} significant bits); nothing was rounded.");
            }

            var number = negative ? -(double)magnitude : magnitude;
            if (typeof(T) == typeof(float))
            {
                Unsafe.As<T, float>(ref destination[i]) = (float)number;
            }
            else
            {
                Unsafe.As<T, double>(ref destination[i]) = number;
            }
        }

        // The magnitude as ulong: -long.MinValue does not fit a long.
        static (bool Negative, ulong Magnitude) Signed(long value) => value < 0 ? (true, (ulong)(-(value + 1)) + 1) : (false, (ulong)value);
    }

    private NpyFormatException Error(string problem, Exception? inner = null) =>
        Source is null ? new NpyFormatException(problem, inner) : new NpyFormatException(Source, problem, inner);
}
