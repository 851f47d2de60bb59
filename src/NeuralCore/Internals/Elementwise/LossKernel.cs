using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Σ value(x, target) accumulated in double, and optionally <c>gradient_i = Gradient(x, a, target)/m</c>, in one
/// pass. The division by m is a true division, as in the reference, so the gradient matches it bit for bit.
/// </summary>
internal ref struct LossKernel<T, TTerm> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TTerm : ILossTerm<T>
{
    private readonly ref T _x;
    private readonly ref T _a;
    private readonly ref T _target;
    private readonly ref T _gradient;
    private readonly bool _writeGradient;
    private readonly T _m;
    private readonly T _shift1;
    private readonly T _shift2;
    private Vector512<double> _sum512;
    private Vector256<double> _sum256;
    private Vector128<double> _sum128;
    private double _sum;

    /// <summary>Creates the kernel; <paramref name="gradient"/> is a null ref when no gradient is written.</summary>
    public LossKernel(ref T x, ref T a, ref T target, ref T gradient, T m, T shift1 = default, T shift2 = default)
    {
        _x = ref x;
        _a = ref a;
        _target = ref target;
        _gradient = ref gradient;
        _writeGradient = !Unsafe.IsNullRef(ref gradient);
        _m = m;
        _shift1 = shift1;
        _shift2 = shift2;
    }

    /// <summary>The sum of the values over everything processed.</summary>
    public readonly double Result => DoubleSum.Total(_sum512, _sum256, _sum128, _sum);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i)
    {
        var x = Unsafe.Add(ref _x, i);
        var t = Unsafe.Add(ref _target, i);
        _sum = DoubleSum.Add(_sum, TTerm.Value(x, t, _shift1, _shift2));
        if (_writeGradient)
        {
            Unsafe.Add(ref _gradient, i) = TTerm.Gradient(x, Unsafe.Add(ref _a, i), t, _shift1) / _m;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i)
    {
        var x = Vector128.LoadUnsafe(ref _x, (nuint)i);
        var t = Vector128.LoadUnsafe(ref _target, (nuint)i);
        _sum128 = DoubleSum.Add(_sum128, TTerm.Value(x, t, Vector128.Create(_shift1), Vector128.Create(_shift2)));
        if (_writeGradient)
        {
            (TTerm.Gradient(x, Vector128.LoadUnsafe(ref _a, (nuint)i), t, Vector128.Create(_shift1)) / _m).StoreUnsafe(ref _gradient, (nuint)i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i)
    {
        var x = Vector256.LoadUnsafe(ref _x, (nuint)i);
        var t = Vector256.LoadUnsafe(ref _target, (nuint)i);
        _sum256 = DoubleSum.Add(_sum256, TTerm.Value(x, t, Vector256.Create(_shift1), Vector256.Create(_shift2)));
        if (_writeGradient)
        {
            (TTerm.Gradient(x, Vector256.LoadUnsafe(ref _a, (nuint)i), t, Vector256.Create(_shift1)) / _m).StoreUnsafe(ref _gradient, (nuint)i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i)
    {
        var x = Vector512.LoadUnsafe(ref _x, (nuint)i);
        var t = Vector512.LoadUnsafe(ref _target, (nuint)i);
        _sum512 = DoubleSum.Add(_sum512, TTerm.Value(x, t, Vector512.Create(_shift1), Vector512.Create(_shift2)));
        if (_writeGradient)
        {
            (TTerm.Gradient(x, Vector512.LoadUnsafe(ref _a, (nuint)i), t, Vector512.Create(_shift1)) / _m).StoreUnsafe(ref _gradient, (nuint)i);
        }
    }
}
