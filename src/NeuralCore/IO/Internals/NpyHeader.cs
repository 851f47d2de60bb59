using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace NeuralCore.IO.Internals;

/// <summary>
/// The <c>.npy</c> preamble: magic, version, header length, and the Python-literal header dictionary.
/// </summary>
/// <remarks>
/// Layout (NumPy format spec, <c>numpy/lib/format.py</c>):
/// <code>
///   \x93NUMPY | major minor | header length      | header text (dict literal, space padded, '\n')  | data
///   6 bytes   | 2 bytes     | u16 LE (v1), u32 LE (v2, v3)                                           |
///             |             |&lt;--- magic + version + length + header is a multiple of 64 bytes ---&gt;|
/// </code>
/// Writing reproduces NumPy 1.24's bytes exactly (sorted keys, the 21-digit growth padding, 64-byte alignment), so
/// a file we write is byte-identical to <c>np.save</c> of the same array.
/// </remarks>
internal static class NpyHeader
{
    private const int Alignment = 64;
    private const int GrowthAxisMaxDigits = 21;

    // NumPy refuses headers over 10 000 bytes by default (max_header_size); allow more, but not unbounded.
    private const int MaxHeaderLength = 1 << 20;

    // Not a u8 literal: "\x93" in a C# string is U+0093, which UTF-8 encodes as two bytes.
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads and validates the preamble and header from <paramref name="stream"/>, leaving it at the data.</summary>
    public static NpyHeaderInfo Read(Stream stream, string source)
    {
        // Magic and version first: the width of the length field that follows depends on the version.
        Span<byte> preamble = stackalloc byte[8];
        var got = stream.ReadAtLeast(preamble, preamble.Length, throwOnEndOfStream: false);
        if (got < Magic.Length || !preamble[..Magic.Length].SequenceEqual(Magic))
        {
            throw new NpyFormatException(source, got == 0
                ? "the file is empty; expected the NumPy magic \\x93NUMPY."
                : $"not a NumPy array file: expected the magic \\x93NUMPY, found bytes {Convert.ToHexString(preamble[..got])}.");
        }

        if (got < preamble.Length)
        {
            throw new NpyFormatException(source, $"truncated header: the file ends after {got} bytes, inside the version field.");
        }

        var major = preamble[6];
        var minor = preamble[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            throw new NpyFormatException(source, $"format version {major}.{minor} is not supported; expected 1.0, 2.0 or 3.0.");
        }

        var lengthSize = major == 1 ? 2 : 4;
        Span<byte> lengthBytes = stackalloc byte[4];
        if (stream.ReadAtLeast(lengthBytes[..lengthSize], lengthSize, throwOnEndOfStream: false) < lengthSize)
        {
            throw new NpyFormatException(source, "truncated header: the file ends inside the header-length field.");
        }

        var headerLength = lengthSize == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes)
            : (long)BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
        {
            throw new NpyFormatException(source, $"header length {headerLength} bytes is implausible (limit {MaxHeaderLength}).");
        }

        var header = new byte[headerLength];
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < header.Length)
        {
            throw new NpyFormatException(source, $"truncated header: expected {headerLength} header bytes, the file has {read}.");
        }

        // Versions 1 and 2 are latin-1 text, version 3 is UTF-8; the keys and values we accept are ASCII either way.
        var text = major == 3 ? Encoding.UTF8.GetString(header) : Encoding.Latin1.GetString(header);
        return Parse(text, source);
    }

    /// <summary>Parses the header dictionary, e.g. <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>.</summary>
    public static NpyHeaderInfo Parse(string text, string source)
    {
        var parser = new PythonLiteralReader(text, source);
        string? descr = null;
        bool? fortranOrder = null;
        long[]? shape = null;

        parser.Expect('{');
        while (!parser.TryConsume('}'))
        {
            var key = parser.ReadString();
            parser.Expect(':');
            switch (key)
            {
                case "descr":
                    if (parser.Peek() is '[' or '(')
                    {
                        throw new NpyFormatException(source, $"structured (record) dtypes are not supported; expected {SupportedDescrs}.");
                    }

                    descr = parser.ReadString();
                    break;
                case "fortran_order":
                    fortranOrder = parser.ReadBoolean();
                    break;
                case "shape":
                    shape = parser.ReadIntegerTuple();
                    break;
                default:
                    throw new NpyFormatException(source, $"unexpected header key '{key}'; expected 'descr', 'fortran_order' and 'shape'.");
            }

            if (!parser.TryConsume(','))
            {
                parser.Expect('}');
                break;
            }
        }

        parser.ExpectEnd();
        if (descr is null || fortranOrder is null || shape is null)
        {
            var missing = descr is null ? "descr" : fortranOrder is null ? "fortran_order" : "shape";
            throw new NpyFormatException(source, $"the header has no '{missing}' key: \"{text.TrimEnd()}\".");
        }

        var (dtype, bigEndian) = ParseDType(descr, source);
        if (shape.Length is 0 or > 2)
        {
            var what = shape.Length == 0 ? "a 0-D (scalar) array" : $"a {shape.Length}-D array of shape {FormatShape(shape)}";
            throw new NpyFormatException(source, $"{what} is not supported; expected a 1-D or 2-D array.");
        }

        var dims = new int[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] > Array.MaxLength)
            {
                throw new NpyFormatException(source, $"shape {FormatShape(shape)} is too large; each dimension must be at most {Array.MaxLength}.");
            }

            dims[i] = (int)shape[i];
        }

        return new NpyHeaderInfo(dtype, bigEndian, fortranOrder.Value, dims);
    }

    /// <summary>Builds the preamble and header NumPy 1.24 writes for a C-order array.</summary>
    public static byte[] Format(NpyDType dtype, ReadOnlySpan<int> shape)
    {
        var builder = new StringBuilder("{'descr': '", 128);
        builder.Append(Descr(dtype)).Append("', 'fortran_order': False, 'shape': ");
        builder.Append(FormatShape(shape)).Append(", }");

        // NumPy leaves room for the first axis to grow in place (np.lib.format: GROWTH_AXIS_MAX_DIGITS).
        builder.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);

        var text = builder.ToString();
        var version = 1;
        var lengthSize = 2;
        var headerLength = text.Length + 1;
        var padding = Alignment - ((8 + lengthSize + headerLength) % Alignment);
        if (headerLength + padding > ushort.MaxValue)
        {
            // Only a header longer than 64 KiB needs version 2.0 (never for 1-D/2-D float arrays, but kept correct).
            version = 2;
            lengthSize = 4;
            padding = Alignment - ((8 + lengthSize + headerLength) % Alignment);
        }

        var result = new byte[8 + lengthSize + headerLength + padding];
        Magic.CopyTo(result);
        result[6] = (byte)version;
        result[7] = 0;
        if (lengthSize == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)(headerLength + padding));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)(headerLength + padding));
        }

        var offset = 8 + lengthSize;
        offset += Encoding.ASCII.GetBytes(text, result.AsSpan(offset));
        result.AsSpan(offset, padding).Fill((byte)' ');
        result[^1] = (byte)'\n';
        return result;
    }

    /// <summary>The dtypes read, as NumPy spells them in its error messages and our "expected" lists.</summary>
    public const string SupportedDescrs = "'<f4', '<f8', or an integer dtype ('|u1', '|i1', '<i2' … '<i8', '<u2' … '<u8', either byte order)";

    /// <summary>The one table of dtype facts: NumPy's kind letter and the item size in bytes.</summary>
    private static (char Kind, int Size) Code(NpyDType dtype) => dtype switch
    {
        NpyDType.Float32 => ('f', 4),
        NpyDType.Float64 => ('f', 8),
        NpyDType.UInt8 => ('u', 1),
        NpyDType.Int8 => ('i', 1),
        NpyDType.Int16 => ('i', 2),
        NpyDType.UInt16 => ('u', 2),
        NpyDType.Int32 => ('i', 4),
        NpyDType.UInt32 => ('u', 4),
        NpyDType.Int64 => ('i', 8),
        NpyDType.UInt64 => ('u', 8),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown NpyDType value."),
    };

    /// <summary>The little-endian NumPy spelling: <c>&lt;f4</c>, <c>|u1</c>, <c>&lt;i8</c>.</summary>
    public static string Descr(NpyDType dtype)
    {
        var (kind, size) = Code(dtype);
        return string.Create(CultureInfo.InvariantCulture, $"{(size == 1 ? '|' : '<')}{kind}{size}");
    }

    public static int ItemSize(NpyDType dtype) => Code(dtype).Size;

    /// <summary>Whether <paramref name="dtype"/> is one of the integer types.</summary>
    public static bool IsInteger(NpyDType dtype) => Code(dtype).Kind != 'f';

    /// <summary>Formats a shape as Python does: <c>(5,)</c>, <c>(3, 4)</c>.</summary>
    public static string FormatShape(ReadOnlySpan<int> shape)
    {
        Span<long> wide = stackalloc long[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            wide[i] = shape[i];
        }

        return FormatShape(wide);
    }

    private static string FormatShape(ReadOnlySpan<long> shape)
    {
        var builder = new StringBuilder("(");
        for (var i = 0; i < shape.Length; i++)
        {
            builder.Append(i == 0 ? string.Empty : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return builder.Append(shape.Length == 1 ? ",)" : ")").ToString();
    }

    /// <summary>
    /// The dtype <paramref name="descr"/> names, and whether its data is big-endian: <c>&lt;</c>/<c>&gt;</c> for
    /// multi-byte types (big-endian floats are refused, big-endian integers are swapped on reading), any order mark
    /// for single bytes, which have no byte order.
    /// </summary>
    private static (NpyDType DType, bool BigEndian) ParseDType(string descr, string source)
    {
        if (descr.Length == 3 && descr[0] is '<' or '>' or '|' or '=')
        {
            foreach (var dtype in Enum.GetValues<NpyDType>())
            {
                var (kind, size) = Code(dtype);
                if (descr[1] != kind || descr[2] != (char)('0' + size))
                {
                    continue;
                }

                if (size == 1)
                {
                    // NumPy writes '|u1'/'|i1', but all spellings mean the same data.
                    return (dtype, false);
                }

                switch (descr[0])
                {
                    case '<':
                        return (dtype, false);
                    case '>' when kind != 'f':
                        return (dtype, true);
                    case '>':
                        throw new NpyFormatException(source, $"dtype '{descr}' is big-endian, which is not supported for floats; expected little-endian '<{descr[1..]}' (save with arr.astype('<{descr[1..]}')).");
                    default:
                        // '=' (native) or '|' on a multi-byte type: np.save never writes them, and the writer's order is unknown.
                        throw new NpyFormatException(source, $"dtype '{descr}' has no explicit byte order; expected '<{descr[1..]}' or '>{descr[1..]}'.");
                }
            }
        }

        if (descr.Length > 0 && descr[^1] == 'O' && descr.Length <= 2)
        {
            throw new NpyFormatException(source, $"dtype '{descr}' is an object array, which is not supported; expected {SupportedDescrs}.");
        }

        throw new NpyFormatException(source, $"dtype '{descr}' is not supported; expected {SupportedDescrs}.");
    }
}
