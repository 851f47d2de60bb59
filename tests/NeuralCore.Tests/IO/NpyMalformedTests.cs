using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

/// <summary>Every kind of bad file gives an <see cref="NpyFormatException"/> naming the file and what was found.</summary>
public sealed class NpyMalformedTests
{
    private static NpyFormatException ReadFails(string name)
    {
        var path = TestFiles.Fixture(name);
        var error = Assert.Throws<NpyFormatException>(() => Npy.Read(path));
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FileName);
        return error;
    }

    private static NpyFormatException ReadBytesFails(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var error = Assert.Throws<NpyFormatException>(() => Npy.Read(stream, "bad.npy"));
        Assert.StartsWith("bad.npy: ", error.Message, StringComparison.Ordinal);
        return error;
    }

    private static byte[] ValidFile()
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, NpyArray.FromSpan<float>([1f, 2f, 3f, 4f, 5f, 6f]));
        return stream.ToArray();
    }

    [Fact]
    public void Int64_data_is_not_weights_unless_integers_are_asked_for()
    {
        var path = TestFiles.Fixture("bad_int64.npy");

        var error = Assert.Throws<NpyFormatException>(() => Npy.ReadMatrix<float>(path, NpyVectorShape.Reject, NpyConversion.AllowPrecisionChange));

        Assert.Equal($"{path}: dtype '<i8' cannot be read as float32 (pass NpyConversion.AllowIntegers to convert exactly).", error.Message);
    }

    [Fact]
    public void Unknown_dtype_is_named_with_the_supported_ones() =>
        Assert.Contains("dtype '<c8' is not supported; expected '<f4', '<f8', or an integer dtype", ReadBytesFails(NpyBytes.WithHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", new byte[16])).Message, StringComparison.Ordinal);

    [Fact]
    public void Big_endian_data_is_refused_with_the_little_endian_spelling() =>
        Assert.Contains("'>f4' is big-endian, which is not supported for floats", ReadFails("bad_bigendian.npy").Message, StringComparison.Ordinal);

    [Fact]
    public void Three_dimensional_array_is_refused_with_its_shape() =>
        Assert.Contains("3-D array of shape (2, 3, 4)", ReadFails("bad_3d.npy").Message, StringComparison.Ordinal);

    [Fact]
    public void Object_array_is_refused() =>
        Assert.Contains("'|O' is an object array", ReadFails("bad_object.npy").Message, StringComparison.Ordinal);

    [Fact]
    public void Bad_member_in_an_archive_names_the_archive_and_the_member()
    {
        var path = TestFiles.Fixture("bad_member_int64.npz");

        var error = Assert.Throws<NpyFormatException>(() => Npz.Read(path)["counts"].ToArray<float>());

        Assert.StartsWith($"{path}/counts.npy: dtype '<i8'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_archive_member_lists_the_members_that_exist()
    {
        var path = TestFiles.Fixture("model_stored.npz");
        var archive = Npz.Read(path);

        var error = Assert.Throws<NpyFormatException>(() => archive["W9"]);

        Assert.Equal($"{path}: member 'W9' not found; members are: W1, b1, architecture.", error.Message);
    }

    [Fact]
    public void Wrong_magic_shows_the_bytes_found()
    {
        var bytes = ValidFile();
        bytes[0] = (byte)'P';

        Assert.Contains("expected the magic \\x93NUMPY, found bytes 504E554D5059", ReadBytesFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file_is_reported_as_empty() =>
        Assert.Contains("the file is empty", ReadBytesFails([]).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(7, "inside the version field")]
    [InlineData(9, "inside the header-length field")]
    [InlineData(40, "truncated header: expected 118 header bytes, the file has 30")]
    public void Truncated_header_says_where_the_file_ends(int keep, string expected) =>
        Assert.Contains(expected, ReadBytesFails(ValidFile()[..keep]).Message, StringComparison.Ordinal);

    [Fact]
    public void Shape_promising_more_data_than_the_file_has_is_refused()
    {
        var bytes = ValidFile();

        var error = ReadBytesFails(bytes[..^4]);

        Assert.Contains("promises shape (6,) of '<f4' (24 data bytes), but the file has only 20 data bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_promising_less_data_than_the_file_has_is_refused_for_files()
    {
        using var files = new TestFiles();
        var path = files.PathOf("long.npy");
        File.WriteAllBytes(path, [.. ValidFile(), 1, 2, 3, 4]);

        var error = Assert.Throws<NpyFormatException>(() => Npy.Read(path));

        Assert.Contains("(24 data bytes), but 4 more bytes follow the data", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "no 'shape' key")]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "no 'fortran_order' key")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", "0-D (scalar) array is not supported")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", "structured (record) dtypes are not supported")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", "expected True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "expected a non-negative integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1, }", "unexpected header key 'extra'")]
    [InlineData("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", "dtype '<f2' is not supported")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected '}'")]
    public void Malformed_header_dictionary_is_explained(string header, string expected) =>
        Assert.Contains(expected, ReadBytesFails(NpyBytes.WithHeader(header, new byte[8])).Message, StringComparison.Ordinal);

    [Fact]
    public void Python2_long_suffix_and_double_quotes_are_accepted()
    {
        using var stream = new MemoryStream(NpyBytes.WithHeader("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (1L, 2L), }", new byte[16]));

        Assert.Equal([1, 2], Npy.Read(stream).Shape.ToArray());
    }

    [Fact]
    public void Unknown_format_version_is_refused()
    {
        var bytes = ValidFile();
        bytes[6] = 4;

        Assert.Contains("format version 4.0 is not supported", ReadBytesFails(bytes).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_refused_as_npz()
    {
        using var stream = new MemoryStream(ValidFile());

        var error = Assert.Throws<NpyFormatException>(() => Npz.Read(stream, "model.npz"));

        Assert.StartsWith("model.npz: not a valid .npz (zip) archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_utf8_bytes_are_refused_as_text()
    {
        var array = NpyArray.FromSpan<byte>([0xC3, 0x28]);

        Assert.Throws<NpyFormatException>(array.ToUtf8String);
        Assert.Throws<NpyFormatException>(() => NpyArray.FromSpan<float>([1f]).ToUtf8String());
    }

    public static TheoryData<string> CentralDirectoryDamage => new()
    {
        "end record truncated",
        "end record signature overwritten",
        "end record cut to its signature",
        "directory offset past the end",
        "directory offset at the first local header",
        "entry count 9",
        "entry signature overwritten",
        "entry name length 65535",
        "entry local header offset past the end",
        "entry local header offset into the directory",
        "entry compressed size 2^31",
        "directory zeroed",
    };

    [Theory]
    [MemberData(nameof(CentralDirectoryDamage))]
    public void An_npz_with_a_damaged_central_directory_is_an_error_naming_the_file(string damage)
    {
        using var files = new TestFiles();
        var path = files.PathOf("damaged.npz");
        using (var stream = new MemoryStream())
        {
            Npz.Write(stream, new NpzArchive
            {
                { "a", NpyArray.FromSpan<float>([1f, 2f, 3f]) },
                { "b", NpyArray.FromSpan<sbyte>([-1, 2]) },
            });
            File.WriteAllBytes(path, Damage(stream.ToArray(), damage));
        }

        var error = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The archive with its end-of-central-directory record (the last 22 bytes: no comment) or first directory entry damaged.</summary>
    private static byte[] Damage(byte[] zip, string damage)
    {
        var end = zip.Length - 22;
        Assert.Equal(0x06054B50u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end)));
        var directory = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var directorySize = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 12));
        Assert.Equal(0x02014B50u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(directory)));
        void Put32(int at, uint value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at), value);
        void Put16(int at, ushort value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(at), value);
        switch (damage)
        {
            case "end record truncated":
                return zip[..^5];
            case "end record signature overwritten":
                Put32(end, 0x41414141);
                break;
            case "end record cut to its signature":
                return zip[..(end + 4)];
            case "directory offset past the end":
                Put32(end + 16, (uint)zip.Length + 100);
                break;
            case "directory offset at the first local header":
                Put32(end + 16, 0);
                break;
            case "entry count 9":
                Put16(end + 8, 9);
                Put16(end + 10, 9);
                break;
            case "entry signature overwritten":
                Put32(directory, 0x41414141);
                break;
            case "entry name length 65535":
                Put16(directory + 28, ushort.MaxValue);
                break;
            case "entry local header offset past the end":
                Put32(directory + 42, (uint)zip.Length + 100);
                break;
            case "entry local header offset into the directory":
                Put32(directory + 42, (uint)directory);
                break;
            case "entry compressed size 2^31":
                Put32(directory + 20, 1u << 31);
                break;
            case "directory zeroed":
                zip.AsSpan(directory, directorySize).Clear();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, "Not a damage this test knows.");
        }

        return zip;
    }
}
