using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>The maximum of a row (NaN if any element is NaN, like <c>T.Max</c>): the shift that keeps softmax's exp from overflowing.</summary>
internal ref struct RowMaxKernel<T> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ref T _z;
    private Vector512<T> _max512;
    private Vector256<T> _max256;
    private Vector128<T> _max128;
    private T _max;

    public RowMaxKernel(ref T z)
    {
        _z = ref z;
        _max512 = Vector512.Create(T.NegativeInfinity);
        _max256 = Vector256.Create(T.NegativeInfinity);
        _max128 = Vector128.Create(T.NegativeInfinity);
        _max = T.NegativeInfinity;
    }

    /// <summary>The maximum over everything processed (−∞ for nothing).</summary>
    public readonly T Result
    {
        get
        {
            // Vector.Max propagates NaN (IEEE 754 maximum), as T.Max does in the reference.
            var max = Vector128.Max(Vector128.Max(_max256.GetLower(), _max256.GetUpper()), _max128);
            max = Vector128.Max(max, Vector128.Max(_max512.GetLower().GetLower(), _max512.GetLower().GetUpper()));
            max = Vector128.Max(max, Vector128.Max(_max512.GetUpper().GetLower(), _max512.GetUpper().GetUpper()));
            return Max(max, _max);
        }
    }

    /// <summary>The maximum of <paramref name="seed"/> and the lanes of <paramref name="lanes"/>, by T.Max (NaN propagates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(Vector128<T> lanes, T seed)
    {
        var result = seed;
        for (var i = 0; i < Vector128<T>.Count; i++)
        {
            result = T.Max(result, lanes[i]);
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i) => _max = T.Max(_max, Unsafe.Add(ref _z, i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i) => _max128 = Vector128.Max(_max128, Vector128.LoadUnsafe(ref _z, (nuint)i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i) => _max256 = Vector256.Max(_max256, Vector256.LoadUnsafe(ref _z, (nuint)i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i) => _max512 = Vector512.Max(_max512, Vector512.LoadUnsafe(ref _z, (nuint)i));
}
