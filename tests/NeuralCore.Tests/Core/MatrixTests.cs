using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuralCore.Tests.Core;

public class MatrixTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(17, 33)]
    [InlineData(129, 257)]
    public void NewMatrix_IsZeroedAnd64ByteAligned(int rows, int columns)
    {
        using var m = new Matrix<float>(rows, columns);
        Assert.Equal(rows, m.Rows);
        Assert.Equal(columns, m.Columns);
        Assert.True(m.Capacity >= rows * columns);
        Assert.Equal(0, AddressOf(m) % 64);
        Assert.All(m.ToArray(), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void ReturnedMemory_IsReusedAndClearedOnTheNextRent()
    {
        using (var first = new Matrix<double>(10, 10))
        {
            first.Span.Fill(42);
        }

        using var second = new Matrix<double>(10, 10);
        Assert.All(second.ToArray(), x => Assert.Equal(0d, x));
        Assert.Equal(0, AddressOf(second) % 64);
    }

    [Fact]
    public void Stride_PadsRowsAndKeepsThemAligned()
    {
        using var m = new Matrix<float>(3, 5, 16);
        Assert.Equal(16, m.Stride);
        m[2, 4] = 7f;
        Assert.Equal(7f, m.DangerousGetStorage()[(2 * 16) + 4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Matrix<float>(3, 5, 4));
    }

    [Fact]
    public void FromSpanAndFromArray_CopyTheValues()
    {
        using var a = Matrix<float>.FromSpan([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(6f, a[1, 2]);
        using var b = Matrix<double>.FromArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        Assert.Equal(3, b.Rows);
        Assert.Equal(5d, b[2, 0]);
        using var c = Matrix<double>.CopyOf(b.ReadOnlySpan.Slice(1, 2, 1, 1));
        Assert.Equal(new double[] { 4, 6 }, c.ToArray());

        var ex = Assert.Throws<ArgumentException>(() => Matrix<float>.FromSpan([1, 2, 3], 2, 2));
        Assert.Contains("2×2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("got 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposed_ThrowsOnAccess_AndDoubleDisposeIsHarmless()
    {
        var m = new Matrix<float>(2, 2);
        m.Dispose();
        m.Dispose();
        Assert.True(m.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => m.Span.Fill(1));
    }

    [Fact]
    public void EmptyMatrix_IsAllowed()
    {
        using var m = new Matrix<float>(0, 5);
        Assert.True(m.Span.IsEmpty);
        Assert.Empty(m.ToArray());
    }

    private static unsafe long AddressOf<T>(Matrix<T> m)
        where T : unmanaged => (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(m.DangerousGetStorage()));
}
