using System.Buffers.Binary;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using NeuralCore.IO.Internals;

namespace NeuralCore.IO;

/// <summary>
/// One tensor of a <c>.safetensors</c> file: its <see cref="DType"/>, <see cref="Shape"/> and little-endian data in
/// C (row-major) order. Read one with <see cref="SafeTensors"/>; make one with <see cref="FromSpan{T}"/>,
/// <see cref="FromMatrix{T}"/> or <see cref="FromBytes"/>.
/// </summary>
/// <remarks>
/// <para>Element access is typed and checked like <see cref="NpyArray"/>'s: reading as <see cref="float"/> needs
/// <see cref="SafeTensorsDType.F32"/> data and reading as <see cref="double"/> needs <see cref="SafeTensorsDType.F64"/>,
/// unless the caller passes <see cref="NpyConversion.AllowPrecisionChange"/>, which also converts
/// <see cref="SafeTensorsDType.F16"/> and <see cref="SafeTensorsDType.BF16"/> (exactly: both widen without rounding).
/// <see cref="SafeTensorsDType.I8"/> (a quantized model's codes) reads only as <see cref="sbyte"/>, with any conversion.</para>
/// <para>The tensor is immutable: factories copy their input, accessors copy out.</para>
/// </remarks>
public sealed class SafeTensor
{
    /// <summary>The most dimensions a tensor may have (PyTorch's own limit is 64; state_dicts use 0 to 5).</summary>
    public const int MaxRank = 16;

    private readonly long[] _shape;
    private readonly byte[] _data;

    internal SafeTensor(SafeTensorsDType dtype, long[] shape, byte[] data, string? source)
    {
        DType = dtype;
        _shape = shape;
        _data = data;
        Source = source;
    }

    /// <summary>The element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The dimensions; empty for a scalar.</summary>
    public ReadOnlySpan<long> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length => _data.Length / SafeTensorsDTypes.ItemSize(DType);

    /// <summary>The file and tensor this tensor was read from, e.g. <c>model.safetensors/0.weight</c>; <see langword="null"/> for tensors built in memory.</summary>
    public string? Source { get; }

    /// <summary>The raw data: <see cref="Length"/> little-endian elements in C order.</summary>
    public ReadOnlySpan<byte> DataBytes => _data;

    /// <summary>The shape as the header writes it: <c>[4, 2]</c>, <c>[3]</c>, <c>[]</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>Creates a 1-D tensor holding a copy of <paramref name="values"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> (F32), <see cref="double"/> (F64), <see cref="Half"/> (F16) or <see cref="sbyte"/> (I8).</typeparam>
    /// <param name="values">The elements.</param>
    /// <returns>A tensor of shape <c>[values.Length]</c>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a supported element type.</exception>
    public static SafeTensor FromSpan<T>(ReadOnlySpan<T> values)
        where T : unmanaged =>
        new(SafeTensorsDTypes.Of<T>(), [values.Length], MemoryMarshal.AsBytes(values).ToArray(), null);

    /// <summary>Creates a 2-D tensor holding a copy of <paramref name="values"/> (any stride; stored in C order).</summary>
    /// <typeparam name="T"><see cref="float"/> (F32), <see cref="double"/> (F64), <see cref="Half"/> (F16) or <see cref="sbyte"/> (I8).</typeparam>
    /// <param name="values">The matrix. Shape: [rows, columns].</param>
    /// <returns>A tensor of shape <c>[rows, columns]</c>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not a supported element type.</exception>
    public static SafeTensor FromMatrix<T>(ReadOnlyMatrixSpan<T> values)
        where T : unmanaged
    {
        var dtype = SafeTensorsDTypes.Of<T>();
        var data = new byte[checked(values.Rows * values.Columns * SafeTensorsDTypes.ItemSize(dtype))];
        var destination = MemoryMarshal.Cast<byte, T>(data.AsSpan());
        for (var r = 0; r < values.Rows; r++)
        {
            values.GetRowSpan(r).CopyTo(destination.Slice(r * values.Columns, values.Columns));
        }

        return new SafeTensor(dtype, [values.Rows, values.Columns], data, null);
    }

    /// <summary>Creates a tensor of any supported dtype and rank from its raw little-endian C-order bytes (e.g. BF16 data).</summary>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The dimensions (at most <see cref="MaxRank"/>, each ≥ 0).</param>
    /// <param name="data">Exactly product(shape) × the dtype's size bytes.</param>
    /// <returns>The tensor (holding a copy of <paramref name="data"/>).</returns>
    /// <exception cref="ArgumentException">The shape is invalid or does not match the data length.</exception>
    public static SafeTensor FromBytes(SafeTensorsDType dtype, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        var itemSize = SafeTensorsDTypes.ItemSize(dtype);
        if (shape.Length > MaxRank)
        {
            throw new ArgumentException($"A tensor may have at most {MaxRank} dimensions; got {shape.Length}.", nameof(shape));
        }

        var count = ElementCount(shape);
        if (count is not { } elements || (UInt128)elements * (uint)itemSize != (UInt128)data.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Shape {FormatShape(shape)} of {SafeTensorsDTypes.Name(dtype)} needs {(count is { } c ? ((UInt128)c * (uint)itemSize).ToString(CultureInfo.InvariantCulture) : "more than 2^64")} bytes; got {data.Length}."),
                nameof(data));
        }

        return new SafeTensor(dtype, shape.ToArray(), data.ToArray(), null);
    }

    /// <summary>Copies the elements, in C order, into a new array.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="sbyte"/>.</typeparam>
    /// <param name="conversion">Whether data of another floating-point dtype is converted or rejected.</param>
    /// <returns>The <see cref="Length"/> elements.</returns>
    /// <exception cref="SafeTensorsFormatException">The dtype does not match <typeparamref name="T"/> and no conversion was allowed, or one of them is I8 (never converted).</exception>
    public T[] ToArray<T>(NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged
    {
        var result = new T[Length];
        ConvertInto<T>(result, conversion);
        return result;
    }

    /// <summary>Copies the elements, in C order, into <paramref name="destination"/>.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="sbyte"/>.</typeparam>
    /// <param name="destination">Exactly <see cref="Length"/> elements.</param>
    /// <param name="conversion">Whether data of another floating-point dtype is converted or rejected.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="SafeTensorsFormatException">The dtype does not match <typeparamref name="T"/> and no conversion was allowed, or one of them is I8 (never converted).</exception>
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

    /// <summary>Copies a 2-D tensor into a new matrix.</summary>
    /// <typeparam name="T"><see cref="float"/>, <see cref="double"/>, <see cref="Half"/> or <see cref="sbyte"/>.</typeparam>
    /// <param name="conversion">Whether data of another floating-point dtype is converted or rejected.</param>
    /// <returns>A new matrix; dispose it. Shape: [rows, columns].</returns>
    /// <exception cref="SafeTensorsFormatException">The tensor is not 2-D, or the dtype does not match.</exception>
    public Matrix<T> ToMatrix<T>(NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged
    {
        if (Rank != 2)
        {
            throw Error($"expected a 2-D tensor; found shape {ShapeText}.");
        }

        _ = SafeTensorsDTypes.Of<T>();
        if (_shape[0] > int.MaxValue || _shape[1] > int.MaxValue)
        {
            // An empty tensor can claim any dimension; a matrix's must fit an int.
            throw Error($"shape {ShapeText} does not fit a matrix (each dimension must be at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)}).");
        }

        var matrix = new Matrix<T>((int)_shape[0], (int)_shape[1]);
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

    /// <inheritdoc/>
    public override string ToString() => $"SafeTensor({SafeTensorsDTypes.Name(DType)}, {ShapeText})";

    /// <summary>product(shape), or <see langword="null"/> when it overflows 64 bits.</summary>
    internal static ulong? ElementCount(ReadOnlySpan<long> shape)
    {
        ulong count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                return null;
            }

            var product = (UInt128)count * (ulong)dimension;
            if (product > ulong.MaxValue)
            {
                return null;
            }

            count = (ulong)product;
        }

        return count;
    }

    internal static string FormatShape(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    private void ConvertInto<T>(Span<T> destination, NpyConversion conversion)
        where T : unmanaged
    {
        var target = SafeTensorsDTypes.Of<T>();
        if (target == DType)
        {
            _data.AsSpan().CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        // Conversions widen floats into float or double; integer codes are not values and convert to nothing.
        if (!conversion.AllowsPrecisionChange() || target is SafeTensorsDType.F16 or SafeTensorsDType.I8 || DType == SafeTensorsDType.I8)
        {
            var hint = conversion == NpyConversion.Exact && target is not (SafeTensorsDType.F16 or SafeTensorsDType.I8) && DType != SafeTensorsDType.I8 ? " (pass NpyConversion.AllowPrecisionChange to convert)" : string.Empty;
            throw Error($"dtype {SafeTensorsDTypes.Name(DType)} cannot be read as {ElementTypeName.Of<T>()}{hint}.");
        }

        if (typeof(T) == typeof(float))
        {
            Widen(MemoryMarshal.Cast<T, float>(destination));
        }
        else
        {
            Widen(MemoryMarshal.Cast<T, double>(destination));
        }
    }

    // F32/F16/BF16 → float and anything → double are exact; only F64 → float rounds (to nearest even, ±∞ beyond range).
    private void Widen<TTarget>(Span<TTarget> destination)
        where TTarget : unmanaged, System.Numerics.IFloatingPointIeee754<TTarget>
    {
        var data = _data.AsSpan();
        switch (DType)
        {
            case SafeTensorsDType.F32:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, float>(data), destination);
                break;
            case SafeTensorsDType.F64:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(data), destination);
                break;
            case SafeTensorsDType.F16:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, Half>(data), destination);
                break;
            case SafeTensorsDType.BF16:
                for (var i = 0; i < destination.Length; i++)
                {
                    // bfloat16 is the top half of a float32: shifting the bits back is exact, NaN payloads included.
                    var bits = (uint)BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(2 * i, 2)) << 16;
                    destination[i] = TTarget.CreateTruncating(BitConverter.UInt32BitsToSingle(bits));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(destination), DType, "Not a safetensors dtype.");
        }
    }

    private SafeTensorsFormatException Error(string problem) =>
        Source is null ? new SafeTensorsFormatException(problem) : new SafeTensorsFormatException(Source, problem);
}
