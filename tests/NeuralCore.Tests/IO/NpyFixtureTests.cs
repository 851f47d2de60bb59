using System.Runtime.InteropServices;
using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

/// <summary>
/// Files written by NumPy 1.24 (Fixtures/Npy/generate.py): read them bit-exactly, and write the same arrays back
/// byte-identically. Expected values are recomputed here from the generator's formula, not copied from the files.
/// </summary>
public sealed class NpyFixtureTests
{
    // The generator's formula: element (i, j) = i·10 + j + 0.25, exactly representable in float32 and float64.
    private static double Formula(int i, int j) => (i * 10) + j + 0.25;

    private static float[] ExpectedF32x3x4()
    {
        var values = new float[12];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                values[(i * 4) + j] = (float)Formula(i, j);
            }
        }

        values[1] = -0.0f;
        values[6] = float.PositiveInfinity;
        // np.nan is the positive quiet NaN 0x7FC00000; .NET's float.NaN is 0xFFC00000, so spell out NumPy's bits.
        values[11] = BitConverter.Int32BitsToSingle(0x7FC00000);
        return values;
    }

    private static double[] ExpectedMatrix(int rows, int columns)
    {
        var values = new double[rows * columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                values[(i * columns) + j] = Formula(i, j);
            }
        }

        return values;
    }

    private static void AssertBitsEqual<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual)
        where T : unmanaged =>
        Assert.Equal(MemoryMarshal.AsBytes(expected).ToArray(), MemoryMarshal.AsBytes(actual).ToArray());

    [Fact]
    public void Float32_matrix_with_special_values_reads_bit_exactly()
    {
        var array = Npy.Read(TestFiles.Fixture("f32_3x4.npy"));

        Assert.Equal(NpyDType.Float32, array.DType);
        Assert.Equal([3, 4], array.Shape.ToArray());
        using var matrix = array.ToMatrix<float>();
        Assert.Equal((3, 4), (matrix.Rows, matrix.Columns));
        AssertBitsEqual<float>(ExpectedF32x3x4(), matrix.ToArray());
    }

    [Fact]
    public void Float64_matrix_with_subnormal_and_infinity_reads_bit_exactly()
    {
        var expected = ExpectedMatrix(5, 2);
        expected[8] = double.NegativeInfinity;
        expected[7] = 1e-310;

        var actual = Npy.Read(TestFiles.Fixture("f64_5x2.npy")).ToArray<double>();

        AssertBitsEqual<double>(expected, actual);
    }

    [Fact]
    public void Fortran_order_is_transposed_into_row_major()
    {
        var array = Npy.Read(TestFiles.Fixture("f64_fortran_3x4.npy"));

        Assert.Equal([3, 4], array.Shape.ToArray());
        AssertBitsEqual<double>(ExpectedMatrix(3, 4), array.ToArray<double>());
    }

    [Theory]
    [InlineData("f32_v2_2x3.npy")]
    [InlineData("f32_v3_2x3.npy")]
    public void Version_2_and_3_headers_are_read(string name)
    {
        var array = Npy.Read(TestFiles.Fixture(name));

        Assert.Equal([2, 3], array.Shape.ToArray());
        Assert.Equal(ExpectedMatrix(2, 3).Select(v => (float)v).ToArray(), array.ToArray<float>());
    }

    [Fact]
    public void One_dimensional_array_becomes_a_row_or_a_column_only_on_request()
    {
        var array = Npy.Read(TestFiles.Fixture("f32_vector_7.npy"));
        var expected = Enumerable.Range(0, 7).Select(i => i * 0.5f).ToArray();

        using var row = array.ToMatrix<float>(NpyVectorShape.Row);
        using var column = array.ToMatrix<float>(NpyVectorShape.Column);
        var error = Assert.Throws<NpyFormatException>(() => array.ToMatrix<float>());

        Assert.Equal((1, 7), (row.Rows, row.Columns));
        Assert.Equal((7, 1), (column.Rows, column.Columns));
        Assert.Equal(expected, row.ToArray());
        Assert.Equal(expected, column.ToArray());
        Assert.Contains("f32_vector_7.npy", error.Message, StringComparison.Ordinal);
        Assert.Contains("(7,)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_matrix_keeps_its_shape()
    {
        var array = Npy.Read(TestFiles.Fixture("f64_empty_0x3.npy"));

        Assert.Equal([0, 3], array.Shape.ToArray());
        using var matrix = array.ToMatrix<double>();
        Assert.Equal((0, 3), (matrix.Rows, matrix.Columns));
    }

    [Theory]
    [InlineData("f32_3x4.npy")]
    [InlineData("f64_5x2.npy")]
    [InlineData("f32_vector_7.npy")]
    [InlineData("f64_empty_0x3.npy")]
    public void Writing_a_numpy_array_back_reproduces_numpys_bytes(string name)
    {
        var original = File.ReadAllBytes(TestFiles.Fixture(name));
        var array = Npy.Read(TestFiles.Fixture(name));
        var rebuilt = array.DType == NpyDType.Float32
            ? Rebuild<float>(array)
            : Rebuild<double>(array);

        using var stream = new MemoryStream();
        Npy.Write(stream, rebuilt);

        Assert.Equal(original, stream.ToArray());
    }

    // Goes through the typed public factories so the test covers them, not just a re-emit of the raw bytes.
    private static NpyArray Rebuild<T>(NpyArray array)
        where T : unmanaged
    {
        if (array.Rank == 1)
        {
            return NpyArray.FromSpan<T>(array.ToArray<T>());
        }

        using var matrix = array.ToMatrix<T>();
        return NpyArray.FromMatrix(matrix.ReadOnlySpan);
    }

    [Theory]
    [InlineData("model_stored.npz")]
    [InlineData("model_deflated.npz")]
    public void Npz_members_read_in_order_with_their_dtypes(string name)
    {
        var archive = Npz.Read(TestFiles.Fixture(name));
        var isDouble = name.Contains("deflated", StringComparison.Ordinal);

        Assert.Equal(["W1", "b1", "architecture"], archive.Names);
        Assert.Equal(isDouble ? NpyDType.Float64 : NpyDType.Float32, archive["W1"].DType);
        Assert.Equal(ExpectedMatrix(3, 2), archive["W1"].ToArray<double>(NpyConversion.AllowPrecisionChange));
        Assert.Equal([0.0, 1.0, 2.0], archive["b1"].ToArray<double>(NpyConversion.AllowPrecisionChange));
        Assert.Equal(NpyDType.UInt8, archive["architecture"].DType);
        Assert.Equal(
            """{"layers":[2,3,1],"activations":["tanh","sigmoid"],"note":"µ-test ✓"}""",
            archive["architecture"].ToUtf8String());
        Assert.Equal($"{TestFiles.Fixture(name)}/W1.npy", archive["W1"].Source);
    }

    [Fact]
    public void Precision_change_needs_an_explicit_request()
    {
        var array = Npy.Read(TestFiles.Fixture("f64_5x2.npy"));

        var error = Assert.Throws<NpyFormatException>(() => array.ToArray<float>());
        var converted = array.ToArray<float>(NpyConversion.AllowPrecisionChange);
        var exact = array.ToArray<double>();

        Assert.Contains("'<f8'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPrecisionChange", error.Message, StringComparison.Ordinal);
        // double → float is the C# cast (round to nearest even), element by element.
        Assert.Equal(exact.Select(v => (float)v).ToArray(), converted);
        Assert.Throws<NpyFormatException>(() => array.ToArray<byte>(NpyConversion.AllowPrecisionChange));
    }
}
