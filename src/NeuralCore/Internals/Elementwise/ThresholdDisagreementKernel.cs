using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Counts the i where <c>(p[i] ≥ ½) ≠ (t[i] ≥ ½)</c>: the one-output accuracy metric (compare, xor, pop-count). NaN
/// compares false at every width, as in the scalar definition. The per-width <c>Count</c> helpers also serve the
/// fused sigmoid + BCE head, which counts in the same pass that computes p.
/// </summary>
internal ref struct ThresholdDisagreementKernel<T> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ref T _p;
    private readonly ref T _t;

    public ThresholdDisagreementKernel(ref T p, ref T t)
    {
        _p = ref p;
        _t = ref t;
        Result = 0;
    }

    /// <summary>The count over everything processed.</summary>
    public int Result { readonly get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Count(T p, T t) => (p >= Half) != (t >= Half) ? 1 : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Count(Vector128<T> p, Vector128<T> t)
    {
        var half = Vector128.Create(Half);
        return BitOperations.PopCount((Vector128.GreaterThanOrEqual(p, half) ^ Vector128.GreaterThanOrEqual(t, half)).ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Count(Vector256<T> p, Vector256<T> t)
    {
        var half = Vector256.Create(Half);
        return BitOperations.PopCount((Vector256.GreaterThanOrEqual(p, half) ^ Vector256.GreaterThanOrEqual(t, half)).ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Count(Vector512<T> p, Vector512<T> t)
    {
        var half = Vector512.Create(Half);
        return BitOperations.PopCount((Vector512.GreaterThanOrEqual(p, half) ^ Vector512.GreaterThanOrEqual(t, half)).ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i) => Result += Count(Unsafe.Add(ref _p, i), Unsafe.Add(ref _t, i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i) => Result += Count(Vector128.LoadUnsafe(ref _p, (nuint)i), Vector128.LoadUnsafe(ref _t, (nuint)i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i) => Result += Count(Vector256.LoadUnsafe(ref _p, (nuint)i), Vector256.LoadUnsafe(ref _t, (nuint)i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i) => Result += Count(Vector512.LoadUnsafe(ref _p, (nuint)i), Vector512.LoadUnsafe(ref _t, (nuint)i));

    private static T Half => T.CreateTruncating(0.5);
}
