using System.Buffers.Binary;
using System.Text;
using NeuralCore.IO;
using static NeuralCore.Tests.IO.SafeTensorsFixtureTests;

namespace NeuralCore.Tests.IO;

/// <summary>
/// Every kind of bad <c>.safetensors</c> file gives a <see cref="SafeTensorsFormatException"/> naming the file and what
/// was wrong, before allocating anything the file only claims; seeded mutations of the fixtures never get anything else.
/// </summary>
public sealed class SafeTensorsMalformedTests
{
    private static readonly string[] s_fixtures = ["torch_f32.safetensors", "torch_f64.safetensors", "torch_bf16.safetensors", "torch_f32_plain.safetensors", "neuralcore_f32.safetensors"];

    /// <summary>A file with this header text (unpadded) and data.</summary>
    private static byte[] Raw(string header, int dataLength = 0) => Raw(Encoding.UTF8.GetBytes(header), dataLength);

    private static byte[] Raw(byte[] header, int dataLength = 0)
    {
        var bytes = new byte[8 + header.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static string ReadFails(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(stream, "bad.safetensors"));
        Assert.StartsWith("bad.safetensors", error.Message, StringComparison.Ordinal);
        return error.Message;
    }

    [Theory]
    [InlineData(0, "bad.safetensors: the file is empty; a safetensors file starts with an 8-byte header length.")]
    [InlineData(5, "bad.safetensors: the file has only 5 bytes; a safetensors file starts with an 8-byte header length.")]
    public void TooShortForTheLengthField(int length, string expected) =>
        Assert.Equal(expected, ReadFails(new byte[length]));

    [Fact]
    public void LyingHeaderLength_FailsFast_WithoutAllocatingWhatItClaims()
    {
        // A 10-byte file claiming a 4 GB header.
        var bytes = new byte[10];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 4UL << 30);
        bytes[8] = (byte)'{';
        bytes[9] = (byte)'}';
        using var stream = new MemoryStream(bytes);
        SafeTensors.Read(new MemoryStream(Raw("{}"))); // warm up the code path so the measurement sees only this read

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(stream, "bad.safetensors"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("bad.safetensors: header length 4294967296 bytes, but only 2 bytes follow the 8-byte length field.", error.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void HeaderLengthOverTheCap_IsRefused_EvenWhenTheFileIsThatLarge()
    {
        // A 200 MB "file" (a stream that reports the length and reads zeros) claiming a 150 MB header.
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, 150_000_000);
        using var stream = new SparseStream(prefix, 200_000_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(stream, "bad.safetensors"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
        Assert.Equal("bad.safetensors: header length 150000000 bytes exceeds the limit of 100000000 bytes (the file has 200000000 bytes).", error.Message);
    }

    [Fact]
    public void HeaderLengthOfAllOnes_IsRefused() =>
        Assert.Contains("header length 18446744073709551615 bytes, but only 2 bytes follow", ReadFails([.. new byte[] { 255, 255, 255, 255, 255, 255, 255, 255 }, .. "{}"u8]), StringComparison.Ordinal);

    [Fact]
    public void LyingTensorSize_InATinyFile_FailsWithoutAllocatingIt()
    {
        // The header claims a 4 GB tensor; the file has 8 data bytes.
        var bytes = Raw("""{"w":{"dtype":"F32","shape":[1073741824],"data_offsets":[0,4294967296]}}""", 8);
        using var stream = new MemoryStream(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(stream, "bad.safetensors"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("bad.safetensors/w: data_offsets [0, 4294967296] run past the end of the data section, which holds 8 bytes.", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "bad.safetensors/b: data_offsets [4, 12] overlap tensor 'a' at [0, 8].")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8, "bad.safetensors/b: data_offsets [0, 8] overlap tensor 'a' at [0, 8].")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "bad.safetensors/a: data_offsets [0, 16] run past the end of the data section, which holds 8 bytes.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "bad.safetensors/b: data_offsets [8, 12] leave a hole of 4 bytes after tensor 'a' (which ends at 4)")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "bad.safetensors/a: data_offsets [4, 8] leave a hole of 4 bytes after the start of the data section")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 12, "bad.safetensors: the tensors cover 4 bytes, but the data section holds 12; 8 trailing bytes belong to no tensor.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "bad.safetensors/a: shape [3] of F32 needs 12 bytes, but data_offsets [0, 8] hold 8.")]
    [InlineData("""{"a":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}}""", 8, "shape [4294967296, 4294967296, 16] of F64 needs more than 2^64 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "bad.safetensors/a: data_offsets [8, 0] end before they begin.")]
    [InlineData("""{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", 8, "bad.safetensors/a: dtype 'I64' is not supported; expected F32, F64, F16, BF16 or I8.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "bad.safetensors/a: the header names this tensor more than once.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"dtype":"F32"}}""", 4, "bad.safetensors/a: key 'dtype' appears more than once.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"offsets":[0,4]}}""", 4, "bad.safetensors/a: unexpected key 'offsets'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]}}""", 4, "bad.safetensors/a: the tensor has no \"data_offsets\".")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "\"shape\" must hold non-negative integers; found -1.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", 4, "\"shape\" must hold non-negative integers; found 1.5.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}""", 8, "\"data_offsets\" holds more than 2 numbers.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4]}}""", 4, "\"data_offsets\" must be [begin, end]; got 1 numbers.")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}}""", 4, "\"shape\" holds more than 16 numbers.")]
    [InlineData("""{"a":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}""", 4, "\"dtype\" must be a string such as \"F32\"; got Number.")]
    [InlineData("""{"a":[1]}""", 4, "bad.safetensors/a: expected an object")]
    [InlineData("""{"__metadata__":{"k":"v","k":"w"}}""", 0, "bad.safetensors/__metadata__: key 'k' appears more than once.")]
    [InlineData("""{"__metadata__":{"k":1}}""", 0, "bad.safetensors/__metadata__: the value of 'k' must be a string; got Number.")]
    [InlineData("""{"__metadata__":{},"__metadata__":{}}""", 0, "the header has '__metadata__' more than once.")]
    [InlineData("""{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4, "a tensor has an empty name.")]
    [InlineData(""" {}""", 0, "the header must be a JSON object starting with '{'; it starts with byte 0x20.")]
    [InlineData("""[]""", 0, "the header must be a JSON object starting with '{'; it starts with byte 0x5B.")]
    [InlineData("""{"a":""", 0, "bad.safetensors: the header is not valid JSON")]
    [InlineData("""{} x""", 0, "bad.safetensors: the header is not valid JSON")]
    [InlineData("""{}/* comment */""", 0, "bad.safetensors: the header is not valid JSON")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],}}""", 4, "bad.safetensors: the header is not valid JSON")]
    public void MalformedHeader_IsExplained(string header, int dataLength, string expected) =>
        Assert.Contains(expected, ReadFails(Raw(header, dataLength)), StringComparison.Ordinal);

    [Fact]
    public void PaddingOtherThanJsonWhitespace_IsRefused() =>
        Assert.Contains("not valid JSON", ReadFails(Raw([.. "{}"u8, 0, 0, 0, 0, 0, 0])), StringComparison.Ordinal);

    [Fact]
    public void HugeNames_AreShortenedInMessages()
    {
        var name = new string('n', 1_000_000);
        var message = ReadFails(Raw("{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"" + name + "\":{}}", 4));
        Assert.Contains("the header names this tensor more than once", message, StringComparison.Ordinal);
        Assert.True(message.Length < 400, $"{message.Length} characters");
    }

    [Fact]
    public void InvalidUtf8InAName_IsRefused() =>
        ReadFails(Raw([.. "{\""u8, 0xC3, 0x28, .. "\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}"u8]));

    [Theory]
    [InlineData(100)]
    [InlineData(100_000)]
    public void DeepNesting_FailsAtABoundedDepth(int depth)
    {
        foreach (var prefix in new[] { """{"a":{"shape":""", """{"__metadata__":{"k":""", """{"a":""" })
        {
            var header = prefix + new string('[', depth) + new string(']', depth) + "}}";
            var before = GC.GetAllocatedBytesForCurrentThread();
            ReadFails(Raw(header));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (4L * depth) + (256 * 1024));
        }
    }

    [Fact]
    public void EmptyHeaderObject_IsAnEmptyArchive_AndUnpaddedIsAccepted()
    {
        using var stream = new MemoryStream(Raw("{}"));
        var archive = SafeTensors.Read(stream);
        Assert.Equal(0, archive.Count);
        Assert.Empty(archive.Metadata);
        Assert.Contains("tensor 'x' not found; the file has no tensors", Assert.Throws<SafeTensorsFormatException>(() => archive["x"]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonSeekableStream_ReadsTheSame()
    {
        var bytes = File.ReadAllBytes(Fixture("torch_f32.safetensors"));
        var archive = SafeTensors.Read(new ForwardOnlyStream(bytes));
        Assert.Equal(SafeTensors.Read(new MemoryStream(bytes)).Names, archive.Names);
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(new ForwardOnlyStream(bytes[..^1])));
    }

    [Fact]
    public void TruncatedAtEveryTenthByte_Fails()
    {
        foreach (var name in s_fixtures)
        {
            var bytes = File.ReadAllBytes(Fixture(name));
            for (var length = 0; length < bytes.Length; length += 10)
            {
                AssertDocumentedFailure(bytes[..length], $"{name} truncated to {length} bytes", mustFail: true);
            }
        }
    }

    [Fact]
    public void SeededByteFlips_FailWithTheDocumentedException_OrLoad()
    {
        var random = new Random(1212);
        var cases = 0;
        var failed = 0;
        foreach (var name in s_fixtures)
        {
            var original = File.ReadAllBytes(Fixture(name));
            var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
            for (var i = 0; i < 80; i++)
            {
                var bytes = (byte[])original.Clone();

                // Mostly the header (where the structure is); some data bytes, which must still load.
                var flips = 1 + random.Next(3);
                for (var f = 0; f < flips; f++)
                {
                    var position = random.Next(4) == 0 ? random.Next(bytes.Length) : random.Next(headerEnd);
                    bytes[position] ^= (byte)(1 << random.Next(8));
                }

                failed += AssertDocumentedFailure(bytes, $"{name} flip case {i}", mustFail: false) ? 1 : 0;
                cases++;
            }
        }

        Assert.Equal(400, cases);

        // Both outcomes occur: header flips break the structure, data flips leave a valid file with other weights.
        Assert.InRange(failed, 200, 390);
    }

    [Fact]
    public void SeededLyingLengthsAndOffsets_FailWithTheDocumentedException()
    {
        var random = new Random(77);
        var original = File.ReadAllBytes(Fixture("torch_f32.safetensors"));
        var header = Encoding.UTF8.GetString(original, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(original));
        var failed = 0;
        for (var i = 0; i < 100; i++)
        {
            byte[] bytes;
            if (i < 40)
            {
                // The length field: huge, off by a little, or zero.
                bytes = (byte[])original.Clone();
                var lie = (i % 4) switch
                {
                    0 => (ulong)random.NextInt64(),
                    1 => (ulong)((long)BinaryPrimitives.ReadUInt64LittleEndian(original) + random.Next(-9, 10)),
                    2 => (ulong)random.Next(0, 16),
                    _ => ulong.MaxValue - (ulong)random.Next(1000),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, lie);
            }
            else
            {
                // A number in the header replaced by another (offsets, shapes), padded back to the same length.
                var digits = System.Text.RegularExpressions.Regex.Matches(header, "[0-9]+");
                var match = digits[random.Next(digits.Count)];
                var replacement = random.Next(3) switch
                {
                    0 => "0",
                    1 => random.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => (long.Parse(match.Value, System.Globalization.CultureInfo.InvariantCulture) + random.Next(1, 9)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                var text = (header[..match.Index] + replacement + header[(match.Index + match.Length)..]).TrimEnd();
                bytes = [.. Raw(text), .. original.AsSpan(8 + header.Length)];
            }

            failed += AssertDocumentedFailure(bytes, $"lying case {i}", mustFail: false) ? 1 : 0;
        }

        Assert.InRange(failed, 90, 100);
    }

    /// <summary>
    /// Reading (and loading as a model) either succeeds or throws <see cref="SafeTensorsFormatException"/>, allocating
    /// no more than a small multiple of the file.
    /// </summary>
    /// <returns>Whether it failed.</returns>
    private static bool AssertDocumentedFailure(byte[] bytes, string what, bool mustFail)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Exception? failure = null;
        try
        {
            using var stream = new MemoryStream(bytes);
            SafeTensors.Read(stream, "m.safetensors");
            stream.Position = 0;
            using var network = ModelFile.Load<float>(stream, ModelFormat.SafeTensors, FixtureArchitecture, NpyConversion.AllowPrecisionChange, "m.safetensors");
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (failure is not null && failure is not SafeTensorsFormatException)
        {
            Assert.Fail($"{what}: {failure.GetType().Name}: {failure.Message}");
        }

        Assert.False(mustFail && failure is null, $"{what}: expected a SafeTensorsFormatException");
        Assert.True(allocated < (32L * bytes.Length) + (512 * 1024), $"{what}: allocated {allocated} bytes for a {bytes.Length}-byte file");
        return failure is not null;
    }

    /// <summary>A read-only seekable stream of <c>length</c> bytes: <c>prefix</c>, then zeros (nothing allocated for them).</summary>
    private sealed class SparseStream(byte[] prefix, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => _position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = _position + i < prefix.Length ? prefix[_position + i] : (byte)0;
            }

            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
