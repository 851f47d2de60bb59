using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NeuralCore.IO.Internals;

/// <summary>Parses, validates and writes the safetensors layout (see <see cref="SafeTensors"/> for the rules).</summary>
internal static class SafeTensorsCodec
{
    // {"name": {"shape": [..]}} is three levels deep; one more so that a too-deep document fails in our own checks
    // with a message naming the key, and anything deeper fails in the reader before it recurses further.
    private const int MaxJsonDepth = 4;

    private const string DTypeKey = "dtype";
    private const string ShapeKey = "shape";
    private const string OffsetsKey = "data_offsets";

    /// <summary>Reads a whole file from <paramref name="stream"/> (from its position to its end).</summary>
    public static SafeTensorsArchive Read(Stream stream, string source)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors support assumes a little-endian host.");
        }

        if (!stream.CanSeek)
        {
            // The header is checked against the file length before anything is allocated for it; a pipe has no
            // length, so take its bytes first (only as many as it really has).
            using var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            return Read(buffered, source);
        }

        var length = stream.Length - stream.Position;
        if (length < 8)
        {
            throw new SafeTensorsFormatException(source, length == 0
                ? "the file is empty; a safetensors file starts with an 8-byte header length."
                : string.Create(CultureInfo.InvariantCulture, $"the file has only {length} bytes; a safetensors file starts with an 8-byte header length."));
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(length - 8))
        {
            throw new SafeTensorsFormatException(source, string.Create(
                CultureInfo.InvariantCulture,
                $"header length {headerLength} bytes, but only {length - 8} bytes follow the 8-byte length field."));
        }

        if (headerLength > (ulong)SafeTensors.MaxHeaderLength)
        {
            throw new SafeTensorsFormatException(source, string.Create(
                CultureInfo.InvariantCulture,
                $"header length {headerLength} bytes exceeds the limit of {SafeTensors.MaxHeaderLength} bytes (the file has {length} bytes)."));
        }

        if (headerLength < 2)
        {
            throw new SafeTensorsFormatException(source, string.Create(
                CultureInfo.InvariantCulture,
                $"header length {headerLength} bytes is too short for the JSON header object '{{}}'."));
        }

        var header = GC.AllocateUninitializedArray<byte>((int)headerLength);
        stream.ReadExactly(header);
        var dataLength = length - 8 - (long)headerLength;
        var (entries, metadata) = ParseHeader(header, source);
        Validate(entries, dataLength, source);

        var archive = new SafeTensorsArchive(source);
        foreach (var (key, value) in metadata)
        {
            archive.Metadata.Add(key, value);
        }

        // Validated: the ranges tile the data section in this order, so the data is read front to back, each
        // allocation backed by bytes the file really has.
        foreach (var entry in entries)
        {
            var data = GC.AllocateUninitializedArray<byte>((int)(entry.End - entry.Begin));
            stream.ReadExactly(data);
            archive.Add(entry.Name, new SafeTensor(entry.DType, entry.Shape, data, $"{source}/{entry.Name}"));
        }

        return archive;
    }

    public static void Write(Stream stream, SafeTensorsArchive archive)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors support assumes a little-endian host.");
        }

        var json = new ArrayBufferWriter<byte>();

        // Relaxed escaping keeps the embedded architecture JSON readable (quotes as \" rather than \u0022); the
        // output is still plain JSON, never HTML.
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (archive.Metadata.Count > 0)
            {
                writer.WriteStartObject(SafeTensorsArchive.MetadataKey);
                foreach (var (key, value) in archive.Metadata)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, tensor) in archive)
            {
                writer.WriteStartObject(name);
                writer.WriteString(DTypeKey, SafeTensorsDTypes.Name(tensor.DType));
                writer.WriteStartArray(ShapeKey);
                foreach (var dimension in tensor.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteStartArray(OffsetsKey);
                writer.WriteNumberValue(offset);
                offset += tensor.DataBytes.Length;
                writer.WriteNumberValue(offset);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        // Spaces up to a multiple of 8, as the reference writer pads, so the data section starts 8-byte aligned.
        var padding = (8 - (json.WrittenCount % 8)) % 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(json.WrittenCount + padding));
        stream.Write(prefix);
        stream.Write(json.WrittenSpan);
        Span<byte> spaces = stackalloc byte[8];
        spaces.Fill((byte)' ');
        stream.Write(spaces[..padding]);
        foreach (var (_, tensor) in archive)
        {
            stream.Write(tensor.DataBytes);
        }
    }

    private static (List<Entry> Entries, List<KeyValuePair<string, string>> Metadata) ParseHeader(ReadOnlySpan<byte> header, string source)
    {
        if (header[0] != (byte)'{')
        {
            throw new SafeTensorsFormatException(source, $"the header must be a JSON object starting with '{{'; it starts with byte 0x{header[0]:X2}.");
        }

        var entries = new List<Entry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        List<KeyValuePair<string, string>>? metadata = null;
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = MaxJsonDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            Read(ref reader, source);
            while (true)
            {
                Read(ref reader, source);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var name = GetString(ref reader, source);
                if (name == SafeTensorsArchive.MetadataKey)
                {
                    if (metadata is not null)
                    {
                        throw new SafeTensorsFormatException(source, $"the header has '{SafeTensorsArchive.MetadataKey}' more than once.");
                    }

                    metadata = ReadMetadata(ref reader, source);
                    continue;
                }

                if (name.Length == 0)
                {
                    throw new SafeTensorsFormatException(source, "a tensor has an empty name.");
                }

                if (!names.Add(name))
                {
                    throw new SafeTensorsFormatException($"{source}/{Shorten(name)}", "the header names this tensor more than once.");
                }

                entries.Add(ReadEntry(ref reader, name, $"{source}/{Shorten(name)}"));
            }

            // Only whitespace (the padding) may follow the object; the reader refuses anything else here.
            if (reader.Read())
            {
                throw new SafeTensorsFormatException(source, $"unexpected {reader.TokenType} after the header object.");
            }
        }
        catch (JsonException ex)
        {
            throw new SafeTensorsFormatException(source, $"the header is not valid JSON: {ex.Message}", ex);
        }

        return (entries, metadata ?? []);
    }

    private static List<KeyValuePair<string, string>> ReadMetadata(ref Utf8JsonReader reader, string source)
    {
        var where = $"{source}/{SafeTensorsArchive.MetadataKey}";
        Read(ref reader, source);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafeTensorsFormatException(where, $"expected an object of string values; got {reader.TokenType}.");
        }

        var result = new List<KeyValuePair<string, string>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            Read(ref reader, source);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return result;
            }

            var key = GetString(ref reader, source);
            if (!keys.Add(key))
            {
                throw new SafeTensorsFormatException(where, $"key '{Shorten(key)}' appears more than once.");
            }

            Read(ref reader, source);
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new SafeTensorsFormatException(where, $"the value of '{Shorten(key)}' must be a string; got {reader.TokenType}.");
            }

            result.Add(new(key, GetString(ref reader, source)));
        }
    }

    private static Entry ReadEntry(ref Utf8JsonReader reader, string name, string where)
    {
        Read(ref reader, where);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafeTensorsFormatException(where, $"expected an object {{\"dtype\", \"shape\", \"data_offsets\"}}; got {reader.TokenType}.");
        }

        SafeTensorsDType? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (true)
        {
            Read(ref reader, where);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var key = GetString(ref reader, where);
            var duplicate = key switch
            {
                DTypeKey => dtype is not null,
                ShapeKey => shape is not null,
                OffsetsKey => offsets is not null,
                _ => throw new SafeTensorsFormatException(where, $"unexpected key '{Shorten(key)}'; expected \"{DTypeKey}\", \"{ShapeKey}\" and \"{OffsetsKey}\"."),
            };
            if (duplicate)
            {
                throw new SafeTensorsFormatException(where, $"key '{Shorten(key)}' appears more than once.");
            }

            Read(ref reader, where);
            switch (key)
            {
                case DTypeKey:
                    dtype = ReadDType(ref reader, where);
                    break;
                case ShapeKey:
                    shape = ReadIntegers(ref reader, where, ShapeKey, SafeTensor.MaxRank);
                    break;
                default:
                    offsets = ReadIntegers(ref reader, where, OffsetsKey, 2);
                    if (offsets.Length != 2)
                    {
                        throw new SafeTensorsFormatException(where, $"\"{OffsetsKey}\" must be [begin, end]; got {offsets.Length} numbers.");
                    }

                    break;
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            var missing = dtype is null ? DTypeKey : shape is null ? ShapeKey : OffsetsKey;
            throw new SafeTensorsFormatException(where, $"the tensor has no \"{missing}\".");
        }

        return new Entry(name, dtype.Value, shape, offsets[0], offsets[1]);
    }

    private static SafeTensorsDType ReadDType(ref Utf8JsonReader reader, string where)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new SafeTensorsFormatException(where, $"\"{DTypeKey}\" must be a string such as \"F32\"; got {reader.TokenType}.");
        }

        var text = GetString(ref reader, where);
        if (!SafeTensorsDTypes.TryParse(text, out var dtype))
        {
            throw new SafeTensorsFormatException(where, $"dtype '{Shorten(text)}' is not supported; expected {SafeTensorsDTypes.ValidNames}.");
        }

        return dtype;
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string where, string key, int max)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new SafeTensorsFormatException(where, $"\"{key}\" must be an array of non-negative integers; got {reader.TokenType}.");
        }

        var values = new List<long>();
        while (true)
        {
            Read(ref reader, where);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return [.. values];
            }

            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0)
            {
                var found = reader.TokenType == JsonTokenType.Number ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan) : reader.TokenType.ToString();
                throw new SafeTensorsFormatException(where, $"\"{key}\" must hold non-negative integers; found {Shorten(found)}.");
            }

            if (values.Count == max)
            {
                throw new SafeTensorsFormatException(where, string.Create(CultureInfo.InvariantCulture, $"\"{key}\" holds more than {max} numbers."));
            }

            values.Add(value);
        }
    }

    /// <summary>The reference implementation's rule: in offset order the ranges tile [0, data length) exactly.</summary>
    private static void Validate(List<Entry> entries, long dataLength, string source)
    {
        entries.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        Entry? previous = null;
        foreach (var entry in entries)
        {
            var where = $"{source}/{Shorten(entry.Name)}";
            var range = string.Create(CultureInfo.InvariantCulture, $"data_offsets [{entry.Begin}, {entry.End}]");
            if (entry.End < entry.Begin)
            {
                throw new SafeTensorsFormatException(where, $"{range} end before they begin.");
            }

            if (entry.End > dataLength)
            {
                throw new SafeTensorsFormatException(where, string.Create(CultureInfo.InvariantCulture, $"{range} run past the end of the data section, which holds {dataLength} bytes."));
            }

            if (entry.Begin < expected)
            {
                throw new SafeTensorsFormatException(where, string.Create(
                    CultureInfo.InvariantCulture,
                    $"{range} overlap tensor '{Shorten(previous!.Name)}' at [{previous.Begin}, {previous.End}]."));
            }

            if (entry.Begin > expected)
            {
                var after = previous is null ? "the start of the data section" : $"tensor '{Shorten(previous.Name)}' (which ends at {previous.End})";
                throw new SafeTensorsFormatException(where, string.Create(
                    CultureInfo.InvariantCulture,
                    $"{range} leave a hole of {entry.Begin - expected} bytes after {after}; tensors must cover the data section without gaps."));
            }

            var itemSize = SafeTensorsDTypes.ItemSize(entry.DType);
            var count = SafeTensor.ElementCount(entry.Shape);
            var needed = count is { } c ? (UInt128)c * (uint)itemSize : UInt128.MaxValue;
            var described = $"shape {SafeTensor.FormatShape(entry.Shape)} of {SafeTensorsDTypes.Name(entry.DType)}";
            if (needed != (UInt128)(entry.End - entry.Begin))
            {
                var bytes = count is null ? "more than 2^64 bytes" : $"{needed} bytes";
                throw new SafeTensorsFormatException(where, string.Create(CultureInfo.InvariantCulture, $"{described} needs {bytes}, but {range} hold {entry.End - entry.Begin}."));
            }

            if (entry.End - entry.Begin > Array.MaxLength)
            {
                throw new SafeTensorsFormatException(where, string.Create(CultureInfo.InvariantCulture, $"{described} needs {needed} bytes, more than one array can hold."));
            }

            expected = entry.End;
            previous = entry;
        }

        if (expected != dataLength)
        {
            throw new SafeTensorsFormatException(source, string.Create(
                CultureInfo.InvariantCulture,
                $"the tensors cover {expected} bytes, but the data section holds {dataLength}; {dataLength - expected} trailing bytes belong to no tensor."));
        }
    }

    private static void Read(ref Utf8JsonReader reader, string source)
    {
        if (!reader.Read())
        {
            throw new SafeTensorsFormatException(source, "the header JSON ends early.");
        }
    }

    private static string GetString(ref Utf8JsonReader reader, string source)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // Invalid UTF-8 inside a string token.
            throw new SafeTensorsFormatException(source, $"the header holds a string that is not valid UTF-8: {ex.Message}", ex);
        }
    }

    // A hostile header can hold a 100 MB string; messages quote at most a little of it (real tensor names are shorter).
    private static string Shorten(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    private sealed record Entry(string Name, SafeTensorsDType DType, long[] Shape, long Begin, long End);
}
