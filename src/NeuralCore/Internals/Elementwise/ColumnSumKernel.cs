using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// <c>destination_j = scale · Σ_i source_ij</c> for a strip of columns per step: the driver walks the columns, each
/// step walks every row of its strip. Float lanes are widened and summed in double (two accumulator sets, even and
/// odd rows, to hide the add latency), then narrowed once: a 2^20-row batch keeps full float precision.
/// </summary>
/// <remarks>
/// <code>
///   columns →   [ strip i (one vector) ]
///   row 0       [ v v v v ... ]  ─┐
///   row 1       [ v v v v ... ]   ├─ Σ in double lanes → narrow → × scale → destination[i..]
///   ...                           │
///   row m−1     [ v v v v ... ]  ─┘
/// </code>
/// </remarks>
internal readonly ref struct ColumnSumKernel<T> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ref T _source;
    private readonly ref T _destination;
    private readonly nint _rows;
    private readonly nint _stride;
    private readonly T _scale;

    public ColumnSumKernel(ref T source, int rows, int stride, T scale, ref T destination)
    {
        _source = ref source;
        _rows = rows;
        _stride = stride;
        _scale = scale;
        _destination = ref destination;
    }

    public void Invoke(nint i)
    {
        ref var column = ref Unsafe.Add(ref _source, i);
        var sum = 0.0;
        for (nint r = 0, offset = 0; r < _rows; r++, offset += _stride)
        {
            sum += double.CreateTruncating(Unsafe.Add(ref column, offset));
        }

        Unsafe.Add(ref _destination, i) = T.CreateTruncating(sum) * _scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Invoke128(nint i)
    {
        ref var column = ref Unsafe.Add(ref _source, i);
        if (typeof(T) == typeof(float))
        {
            Vector128<double> lower0 = default, upper0 = default, lower1 = default, upper1 = default;
            nint r = 0, offset = 0;
            for (; r + 1 < _rows; r += 2, offset += 2 * _stride)
            {
                var (a, b) = Vector128.Widen(Vector128.LoadUnsafe(ref column, (nuint)offset).AsSingle());
                var (c, d) = Vector128.Widen(Vector128.LoadUnsafe(ref column, (nuint)(offset + _stride)).AsSingle());
                lower0 += a;
                upper0 += b;
                lower1 += c;
                upper1 += d;
            }

            if (r < _rows)
            {
                var (a, b) = Vector128.Widen(Vector128.LoadUnsafe(ref column, (nuint)offset).AsSingle());
                lower0 += a;
                upper0 += b;
            }

            (Vector128.Narrow(lower0 + lower1, upper0 + upper1).As<float, T>() * _scale).StoreUnsafe(ref _destination, (nuint)i);
        }
        else
        {
            Vector128<T> sum0 = default, sum1 = default;
            nint r = 0, offset = 0;
            for (; r + 1 < _rows; r += 2, offset += 2 * _stride)
            {
                sum0 += Vector128.LoadUnsafe(ref column, (nuint)offset);
                sum1 += Vector128.LoadUnsafe(ref column, (nuint)(offset + _stride));
            }

            if (r < _rows)
            {
                sum0 += Vector128.LoadUnsafe(ref column, (nuint)offset);
            }

            ((sum0 + sum1) * _scale).StoreUnsafe(ref _destination, (nuint)i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Invoke256(nint i)
    {
        ref var column = ref Unsafe.Add(ref _source, i);
        if (typeof(T) == typeof(float))
        {
            Vector256<double> lower0 = default, upper0 = default, lower1 = default, upper1 = default;
            nint r = 0, offset = 0;
            for (; r + 1 < _rows; r += 2, offset += 2 * _stride)
            {
                var (a, b) = Vector256.Widen(Vector256.LoadUnsafe(ref column, (nuint)offset).AsSingle());
                var (c, d) = Vector256.Widen(Vector256.LoadUnsafe(ref column, (nuint)(offset + _stride)).AsSingle());
                lower0 += a;
                upper0 += b;
                lower1 += c;
                upper1 += d;
            }

            if (r < _rows)
            {
                var (a, b) = Vector256.Widen(Vector256.LoadUnsafe(ref column, (nuint)offset).AsSingle());
                lower0 += a;
                upper0 += b;
            }

            (Vector256.Narrow(lower0 + lower1, upper0 + upper1).As<float, T>() * _scale).StoreUnsafe(ref _destination, (nuint)i);
        }
        else
        {
            Vector256<T> sum0 = default, sum1 = default;
            nint r = 0, offset = 0;
            for (; r + 1 < _rows; r += 2, offset += 2 * _stride)
            {
                sum0 += Vector256.LoadUnsafe(ref column, (nuint)offset);
                sum1 += Vector256.LoadUnsafe(ref column, (nuint)(offset + _stride));
            }

            if (r < _rows)
            {
                sum0 += Vector256.LoadUnsafe(ref column, (nuint)offset);
            }

            ((sum0 + sum1) * _scale).StoreUnsafe(ref _destination, (nuint)i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Invoke512(nint i)
    {
        ref var column = ref Unsafe.Add(ref _source, i);
        if (typeof(T) == typeof(float))
        {
            Vector512<double> lower0 = default, upper0 = default, lower1 = default, upper1 = default;
            nint r = 0, offset = 0;
            for (; r + 1 < _rows; r += 2, offset += 2 * _stride)
            {
                var (a, b) = Vector512.Widen(Vector512.LoadUnsafe(ref column, (nuint)offset).AsSingle());
                var (c, d) = Vector512.Widen(Vector512.LoadUnsafe(ref column, (nuint)(offset + _stride)).AsSingle());
                lower0 += a;
                upper0 += b;
                lower1 += c;
                upper1 += d;
            }

            if (r < _rows)
            {
                var (a, b) = Vector512.Widen(Vector512.LoadUnsafe(ref column, (nuint)offset).AsSingle());
                lower0 += a;
                upper0 += b;
            }

            (Vector512.Narrow(lower0 + lower1, upper0 + upper1).As<float, T>() * _scale).StoreUnsafe(ref _destination, (nuint)i);
        }
        else
        {
            Vector512<T> sum0 = default, sum1 = default;
            nint r = 0, offset = 0;
            for (; r + 1 < _rows; r += 2, offset += 2 * _stride)
            {
                sum0 += Vector512.LoadUnsafe(ref column, (nuint)offset);
                sum1 += Vector512.LoadUnsafe(ref column, (nuint)(offset + _stride));
            }

            if (r < _rows)
            {
                sum0 += Vector512.LoadUnsafe(ref column, (nuint)offset);
            }

            ((sum0 + sum1) * _scale).StoreUnsafe(ref _destination, (nuint)i);
        }
    }
}
