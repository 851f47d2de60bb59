using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// SGD in one pass: <c>g′ = g + λ·p</c>, <c>p ← p − η·g′</c>. The same operations in the same order as the reference
/// (no FMA contraction), so every path matches it bit for bit.
/// </summary>
/// <remarks>TensorPrimitives has the pieces (MultiplyAdd, …) but each is a pass over every array; one fused pass reads each array once.</remarks>
internal readonly ref struct SgdKernel<T> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ref T _parameters;
    private readonly ref T _gradient;
    private readonly T _learningRate;
    private readonly T _weightDecay;

    public SgdKernel(ref T parameters, ref T gradient, T learningRate, T weightDecay)
    {
        _parameters = ref parameters;
        _gradient = ref gradient;
        _learningRate = learningRate;
        _weightDecay = weightDecay;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i)
    {
        ref var p = ref Unsafe.Add(ref _parameters, i);
        var g = Unsafe.Add(ref _gradient, i) + (_weightDecay * p);
        p -= _learningRate * g;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i)
    {
        var p = Vector128.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector128.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        (p - (_learningRate * g)).StoreUnsafe(ref _parameters, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i)
    {
        var p = Vector256.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector256.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        (p - (_learningRate * g)).StoreUnsafe(ref _parameters, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i)
    {
        var p = Vector512.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector512.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        (p - (_learningRate * g)).StoreUnsafe(ref _parameters, (nuint)i);
    }
}
