using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

/// <summary>
/// Integer <c>.npy</c> arrays written by NumPy (Fixtures/Npy/generate.py: <c>int_*.npy</c>): every dtype in both byte
/// orders reads as float/double with <see cref="NpyConversion.AllowIntegers"/>, exactly or not at all; the expected
/// values are the generator's (0, 1, 2, 3, the dtype's min and max), recomputed here from .NET's own limits.
/// </summary>
public sealed class NpyIntegerTests
{
    public static TheoryData<string, string, double, double> Dtypes() => new()
    {
        { "i1", "le", sbyte.MinValue, sbyte.MaxValue },
        { "u1", "le", byte.MinValue, byte.MaxValue },
        { "i2", "le", short.MinValue, short.MaxValue },
        { "i2", "be", short.MinValue, short.MaxValue },
        { "u2", "le", ushort.MinValue, ushort.MaxValue },
        { "u2", "be", ushort.MinValue, ushort.MaxValue },
        { "i4", "le", int.MinValue, int.MaxValue },
        { "i4", "be", int.MinValue, int.MaxValue },
        { "u4", "le", uint.MinValue, uint.MaxValue },
        { "u4", "be", uint.MinValue, uint.MaxValue },
        { "i8", "le", long.MinValue, long.MaxValue },
        { "i8", "be", long.MinValue, long.MaxValue },
        { "u8", "le", ulong.MinValue, ulong.MaxValue },
        { "u8", "be", ulong.MinValue, ulong.MaxValue },
    };

    private static readonly Dictionary<string, NpyDType> s_dtypes = new()
    {
        ["i1"] = NpyDType.Int8, ["u1"] = NpyDType.UInt8, ["i2"] = NpyDType.Int16, ["u2"] = NpyDType.UInt16,
        ["i4"] = NpyDType.Int32, ["u4"] = NpyDType.UInt32, ["i8"] = NpyDType.Int64, ["u8"] = NpyDType.UInt64,
    };

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void Every_integer_dtype_reads_as_double_in_either_byte_order(string code, string order, double min, double max)
    {
        var path = TestFiles.Fixture($"int_{code}_{order}_2x3.npy");
        var array = Npy.Read(path);

        Assert.Equal(s_dtypes[code], array.DType);
        Assert.Equal([2, 3], array.Shape.ToArray());
        Assert.Equal(code == "u1" || code == "i1" ? $"|{code}" : $"<{code}", array.Descr);

        // The 64-bit maxima have 63 and 64 significant bits: double cannot hold them, and says which element.
        if (code is "i8" or "u8")
        {
            var error = Assert.Throws<NpyFormatException>(() => array.ToArray<double>(NpyConversion.AllowIntegers));
            Assert.StartsWith($"{path}: element [1, 2] of dtype '<{code}' is {(code == "i8" ? long.MaxValue : ulong.MaxValue)}, which float64 cannot hold exactly", error.Message, StringComparison.Ordinal);
            return;
        }

        using var matrix = array.ToMatrix<double>(NpyVectorShape.Reject, NpyConversion.AllowIntegers);
        Assert.Equal([0, 1, 2, 3, min, max], matrix.ReadOnlySpan.DangerousGetSpan().ToArray());
    }

    [Theory]
    [InlineData("i1", true)]
    [InlineData("u1", true)]
    [InlineData("i2", true)]
    [InlineData("u2", true)]
    [InlineData("i4", false)]
    [InlineData("u4", false)]
    public void Float32_takes_the_values_with_at_most_24_significant_bits(string code, bool fits)
    {
        var array = Npy.Read(TestFiles.Fixture($"int_{code}_le_2x3.npy"));
        if (fits)
        {
            var values = array.ToArray<float>(NpyConversion.AllowIntegers);
            Assert.Equal(array.ToArray<double>(NpyConversion.AllowIntegers).Select(v => (float)v), values);
            return;
        }

        // int32's min is −2³¹ (one significant bit): exact; its max 2³¹−1 has 31 bits: refused, named by its index.
        var error = Assert.Throws<NpyFormatException>(() => array.ToArray<float>(NpyConversion.AllowIntegers));
        Assert.Contains(code == "i4" ? "element [1, 2] of dtype '<i4' is 2147483647, which float32 cannot hold exactly" : "element [1, 2] of dtype '<u4' is 4294967295, which float32 cannot hold exactly", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_ids_saved_by_numpy_read_as_a_column()
    {
        using var labels = Npy.ReadMatrix<float>(TestFiles.Fixture("int_i8_labels_10.npy"), NpyVectorShape.Column, NpyConversion.AllowIntegers);

        Assert.Equal(10, labels.Rows);
        Assert.Equal(1, labels.Columns);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)(i % 4)), labels.ReadOnlySpan.DangerousGetSpan().ToArray());
    }

    [Fact]
    public void The_data_loader_takes_numpy_class_ids_with_AllowIntegers()
    {
        using var files = new TestFiles();
        var xPath = files.PathOf("X.npy");
        Npy.Write(xPath, new ReadOnlyMatrixSpan<double>([.. Enumerable.Range(0, 20).Select(i => i * 0.5)], 10, 2));
        var yPath = TestFiles.Fixture("int_i8_labels_10.npy");

        using var data = DataLoader.ReadNpy<float>(xPath, yPath, conversion: NpyConversion.AllowIntegers);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)(i % 4)), data.Targets.ReadOnlySpan.DangerousGetSpan().ToArray());
        Assert.Equal(1.5f, data.Features[1, 1]);
        Assert.Throws<NpyFormatException>(() => DataLoader.ReadNpy<float>(xPath, yPath, conversion: NpyConversion.AllowPrecisionChange));
    }

    [Fact]
    public void Big_endian_fortran_order_is_swapped_then_transposed()
    {
        using var matrix = Npy.ReadMatrix<double>(TestFiles.Fixture("int_i2_fortran_3x4.npy"), NpyVectorShape.Reject, NpyConversion.AllowIntegers);

        // The generator's np.arange(12) − 6 in C order, whatever the file's layout.
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double)(i - 6)), matrix.ReadOnlySpan.DangerousGetSpan().ToArray());
    }

    [Fact]
    public void A_value_double_cannot_hold_is_an_error_naming_its_index_and_nothing_is_rounded()
    {
        var path = TestFiles.Fixture("int_i8_beyond_double_4.npy");
        var array = Npy.Read(path);

        var error = Assert.Throws<NpyFormatException>(() => array.ToArray<double>(NpyConversion.AllowIntegers));

        Assert.Equal($"{path}: element [3] of dtype '<i8' is 9007199254740993, which float64 cannot hold exactly (integers need at most 53 significant bits); nothing was rounded.", error.Message);

        // The first three (0, 2⁶⁰, 2⁵³) are exact; float32 takes 2⁶⁰ too (one significant bit) but not 2⁵³ + 1.
        var error32 = Assert.Throws<NpyFormatException>(() => array.ToArray<float>(NpyConversion.AllowIntegers));
        Assert.Contains("element [3] of dtype '<i8' is 9007199254740993, which float32 cannot hold exactly", error32.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NpyConversion.Exact)]
    [InlineData(NpyConversion.AllowPrecisionChange)]
    public void Integers_are_converted_only_when_asked(NpyConversion conversion)
    {
        var array = Npy.Read(TestFiles.Fixture("int_i8_labels_10.npy"));

        var error = Assert.Throws<NpyFormatException>(() => array.ToArray<float>(conversion));

        Assert.Contains("dtype '<i8' cannot be read as float32 (pass NpyConversion.AllowIntegers to convert exactly)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uint8_text_stays_bytes_and_integers_never_become_bytes()
    {
        Assert.Equal([0, 1, 2, 3, 0, 255], Npy.Read(TestFiles.Fixture("int_u1_le_2x3.npy")).ToArray<byte>());
        Assert.Throws<NpyFormatException>(() => Npy.Read(TestFiles.Fixture("int_i1_le_2x3.npy")).ToArray<byte>(NpyConversion.AllowIntegers));
    }

    [Fact]
    public void An_integer_array_written_back_is_what_numpy_wrote()
    {
        // NumPy's own little-endian file: read and written back byte for byte (the data is held little-endian).
        var path = TestFiles.Fixture("int_i8_labels_10.npy");
        using var stream = new MemoryStream();
        Npy.Write(stream, Npy.Read(path));

        Assert.Equal(File.ReadAllBytes(path), stream.ToArray());
    }

    [Theory]
    [InlineData("=i4", "has no explicit byte order")]
    [InlineData("|i4", "has no explicit byte order")]
    [InlineData(">f8", "is big-endian, which is not supported for floats")]
    [InlineData("<i3", "dtype '<i3' is not supported")]
    [InlineData("|b1", "dtype '|b1' is not supported")]
    [InlineData("<u16", "dtype '<u16' is not supported")]
    public void Unusable_integer_spellings_are_refused(string descr, string expected)
    {
        using var stream = new MemoryStream(NpyBytes.WithHeader($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2,), }}", new byte[16]));

        var error = Assert.Throws<NpyFormatException>(() => Npy.Read(stream, "bad.npy"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------ hostile bytes

    public static TheoryData<string> MutatedFixtures() => ["int_i8_labels_10.npy", "int_i4_be_2x3.npy", "int_i2_fortran_3x4.npy", "f64_5x2.npy"];

    [Theory]
    [MemberData(nameof(MutatedFixtures))]
    public void Truncation_at_every_byte_fails_cleanly(string name)
    {
        var bytes = File.ReadAllBytes(TestFiles.Fixture(name));
        for (var length = 0; length < bytes.Length; length++)
        {
            // A .npy has its length in the header: every cut is refused.
            Assert.False(ReadsOrFailsCleanly(bytes[..length], $"{name} truncated to {length} bytes"), $"{name} truncated to {length} bytes was read");
        }
    }

    [Theory]
    [MemberData(nameof(MutatedFixtures))]
    public void Seeded_byte_mutations_fail_cleanly_or_read(string name)
    {
        var original = File.ReadAllBytes(TestFiles.Fixture(name));
        // A seed from the name's characters (HashCode is randomised per process, so a failure could not be replayed).
        var random = new Random(name.Sum(c => c) + 13);
        var refused = 0;
        for (var i = 0; i < 200; i++)
        {
            var bytes = (byte[])original.Clone();
            // Most mutations in the header (the first 128 bytes), where the structure is; some in the data.
            var position = i % 4 == 3 ? random.Next(bytes.Length) : random.Next(Math.Min(128, bytes.Length));
            switch (i % 3)
            {
                case 0: bytes[position] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[position] = (byte)random.Next(256); break;
                default: bytes[position] = (byte)"0123456789(),'<>|=fiub"[random.Next(22)]; break; // plausible header text
            }

            refused += ReadsOrFailsCleanly(bytes, $"{name} mutation {i} at byte {position}") ? 0 : 1;
        }

        Assert.True(refused >= 50, $"only {refused} of 200 mutations were refused");
    }

    [Theory]
    [InlineData("(1000000000, 1000)")]
    [InlineData("(2147483647, 2147483647)")]
    [InlineData("(536870911, 2)")]
    public void A_lying_shape_allocates_nothing_it_promises(string shape)
    {
        var bytes = NpyBytes.WithHeader($"{{'descr': '<i8', 'fortran_order': False, 'shape': {shape}, }}", new byte[80]);

        // Seekable (a file) and not (a compressed .npz member): neither may trust the header's size.
        Assert.False(ReadsOrFailsCleanly(bytes, $"shape {shape}"));
        Assert.False(ReadsOrFailsCleanly(bytes, $"shape {shape}, unseekable", seekable: false));
    }

    /// <summary>True when the bytes read (and converted); fails the test for another exception, a slow read or a large allocation.</summary>
    private static bool ReadsOrFailsCleanly(byte[] bytes, string what, bool seekable = true) =>
        HostileInput.ParsesOrFailsCleanly<NpyFormatException>(
            () =>
            {
                using Stream stream = seekable ? new MemoryStream(bytes) : new ForwardOnlyStream(bytes);
                _ = Npy.Read(stream, "mutated.npy").ToArray<double>(NpyConversion.AllowIntegers);
            },
            "mutated.npy",
            what,
            maxAllocatedBytes: 3 << 20);

    /// <summary>A stream that cannot seek or tell its length, like a deflated zip member.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
