using System.Runtime.InteropServices;
using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

/// <summary>Write → read round trips must give back the same bits for every supported dtype, rank and order.</summary>
public sealed class NpyRoundTripTests
{
    public static TheoryData<int, int> Shapes => new()
    {
        { 0, 0 }, { 0, 5 }, { 1, 1 }, { 1, 17 }, { 17, 1 }, { 3, 7 }, { 31, 33 }, { 64, 65 }, { 129, 3 },
    };

    // Random bits, not random values: every pattern (NaNs with payloads, subnormals, -0) must survive.
    private static T[] RandomBits<T>(int length, int seed)
        where T : unmanaged
    {
        var values = new T[length];
        new Random(seed).NextBytes(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static byte[] Bits<T>(ReadOnlySpan<T> values)
        where T : unmanaged => MemoryMarshal.AsBytes(values).ToArray();

    private static NpyArray ThroughStream(NpyArray array)
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, array);
        stream.Position = 0;
        return Npy.Read(stream);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matrices_round_trip_bit_exactly(int rows, int columns)
    {
        RoundTripMatrix<float>(rows, columns);
        RoundTripMatrix<double>(rows, columns);
        RoundTripMatrix<byte>(rows, columns);
    }

    private static void RoundTripMatrix<T>(int rows, int columns)
        where T : unmanaged
    {
        var values = RandomBits<T>(rows * columns, (rows * 1000) + columns);
        using var matrix = Matrix<T>.FromSpan(values, rows, columns);

        var back = ThroughStream(NpyArray.FromMatrix(matrix.ReadOnlySpan));

        Assert.Equal([rows, columns], back.Shape.ToArray());
        using var read = back.ToMatrix<T>();
        Assert.Equal(Bits<T>(values), Bits<T>(read.ToArray()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(63)]
    [InlineData(257)]
    [InlineData(10_000)]
    public void Vectors_round_trip_bit_exactly(int length)
    {
        var floats = RandomBits<float>(length, length);
        var doubles = RandomBits<double>(length, length + 1);
        var bytes = RandomBits<byte>(length, length + 2);

        Assert.Equal(Bits<float>(floats), Bits<float>(ThroughStream(NpyArray.FromSpan<float>(floats)).ToArray<float>()));
        Assert.Equal(Bits<double>(doubles), Bits<double>(ThroughStream(NpyArray.FromSpan<double>(doubles)).ToArray<double>()));
        Assert.Equal(bytes, ThroughStream(NpyArray.FromSpan<byte>(bytes)).ToArray<byte>());
    }

    [Fact]
    public void Int8_and_uint16_are_written_as_numpy_writes_them_and_read_back_byte_exact()
    {
        // The generator's values (0, 1, 2, 3, min, max) as [2, 3]: the same bytes as NumPy's own file, header and data.
        Int8OrUInt16<sbyte>([0, 1, 2, 3, sbyte.MinValue, sbyte.MaxValue], "|i1", "int_i1_le_2x3.npy");
        Int8OrUInt16<ushort>([0, 1, 2, 3, ushort.MinValue, ushort.MaxValue], "<u2", "int_u2_le_2x3.npy");

        // Every bit pattern, as a matrix and as a vector.
        Int8OrUInt16<sbyte>(RandomBits<sbyte>(5 * 51, 8), "|i1", null);
        Int8OrUInt16<ushort>(RandomBits<ushort>(5 * 51, 9), "<u2", null);
    }

    private static void Int8OrUInt16<T>(T[] values, string descr, string? numpyFixture)
        where T : unmanaged
    {
        var rows = numpyFixture is null ? 5 : 2;
        using var matrix = Matrix<T>.FromSpan(values, rows, values.Length / rows);
        foreach (var (array, shape) in new[] { (NpyArray.FromMatrix(matrix.ReadOnlySpan), $"({rows}, {values.Length / rows})"), (NpyArray.FromSpan<T>(values), $"({values.Length},)") })
        {
            using var stream = new MemoryStream();
            Npy.Write(stream, array);
            var bytes = stream.ToArray();

            // Version 1.0: the header's length in bytes 8–9, then the dictionary, padded with spaces to a multiple of 64.
            Assert.Equal([0x93, .. "NUMPY"u8, 1, 0], bytes[..8]);
            var headerLength = bytes[8] | (bytes[9] << 8);
            var header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
            Assert.Equal($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}", header.TrimEnd(' ', '\n'));
            Assert.EndsWith("\n", header, StringComparison.Ordinal);
            Assert.Equal(0, (10 + headerLength) % 64);
            Assert.Equal(Bits<T>(values), bytes[(10 + headerLength)..]);
            if (numpyFixture is not null && array.Rank == 2)
            {
                Assert.Equal(File.ReadAllBytes(TestFiles.Fixture(numpyFixture)), bytes);
            }

            stream.Position = 0;
            var back = Npy.Read(stream);
            Assert.Equal(array.DType, back.DType);
            Assert.Equal(descr, back.Descr);
            Assert.Equal(array.Shape.ToArray(), back.Shape.ToArray());
            Assert.Equal(Bits<T>(values), back.DataBytes.ToArray());
            Assert.Equal(values, back.ToArray<T>());
        }
    }

    [Fact]
    public void Strided_views_are_written_without_their_padding()
    {
        using var padded = new Matrix<double>(4, 3, stride: 8);
        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                padded[r, c] = (r * 3) + c;
            }
        }

        var back = ThroughStream(NpyArray.FromMatrix(padded.ReadOnlySpan));

        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), back.ToArray<double>());
    }

    [Fact]
    public void CopyTo_fills_a_strided_destination_and_checks_its_shape()
    {
        var array = NpyArray.FromSpan<float>([1, 2, 3, 4, 5, 6]);
        using var column = new Matrix<float>(6, 1, stride: 16);
        using var wrong = new Matrix<float>(2, 3);

        array.CopyTo(column.Span, NpyVectorShape.Column);
        var error = Assert.Throws<NpyFormatException>(() => array.CopyTo(wrong.Span, NpyVectorShape.Column));

        Assert.Equal([1f, 2, 3, 4, 5, 6], column.ToArray());
        Assert.Contains("(6,)", error.Message, StringComparison.Ordinal);
        Assert.Contains("2×3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arrays_written_back_to_back_on_one_stream_read_back_in_order()
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, NpyArray.FromSpan<float>([1f, 2f]));
        Npy.Write(stream, NpyArray.FromSpan<double>([3.0]));
        stream.Position = 0;

        Assert.Equal([1f, 2f], Npy.Read(stream).ToArray<float>());
        Assert.Equal([3.0], Npy.Read(stream).ToArray<double>());
    }

    [Fact]
    public void Paths_round_trip_through_npy_and_npz_in_both_compressions()
    {
        using var files = new TestFiles();
        var weights = RandomBits<float>(6 * 5, 42);
        using var matrix = Matrix<float>.FromSpan(weights, 6, 5);
        var text = "{\"layers\":[5,6]}";

        Npy.Write(files.PathOf("w.npy"), matrix.ReadOnlySpan);
        using var fromNpy = Npy.ReadMatrix<float>(files.PathOf("w.npy"));
        Assert.Equal(Bits<float>(weights), Bits<float>(fromNpy.ToArray()));

        foreach (var compression in new[] { NpzCompression.Stored, NpzCompression.Deflated })
        {
            var path = files.PathOf($"model-{compression}.npz");
            Npz.Write(path, new NpzArchive
            {
                { "architecture", NpyArray.FromUtf8String(text) },
                { "W1", NpyArray.FromMatrix(matrix.ReadOnlySpan) },
                { "b1", NpyArray.FromSpan<double>([0.5, -0.0]) },
            }, compression);

            var archive = Npz.Read(path);
            Assert.Equal(["architecture", "W1", "b1"], archive.Names);
            Assert.Equal(text, archive["architecture"].ToUtf8String());
            Assert.Equal(Bits<float>(weights), Bits<float>(archive["W1"].ToArray<float>()));
            Assert.Equal(Bits<double>([0.5, -0.0]), Bits<double>(archive["b1"].ToArray<double>()));
        }

        // Deflate must actually compress (the weights are random, but the header padding is not).
        Assert.True(new FileInfo(files.PathOf("model-Deflated.npz")).Length < new FileInfo(files.PathOf("model-Stored.npz")).Length);
    }

    [Fact]
    public void Writing_the_same_archive_twice_gives_the_same_bytes()
    {
        var archive = new NpzArchive { { "a", NpyArray.FromSpan<float>([1f, 2f, 3f]) } };
        using var first = new MemoryStream();
        using var second = new MemoryStream();

        Npz.Write(first, archive, NpzCompression.Deflated);
        Thread.Sleep(10);
        Npz.Write(second, archive, NpzCompression.Deflated);

        Assert.Equal(first.ToArray(), second.ToArray());
    }

    [Fact]
    public void Unsupported_element_types_are_refused_when_building_an_array()
    {
        Assert.Throws<NotSupportedException>(() => NpyArray.FromSpan<int>([1, 2]));
        Assert.Throws<NotSupportedException>(() => NpyArray.FromSpan<float>([1f]).ToArray<long>());
    }
}
