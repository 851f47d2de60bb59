using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// RMSprop in one pass over p, g, v: <c>g′ = g + λ·p</c>, <c>v ← α·v + (1−α)·g′²</c>, <c>p ← p − η·(g′/(√v + ε))</c>.
/// The same operations in the same order as the reference (square roots and divisions are correctly rounded at
/// every width), so every path matches it bit for bit.
/// </summary>
/// <remarks>One fused pass rather than TensorPrimitives calls, which would each stream every array once more.</remarks>
internal readonly ref struct RmsPropKernel<T> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ref T _parameters;
    private readonly ref T _gradient;
    private readonly ref T _squareAverage;
    private readonly T _learningRate;
    private readonly T _alpha;
    private readonly T _oneMinusAlpha;
    private readonly T _epsilon;
    private readonly T _weightDecay;

    public RmsPropKernel(ref T parameters, ref T gradient, ref T squareAverage, T learningRate, T alpha, T epsilon, T weightDecay)
    {
        _parameters = ref parameters;
        _gradient = ref gradient;
        _squareAverage = ref squareAverage;
        _learningRate = learningRate;
        _alpha = alpha;
        _oneMinusAlpha = T.One - alpha;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i)
    {
        ref var p = ref Unsafe.Add(ref _parameters, i);
        var g = Unsafe.Add(ref _gradient, i) + (_weightDecay * p);
        var v = (_alpha * Unsafe.Add(ref _squareAverage, i)) + (_oneMinusAlpha * g * g);
        Unsafe.Add(ref _squareAverage, i) = v;
        p -= _learningRate * (g / (T.Sqrt(v) + _epsilon));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i)
    {
        var p = Vector128.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector128.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var v = (_alpha * Vector128.LoadUnsafe(ref _squareAverage, (nuint)i)) + (_oneMinusAlpha * g * g);
        v.StoreUnsafe(ref _squareAverage, (nuint)i);
        (p - (_learningRate * (g / (Vector128.Sqrt(v) + Vector128.Create(_epsilon))))).StoreUnsafe(ref _parameters, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i)
    {
        var p = Vector256.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector256.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var v = (_alpha * Vector256.LoadUnsafe(ref _squareAverage, (nuint)i)) + (_oneMinusAlpha * g * g);
        v.StoreUnsafe(ref _squareAverage, (nuint)i);
        (p - (_learningRate * (g / (Vector256.Sqrt(v) + Vector256.Create(_epsilon))))).StoreUnsafe(ref _parameters, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i)
    {
        var p = Vector512.LoadUnsafe(ref _parameters, (nuint)i);
        var g = Vector512.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var v = (_alpha * Vector512.LoadUnsafe(ref _squareAverage, (nuint)i)) + (_oneMinusAlpha * g * g);
        v.StoreUnsafe(ref _squareAverage, (nuint)i);
        (p - (_learningRate * (g / (Vector512.Sqrt(v) + Vector512.Create(_epsilon))))).StoreUnsafe(ref _parameters, (nuint)i);
    }
}
