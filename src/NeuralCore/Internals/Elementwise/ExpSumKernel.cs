using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// <c>e_i = exp(z_i − shift)</c>, summed, and optionally stored: softmax's second pass (stored) and the
/// log-sum-exp of softmax + cross-entropy (not stored).
/// </summary>
/// <remarks>
/// The vector lanes are partial sums (n/16 terms each at 512 bits); the scalar path, which may see the whole row,
/// sums in double so it is not the sequential float sum whose error grows with n.
/// </remarks>
internal ref struct ExpSumKernel<T> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ref T _z;
    private readonly ref T _e;
    private readonly T _shift;
    private readonly bool _store;
    private Vector512<T> _sum512;
    private Vector256<T> _sum256;
    private Vector128<T> _sum128;
    private double _sum;

    /// <summary>Creates the kernel; <paramref name="e"/> is a null ref when nothing is stored.</summary>
    public ExpSumKernel(ref T z, ref T e, T shift)
    {
        _z = ref z;
        _e = ref e;
        _shift = shift;
        _store = !Unsafe.IsNullRef(ref e);
        _sum512 = Vector512<T>.Zero;
        _sum256 = Vector256<T>.Zero;
        _sum128 = Vector128<T>.Zero;
        _sum = 0;
    }

    /// <summary>The sum over everything processed.</summary>
    public readonly T Result => Vector512.Sum(_sum512) + Vector256.Sum(_sum256) + Vector128.Sum(_sum128) + T.CreateTruncating(_sum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i)
    {
        var e = T.Exp(Unsafe.Add(ref _z, i) - _shift);
        if (_store)
        {
            Unsafe.Add(ref _e, i) = e;
        }

        _sum = DoubleSum.Add(_sum, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i)
    {
        var e = VectorMath.Exp(Vector128.LoadUnsafe(ref _z, (nuint)i) - Vector128.Create(_shift));
        if (_store)
        {
            e.StoreUnsafe(ref _e, (nuint)i);
        }

        _sum128 += e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i)
    {
        var e = VectorMath.Exp(Vector256.LoadUnsafe(ref _z, (nuint)i) - Vector256.Create(_shift));
        if (_store)
        {
            e.StoreUnsafe(ref _e, (nuint)i);
        }

        _sum256 += e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i)
    {
        var e = VectorMath.Exp(Vector512.LoadUnsafe(ref _z, (nuint)i) - Vector512.Create(_shift));
        if (_store)
        {
            e.StoreUnsafe(ref _e, (nuint)i);
        }

        _sum512 += e;
    }
}
