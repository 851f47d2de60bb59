namespace NeuralCore.Tests.Core;

public class MatrixSpanTests
{
    [Fact]
    public void Indexer_MapsRowsAndColumnsThroughTheStride()
    {
        var data = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var view = new MatrixSpan<float>(data, 3, 4, 6);

        Assert.Equal(3, view.Rows);
        Assert.Equal(4, view.Columns);
        Assert.Equal(6, view.Stride);
        Assert.False(view.IsContiguous);
        Assert.Equal(0f, view[0, 0]);
        Assert.Equal(9f, view[1, 3]);
        Assert.Equal(15f, view[2, 3]);
        view[2, 1] = -1f;
        Assert.Equal(-1f, data[13]);
    }

    [Fact]
    public void Constructor_AcceptsTheMinimalLengthWithoutTrailingPadding()
    {
        var data = new double[(2 * 5) + 3];
        var view = new ReadOnlyMatrixSpan<double>(data, 3, 3, 5);
        Assert.Equal(13, view.DangerousGetSpan().Length);
    }

    [Theory]
    [InlineData(3, 4, 4, 11, "span")]
    [InlineData(-1, 4, 4, 100, "span")]
    [InlineData(3, 4, 3, 100, "stride")]
    public void Constructor_RejectsBadShapesNamingTheArgument(int rows, int columns, int stride, int length, string param)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new MatrixSpan<float>(new float[length], rows, columns, stride));
        Assert.Equal(param, ex.ParamName);
        Assert.Contains(rows < 0 ? "-1" : columns.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TooShortSpan_MessageGivesNeededAndActualLength()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MatrixSpan<float>(new float[11], 3, 4));
        Assert.Contains("needs 12", ex.Message, StringComparison.Ordinal);
        Assert.Contains("has 11", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Indexer_OutOfRange_Throws()
    {
        var data = new float[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => new MatrixSpan<float>(data, 3, 4)[3, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MatrixSpan<float>(data, 3, 4)[0, 4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MatrixSpan<float>(data, 3, 4)[-1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MatrixSpan<float>(data, 3, 4).GetRowSpan(3));
    }

    [Fact]
    public void Slice_SharesMemoryAndKeepsTheStride()
    {
        var data = Enumerable.Range(0, 35).Select(i => (float)i).ToArray();
        var view = new MatrixSpan<float>(data, 5, 7);
        var sub = view.Slice(1, 3, 2, 4);

        Assert.Equal(3, sub.Rows);
        Assert.Equal(4, sub.Columns);
        Assert.Equal(7, sub.Stride);
        Assert.Equal(view[1, 2], sub[0, 0]);
        Assert.Equal(view[3, 5], sub[2, 3]);
        sub[1, 1] = 100f;
        Assert.Equal(100f, view[2, 3]);

        var rows = view.SliceRows(4, 1);
        Assert.Equal(new float[] { 28, 29, 30, 31, 32, 33, 34 }, rows.GetRowSpan(0).ToArray());
        var cols = view.SliceColumns(6, 1);
        Assert.Equal(new float[] { 6, 13, 20, 27, 34 }, cols.ToArray());
    }

    [Theory]
    [InlineData(0, 6, 0, 1)]
    [InlineData(5, 1, 0, 1)]
    [InlineData(0, 1, 7, 1)]
    [InlineData(0, 1, 3, 5)]
    [InlineData(-1, 1, 0, 1)]
    public void Slice_OutsideTheView_Throws(int row, int rowCount, int column, int columnCount)
    {
        var data = new float[35];
        Assert.Throws<ArgumentOutOfRangeException>(() => new MatrixSpan<float>(data, 5, 7).Slice(row, rowCount, column, columnCount));
    }

    [Fact]
    public void Slice_EmptyRangesAtTheEdgeAreAllowed()
    {
        var data = new float[35];
        var view = new MatrixSpan<float>(data, 5, 7);
        Assert.True(view.Slice(5, 0, 0, 7).IsEmpty);
        Assert.True(view.Slice(0, 5, 7, 0).IsEmpty);
    }

    [Fact]
    public void FillAndClear_TouchOnlyTheView()
    {
        var data = new float[5 * 7];
        var view = new MatrixSpan<float>(data, 5, 7).Slice(1, 3, 2, 4);
        view.Fill(2f);
        Assert.Equal(12, data.Count(x => x == 2f));
        Assert.Equal(2f, data[(1 * 7) + 2]);
        Assert.Equal(0f, data[(1 * 7) + 6]);
        view.Clear();
        Assert.All(data, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void CopyTo_CopiesBetweenStridedViewsAndChecksShape()
    {
        var source = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
        var destination = new double[20];
        var src = new ReadOnlyMatrixSpan<double>(source, 3, 4);
        src.CopyTo(new MatrixSpan<double>(destination, 3, 4, 6));
        Assert.Equal(new double[] { 4, 5, 6, 7 }, destination.AsSpan(6, 4).ToArray());

        var ex = Assert.Throws<ArgumentException>(() => new ReadOnlyMatrixSpan<double>(source, 3, 4).CopyTo(new MatrixSpan<double>(destination, 4, 3)));
        Assert.Contains("3×4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4×3", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(31, 33)]
    [InlineData(32, 32)]
    [InlineData(65, 17)]
    [InlineData(100, 129)]
    public void TransposeTo_MatchesTheDefinition_OnStridedViews(int rows, int columns)
    {
        // Source and destination are both sub-views with padding, filled with a sentinel that must survive.
        var source = new float[(rows + 2) * (columns + 3)];
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = i * 0.5f;
        }

        var src = new ReadOnlyMatrixSpan<float>(source, rows + 2, columns + 3).Slice(1, rows, 2, columns);
        var target = new float[(columns + 1) * (rows + 4)];
        Array.Fill(target, float.NaN);
        var dst = new MatrixSpan<float>(target, columns + 1, rows + 4).Slice(1, columns, 3, rows);

        src.TransposeTo(dst);

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                Assert.Equal(src[i, j], dst[j, i]);
            }
        }

        Assert.Equal((target.Length - (rows * columns)), target.Count(float.IsNaN));
    }

    [Fact]
    public void TransposeTo_RejectsWrongShapeAndOverlap()
    {
        var data = new double[12];
        var shape = Assert.Throws<ArgumentException>(() => new ReadOnlyMatrixSpan<double>(data, 3, 4).TransposeTo(new MatrixSpan<double>(new double[12], 3, 4)));
        Assert.Contains("4×3", shape.Message, StringComparison.Ordinal);
        Assert.Contains("3×4", shape.Message, StringComparison.Ordinal);
        var overlap = Assert.Throws<ArgumentException>(() => new ReadOnlyMatrixSpan<double>(data, 3, 4).TransposeTo(new MatrixSpan<double>(data, 4, 3)));
        Assert.Contains("overlap", overlap.Message, StringComparison.Ordinal);
    }
}
