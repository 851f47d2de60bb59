using System.Numerics;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>Column sums (the bias gradient) on every fast path, against the reference and an exact long-batch sum.</summary>
[Trait("Category", "Kernels")]
public sealed class SumColumnsTests
{
    private static readonly int[] RowCounts = [0, 1, 2, 3, 7, 64, 257];

    private static IEnumerable<int> ColumnCounts => Enumerable.Range(0, 71).Concat([127, 129, 255, 257, 300]);

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void MatchesReference_ForEveryShape_ContiguousAndStrided(KernelPath path)
    {
        foreach (var rows in RowCounts)
        {
            foreach (var columns in ColumnCounts)
            {
                Check<float>(path, rows, columns, columns);
                Check<double>(path, rows, columns, columns);
                Check<float>(path, rows, columns, columns + 5);
                Check<double>(path, rows, columns, columns + 5);
            }
        }
    }

    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void LongBatch_Of2To20Rows_IsExact(KernelPath path)
    {
        // 2^20 × 0.1f: every partial sum of (double)0.1f (24 significant bits) times k ≤ 2^20 fits in 53 bits, so the
        // double sum is exact and the float result is the correctly rounded exact sum. A float running sum is off by
        // about 1% here.
        const int rows = 1 << 20;
        const int columns = 16 + 3;
        var source = new float[rows * columns];
        Array.Fill(source, 0.1f);
        var destination = new float[columns];
        Reductions.SumColumns(new ReadOnlyMatrixSpan<float>(source, rows, columns), 1f, destination, ComputeOptions.For(path));
        var exact = (float)(rows * (double)0.1f);
        Assert.All(destination, v => Assert.Equal(exact, v));

        Reductions.SumColumns(new ReadOnlyMatrixSpan<float>(source, rows, columns), 1f / rows, destination, ComputeOptions.For(path));
        Assert.All(destination, v => Assert.Equal(exact * (1f / rows), v));
    }

    private static void Check<T>(KernelPath path, int rows, int columns, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var length = rows == 0 ? 0 : ((rows - 1) * stride) + columns;
        var source = Random<T>(length, -1, 1, seed: (rows * 1000) + columns);
        var scale = T.One / T.CreateTruncating(Math.Max(rows, 1));
        var expected = new T[columns];
        var actual = Enumerable.Repeat(T.CreateTruncating(999), columns).ToArray();
        var view = new ReadOnlyMatrixSpan<T>(source, rows, columns, stride);
        Reductions.SumColumns(view, scale, expected, ComputeOptions.For(KernelPath.Reference));
        Reductions.SumColumns(view, scale, actual, ComputeOptions.For(path));

        // Both sum in double, in different orders. For float the double sum is far more precise than the final
        // rounding, which can still flip by 1 ulp at a tie. For double, a sum of m terms moves by at most m·ε·Σ|x|.
        var epsilon = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        for (var j = 0; j < columns; j++)
        {
            var magnitude = 0.0;
            for (var i = 0; i < rows; i++)
            {
                magnitude += Math.Abs(double.CreateTruncating(source[(i * stride) + j]));
            }

            var absolute = typeof(T) == typeof(double) ? rows * epsilon * magnitude * double.CreateTruncating(scale) : 0;
            AssertClose(expected[j], actual[j], 1, absolute, $"{typeof(T).Name} {rows}×{columns}/{stride}", j);
        }
    }
}
