using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Whether every element is finite: accumulates <c>x·0</c>, which is 0 for a finite x and NaN for NaN or ±∞, so the
/// accumulator stays 0 exactly when all elements are finite.
/// </summary>
/// <remarks>
/// Fit's per-epoch divergence check runs it over the flat parameter vector, and the network's data validation over
/// every training batch. <c>TensorPrimitives.IsFiniteAll</c> does the same, but its package code is jitted at Tier 0
/// in a fresh process and stays there for much of a short run; this kernel runs inside the AggressiveOptimization
/// <see cref="ElementwiseDriver"/>.
/// </remarks>
internal ref struct FiniteKernel<T> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ref T _x;
    private Vector512<T> _sum512;
    private Vector256<T> _sum256;
    private Vector128<T> _sum128;
    private T _sum;

    /// <summary>Whether every element of <paramref name="values"/> is finite (neither NaN nor ±∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool All(ReadOnlySpan<T> values, KernelPath path)
    {
        var kernel = new FiniteKernel<T>(ref MemoryMarshal.GetReference(values));
        ElementwiseDriver.Run<T, FiniteKernel<T>>(ref kernel, values.Length, path);
        return kernel.AllFinite;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FiniteKernel(ref T x)
    {
        _x = ref x;
    }

    /// <summary>Whether every element processed was finite.</summary>
    public readonly bool AllFinite
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get =>
        _sum512 == Vector512<T>.Zero && _sum256 == Vector256<T>.Zero && _sum128 == Vector128<T>.Zero && _sum == T.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i) => _sum += Unsafe.Add(ref _x, i) * T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i) => _sum128 += Vector128.LoadUnsafe(ref _x, (nuint)i) * T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i) => _sum256 += Vector256.LoadUnsafe(ref _x, (nuint)i) * T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i) => _sum512 += Vector512.LoadUnsafe(ref _x, (nuint)i) * T.Zero;
}
