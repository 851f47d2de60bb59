using System.Numerics;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Gemm;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Tests.Gemm;

/// <summary>
/// <see cref="Packing"/> and <see cref="RegisterTranspose"/> against the definition, element by element, on every
/// width: each packed element must be exactly op(B)(k0 + k, j0 + j) or an exact zero in the padding, nothing
/// outside the view may be read (NaN guards would show) and nothing outside the buffer written (sentinels).
/// </summary>
[Trait("Category", "Kernels")]
public sealed class GemmPackingTests
{
    private const int Guard = 21;

    public static TheoryData<KernelPath> Paths => [.. Kernels.Available];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Float_pack_matches_definition(KernelPath path) => Sweep<float>(path);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Double_pack_matches_definition(KernelPath path) => Sweep<double>(path);

    [Theory]
    [MemberData(nameof(Paths))]
    public void Register_transpose_matches_definition_for_every_valid_row_count(KernelPath path)
    {
        Transpose<float>(path);
        Transpose<double>(path);
    }

    private static void Sweep<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = Width<T>(path);
        foreach (var transposed in new[] { false, true })
        {
            foreach (var panelWidth in new[] { width, 2 * width })
            {
                foreach (var columns in new[] { 1, width - 1, width, width + 1, (2 * width) - 1, 2 * width }.Where(c => c >= 1 && c <= panelWidth).Distinct())
                {
                    foreach (var kBlock in new[] { 0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 65, 129 })
                    {
                        Check<T>(path, transposed, k0: 5, kBlock, j0: 3, columns, panelWidth);
                    }
                }
            }
        }

        // A block at the origin of B.
        Check<T>(path, true, k0: 0, kBlock: 2 * width, j0: 0, columns: width + 1, panelWidth: 2 * width);
        Check<T>(path, false, k0: 0, kBlock: 2 * width, j0: 0, columns: width + 1, panelWidth: 2 * width);
    }

    private static void Check<T>(KernelPath path, bool transposed, int k0, int kBlock, int j0, int columns, int panelWidth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // op(B) is (k0 + kBlock) × (j0 + columns); B is stored transposed when asked. Distinct values everywhere,
        // so an element from the wrong place cannot match by accident; NaN guards around and between rows.
        int kTotal = k0 + kBlock, nTotal = j0 + columns;
        var b = transposed ? new GuardedMatrix<T>(nTotal, kTotal, 3, T.NaN) : new GuardedMatrix<T>(kTotal, nTotal, 3, T.NaN);
        for (var r = 0; r < b.Rows; r++)
        {
            for (var c = 0; c < b.Columns; c++)
            {
                b[r, c] = T.CreateTruncating((r * 1000) + c + 1);
            }
        }

        var sentinel = T.CreateTruncating(-7);
        var buffer = new T[(2 * Guard) + (kBlock * panelWidth)];
        buffer.AsSpan().Fill(sentinel);
        var destination = buffer.AsSpan(Guard, kBlock * panelWidth);

        var problem = default(GemmProblem<T>);
        problem.B = ref b.View.DangerousGetReferenceAt(0, 0);
        problem.BStride = b.Stride;
        problem.BTransposed = transposed;
        Pack(path, ref problem, k0, kBlock, j0, columns, panelWidth, destination);

        for (var k = 0; k < kBlock; k++)
        {
            for (var j = 0; j < panelWidth; j++)
            {
                var expected = j < columns ? (transposed ? b[j0 + j, k0 + k] : b[k0 + k, j0 + j]) : T.Zero;
                var actual = destination[(k * panelWidth) + j];
                if (!actual.Equals(expected) || (expected == T.Zero && T.IsNegative(actual)))
                {
                    Assert.Fail($"{path} {typeof(T).Name} transposed={transposed} k0={k0} kBlock={kBlock} j0={j0} columns={columns} panel={panelWidth}: packed[{k}, {j}] = {actual}, expected {expected}.");
                }
            }
        }

        for (var i = 0; i < Guard; i++)
        {
            Assert.Equal(sentinel, buffer[i]);
            Assert.Equal(sentinel, buffer[buffer.Length - 1 - i]);
        }
    }

    private static void Transpose<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var width = Width<T>(path);
        const int SourceStride = 37, DestinationStride = 41;
        for (var valid = 0; valid <= width; valid++)
        {
            // Rows at or past `valid` are NaN: they must be treated as zeros, never read.
            var source = new T[width * SourceStride];
            source.AsSpan().Fill(T.NaN);
            for (var r = 0; r < valid; r++)
            {
                for (var c = 0; c < width; c++)
                {
                    source[(r * SourceStride) + c] = T.CreateTruncating((r * 100) + c + 1);
                }
            }

            var destination = new T[width * DestinationStride];
            destination.AsSpan().Fill(T.CreateTruncating(-3));
            Block(path, source, SourceStride, valid, destination, DestinationStride);
            for (var t = 0; t < width; t++)
            {
                for (var r = 0; r < width; r++)
                {
                    var expected = r < valid ? source[(r * SourceStride) + t] : T.Zero;
                    Assert.Equal(expected, destination[(t * DestinationStride) + r]);
                }

                // Only W elements per destination row are written.
                for (var r = width; r < DestinationStride; r++)
                {
                    Assert.Equal(T.CreateTruncating(-3), destination[(t * DestinationStride) + r]);
                }
            }
        }
    }

    private static int Width<T>(KernelPath path)
        where T : unmanaged => path switch
        {
            KernelPath.Vector512 => Vector512<T>.Count,
            KernelPath.Vector256 => Vector256<T>.Count,
            KernelPath.Vector128 => Vector128<T>.Count,
            _ => 1,
        };

    private static void Pack<T>(KernelPath path, ref GemmProblem<T> problem, int k0, int kBlock, int j0, int columns, int panelWidth, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (path)
        {
            case KernelPath.Vector512: Packing.PackB<T, Vector512<T>, Simd512<T>>(ref problem, k0, kBlock, j0, columns, panelWidth, destination); break;
            case KernelPath.Vector256: Packing.PackB<T, Vector256<T>, Simd256<T>>(ref problem, k0, kBlock, j0, columns, panelWidth, destination); break;
            case KernelPath.Vector128: Packing.PackB<T, Vector128<T>, Simd128<T>>(ref problem, k0, kBlock, j0, columns, panelWidth, destination); break;
            default: Packing.PackB<T, T, SimdScalar<T>>(ref problem, k0, kBlock, j0, columns, panelWidth, destination); break;
        }
    }

    private static void Block<T>(KernelPath path, T[] source, int sourceStride, int valid, T[] destination, int destinationStride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var s = ref source[0];
        ref var d = ref destination[0];
        switch (path)
        {
            case KernelPath.Vector512: RegisterTranspose.Block<T, Vector512<T>, Simd512<T>>(ref s, sourceStride, valid, ref d, destinationStride); break;
            case KernelPath.Vector256: RegisterTranspose.Block<T, Vector256<T>, Simd256<T>>(ref s, sourceStride, valid, ref d, destinationStride); break;
            case KernelPath.Vector128: RegisterTranspose.Block<T, Vector128<T>, Simd128<T>>(ref s, sourceStride, valid, ref d, destinationStride); break;
            default: RegisterTranspose.Block<T, T, SimdScalar<T>>(ref s, sourceStride, valid, ref d, destinationStride); break;
        }
    }
}
