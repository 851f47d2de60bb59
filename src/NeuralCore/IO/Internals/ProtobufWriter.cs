using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace NeuralCore.IO.Internals;

/// <summary>
/// Writes protobuf wire format into a growing buffer: tags, varints, fixed 32/64-bit values and length-delimited
/// fields. An embedded message is written into its own writer first and then added with <see cref="WriteMessage"/>,
/// because its length prefix comes before its bytes.
/// </summary>
internal sealed class ProtobufWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Writes a field's tag.</summary>
    public void WriteTag(int field, WireType wireType) => WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);

    /// <summary>Writes a base-128 varint.</summary>
    public void WriteVarint(ulong value)
    {
        var span = Reserve(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _length += i;
    }

    /// <summary>Writes an int64 (or int32, or enum) field; negative values take ten bytes, as protobuf specifies.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>Writes a float field.</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);
        _length += 4;
    }

    /// <summary>Writes a bytes field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
        _length += value.Length;
    }

    /// <summary>Writes a string field as UTF-8.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes an embedded message written by <paramref name="message"/>.</summary>
    public void WriteMessage(int field, ProtobufWriter message) => WriteBytes(field, message.WrittenSpan);

    /// <summary>Writes a packed repeated int64 field.</summary>
    public void WritePackedInt64(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtobufWriter();
        foreach (var value in values)
        {
            packed.WriteVarint((ulong)value);
        }

        WriteBytes(field, packed.WrittenSpan);
    }

    /// <summary>Writes a bytes field holding <paramref name="values"/> little-endian (the host order; checked by the caller).</summary>
    public void WriteRaw<T>(int field, ReadOnlySpan<T> values)
        where T : unmanaged => WriteBytes(field, MemoryMarshal.AsBytes(values));

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            var size = (long)Math.Max(_buffer.Length * 2L, (long)_length + count);
            if (size > Array.MaxLength)
            {
                size = (long)_length + count;
                if (size > Array.MaxLength)
                {
                    throw new InvalidOperationException("The ONNX model is larger than one array can hold (2 GB), the protobuf limit.");
                }
            }

            Array.Resize(ref _buffer, (int)size);
        }

        return _buffer.AsSpan(_length, count);
    }
}
