using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Momentum in one pass: <c>g′ = g + λ·p</c>, <c>v ← μ·v + g′</c>, <c>p ← p − η·v</c> (or <c>η·(g′ + μ·v)</c> with
/// Nesterov). Same operations and order as the reference, so every path matches it bit for bit.
/// </summary>
/// <remarks>TensorPrimitives has the pieces (MultiplyAdd, …) but each is a pass over every array; one fused pass reads each array once.</remarks>
internal readonly ref struct MomentumKernel<T> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ref T _parameters;
    private readonly ref T _gradient;
    private readonly ref T _velocity;
    private readonly T _learningRate;
    private readonly T _momentum;
    private readonly T _weightDecay;
    private readonly bool _nesterov;

    public MomentumKernel(ref T parameters, ref T gradient, ref T velocity, T learningRate, T momentum, bool nesterov, T weightDecay)
    {
        _parameters = ref parameters;
        _gradient = ref gradient;
        _velocity = ref velocity;
        _learningRate = learningRate;
        _momentum = momentum;
        _nesterov = nesterov;
        _weightDecay = weightDecay;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i)
    {
        ref var p = ref Unsafe.Add(ref _parameters, i);
        var g = Unsafe.Add(ref _gradient, i) + (_weightDecay * p);
        var v = (_momentum * Unsafe.Add(ref _velocity, i)) + g;
        Unsafe.Add(ref _velocity, i) = v;
        p -= _learningRate * (_nesterov ? g + (_momentum * v) : v);
    }

    // The Nesterov test is on a readonly field: the same way every iteration, so the branch predicts perfectly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i)
    {
        var p = Vector128.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector128.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var v = (_momentum * Vector128.LoadUnsafe(ref _velocity, (nuint)i)) + g;
        v.StoreUnsafe(ref _velocity, (nuint)i);
        var step = _nesterov ? g + (_momentum * v) : v;
        (p - (_learningRate * step)).StoreUnsafe(ref _parameters, (nuint)i);
    }

    // The Nesterov test is on a readonly field: the same way every iteration, so the branch predicts perfectly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i)
    {
        var p = Vector256.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector256.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var v = (_momentum * Vector256.LoadUnsafe(ref _velocity, (nuint)i)) + g;
        v.StoreUnsafe(ref _velocity, (nuint)i);
        var step = _nesterov ? g + (_momentum * v) : v;
        (p - (_learningRate * step)).StoreUnsafe(ref _parameters, (nuint)i);
    }

    // The Nesterov test is on a readonly field: the same way every iteration, so the branch predicts perfectly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i)
    {
        var p = Vector512.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector512.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var v = (_momentum * Vector512.LoadUnsafe(ref _velocity, (nuint)i)) + g;
        v.StoreUnsafe(ref _velocity, (nuint)i);
        var step = _nesterov ? g + (_momentum * v) : v;
        (p - (_learningRate * step)).StoreUnsafe(ref _parameters, (nuint)i);
    }
}
