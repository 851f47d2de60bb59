using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NeuralCore.IO.Internals;

/// <summary>The protobuf wire types (the low three bits of a field's tag).</summary>
internal enum WireType
{
    /// <summary>A base-128 varint: int32, int64, uint64, bool, enum.</summary>
    Varint = 0,

    /// <summary>Eight little-endian bytes: double, fixed64.</summary>
    Fixed64 = 1,

    /// <summary>A varint length, then that many bytes: string, bytes, embedded messages, packed repeated fields.</summary>
    LengthDelimited = 2,

    /// <summary>The deprecated group start; ONNX never uses groups, so the reader refuses it.</summary>
    StartGroup = 3,

    /// <summary>The deprecated group end; refused like <see cref="StartGroup"/>.</summary>
    EndGroup = 4,

    /// <summary>Four little-endian bytes: float, fixed32.</summary>
    Fixed32 = 5,
}

/// <summary>
/// Reads protobuf wire format from a span, treating every byte as hostile: each varint is at most ten bytes, each
/// length is checked against the bytes that remain before anything is sliced (nothing is allocated from a length),
/// and groups and undefined wire types are refused. The subset is what ONNX needs: varints, fixed 32/64-bit values,
/// length-delimited fields, and skipping fields the caller does not know.
/// </summary>
/// <remarks>
/// Nested messages are read by a new reader over the nested bytes (<see cref="ReadMessage"/>); the callers' message
/// parsers nest only as deep as the ONNX schema subset they parse (Model → Graph → Node → Attribute → Tensor …), and
/// unknown fields are skipped without being parsed, so recursion depth is bounded by the code, not by the input.
/// Errors are <see cref="OnnxFormatException"/> naming the source, the absolute byte offset and the message type.
/// </remarks>
internal ref struct ProtobufReader
{
    /// <summary>The longest string the reader decodes (names, metadata values); longer ones are refused as hostile.</summary>
    public const int MaxStringBytes = 16 << 20;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private readonly string _source;
    private readonly string _message;
    private int _position;
    private int _tagPosition;

    /// <summary>Creates a reader over <paramref name="data"/>, which starts at byte <paramref name="baseOffset"/> of <paramref name="source"/>.</summary>
    /// <param name="data">The encoded message.</param>
    /// <param name="baseOffset">The offset of <paramref name="data"/> in the file, for error messages.</param>
    /// <param name="source">The file name, for error messages.</param>
    /// <param name="message">The message type being read (e.g. <c>TensorProto</c>), for error messages.</param>
    public ProtobufReader(ReadOnlySpan<byte> data, int baseOffset, string source, string message)
    {
        _data = data;
        _baseOffset = baseOffset;
        _source = source;
        _message = message;
        _position = 0;
        _tagPosition = 0;
    }

    /// <summary>Whether every byte has been read.</summary>
    public readonly bool End => _position >= _data.Length;

    /// <summary>The offset of the next byte within this reader's span.</summary>
    public readonly int Position => _position;

    /// <summary>The file offset of this reader's first byte.</summary>
    public readonly int BaseOffset => _baseOffset;

    /// <summary>The file name errors are reported against.</summary>
    public readonly string Source => _source;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    /// <param name="field">The field number (1 … 2²⁹ − 1).</param>
    /// <param name="wireType">Its wire type: never a group or an undefined type (those throw).</param>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (End)
        {
            field = 0;
            wireType = default;
            return false;
        }

        var start = _position;
        _tagPosition = start;
        var tag = ReadVarint();
        var number = tag >> 3;
        var type = (int)(tag & 7);
        if (number == 0 || number > (1u << 29) - 1)
        {
            throw ErrorAt(start, string.Create(CultureInfo.InvariantCulture, $"field number {number} is not valid (expected 1 … 536870911)."));
        }

        switch (type)
        {
            case (int)WireType.Varint:
            case (int)WireType.Fixed64:
            case (int)WireType.LengthDelimited:
            case (int)WireType.Fixed32:
                break;
            case (int)WireType.StartGroup:
            case (int)WireType.EndGroup:
                throw ErrorAt(start, string.Create(CultureInfo.InvariantCulture, $"field {number} has wire type {type} (a group); ONNX does not use groups and they are not supported."));
            default:
                throw ErrorAt(start, string.Create(CultureInfo.InvariantCulture, $"field {number} has wire type {type}, which is not defined (expected 0, 1, 2 or 5)."));
        }

        field = (int)number;
        wireType = (WireType)type;
        return true;
    }

    /// <summary>Throws unless <paramref name="actual"/> is <paramref name="expected"/>: a known field with the wrong encoding is an error, not an unknown field.</summary>
    public readonly void ExpectWireType(int field, string name, WireType actual, WireType expected)
    {
        if (actual != expected)
        {
            throw ErrorAt(_tagPosition, string.Create(
                CultureInfo.InvariantCulture,
                $"field {field} ({name}) has wire type {(int)actual} ({Describe(actual)}); expected {(int)expected} ({Describe(expected)})."));
        }
    }

    /// <summary>Reads a base-128 varint of at most ten bytes.</summary>
    public ulong ReadVarint()
    {
        var start = _position;
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw ErrorAt(start, "the data ends inside a varint.");
            }

            var b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                throw ErrorAt(start, "a varint overflows 64 bits.");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw ErrorAt(start, "a varint is longer than ten bytes.");
    }

    /// <summary>Reads an int64 varint (two's complement, as protobuf encodes negative int64 and int32).</summary>
    public long ReadInt64() => (long)ReadVarint();

    /// <summary>Reads an int32 varint (negative values are sign-extended to ten bytes by every encoder).</summary>
    public int ReadInt32(string name)
    {
        var start = _position;
        var value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw ErrorAt(start, string.Create(CultureInfo.InvariantCulture, $"{name} = {value} does not fit an int32."));
        }

        return (int)value;
    }

    /// <summary>Reads four little-endian bytes.</summary>
    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "a 32-bit value"));

    /// <summary>Reads eight little-endian bytes.</summary>
    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, "a 64-bit value"));

    /// <summary>Reads a float (fixed32).</summary>
    public float ReadFloat() => BitConverter.UInt32BitsToSingle(ReadFixed32());

    /// <summary>Reads a double (fixed64).</summary>
    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>Reads a length-delimited field's bytes; the length is checked against the bytes that remain first.</summary>
    /// <param name="offset">The offset of the returned bytes within this reader's span.</param>
    public ReadOnlySpan<byte> ReadBytes(out int offset)
    {
        var start = _position;
        var length = ReadVarint();
        var remaining = _data.Length - _position;
        if (length > (ulong)remaining)
        {
            throw ErrorAt(start, string.Create(CultureInfo.InvariantCulture, $"a length-delimited field claims {length} bytes, but only {remaining} remain in the {_message}."));
        }

        offset = _position;
        _position += (int)length;
        return _data.Slice(offset, (int)length);
    }

    /// <summary>Reads a UTF-8 string (at most <see cref="MaxStringBytes"/> bytes, valid UTF-8).</summary>
    public string ReadString(string name)
    {
        var bytes = ReadBytes(out var offset);
        if (bytes.Length > MaxStringBytes)
        {
            throw ErrorAt(offset, string.Create(CultureInfo.InvariantCulture, $"{name} is {bytes.Length} bytes long; at most {MaxStringBytes} are accepted."));
        }

        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new OnnxFormatException(_source, string.Create(CultureInfo.InvariantCulture, $"byte {_baseOffset + offset} in {_message}: {name} is not valid UTF-8."), ex);
        }
    }

    /// <summary>Reads an embedded message: a reader over its bytes, reporting offsets in the file.</summary>
    /// <param name="message">The embedded message's type, for error messages.</param>
    public ProtobufReader ReadMessage(string message)
    {
        var bytes = ReadBytes(out var offset);
        return new ProtobufReader(bytes, _baseOffset + offset, _source, message);
    }

    /// <summary>Skips a field the caller does not read (its tag already read).</summary>
    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                return;
            case WireType.Fixed64:
                Take(8, "a 64-bit value");
                return;
            case WireType.LengthDelimited:
                ReadBytes(out _);
                return;
            case WireType.Fixed32:
                Take(4, "a 32-bit value");
                return;
            case WireType.StartGroup:
            case WireType.EndGroup:
                break;
        }

        // TryReadTag never returns these; reaching here is a bug in a caller, reported like bad input.
        throw Error(string.Create(CultureInfo.InvariantCulture, $"cannot skip wire type {(int)wireType}."));
    }

    /// <summary>An error at the current position.</summary>
    public readonly OnnxFormatException Error(string problem) => ErrorAt(_position, problem);

    /// <summary>An error at <paramref name="position"/> of this reader's span.</summary>
    public readonly OnnxFormatException ErrorAt(int position, string problem) =>
        new(_source, string.Create(CultureInfo.InvariantCulture, $"byte {_baseOffset + position} in {_message}: {problem}"));

    private ReadOnlySpan<byte> Take(int count, string what)
    {
        if (_data.Length - _position < count)
        {
            throw Error(string.Create(CultureInfo.InvariantCulture, $"the data ends inside {what} ({_data.Length - _position} of {count} bytes remain)."));
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    private static string Describe(WireType wireType) => wireType switch
    {
        WireType.Varint => "varint",
        WireType.Fixed64 => "64-bit",
        WireType.LengthDelimited => "length-delimited",
        WireType.Fixed32 => "32-bit",
        WireType.StartGroup => "start group",
        WireType.EndGroup => "end group",
        _ => "undefined",
    };
}
