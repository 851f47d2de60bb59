using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Adam and AdamW in one pass over p, g, m, v: <c>m ← β₁m + (1−β₁)g′</c>, <c>v ← β₂v + (1−β₂)g′²</c>,
/// <c>p ← p′ − (η/c₁)·m / (√v/√c₂ + ε)</c> with <c>cₖ = 1 − βₖᵗ</c>; Adam has <c>g′ = g + λ·p</c>, <c>p′ = p</c>
/// (L2), AdamW (<typeparamref name="TDecoupled"/> = <see cref="Yes"/>) has <c>g′ = g</c>, <c>p′ = p·(1 − η·λ)</c>
/// (decoupled decay).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TDecoupled">Whether λ is AdamW's decoupled decay rather than L2; a JIT-time constant, so each
/// variant compiles to its own loop with no test in it and Adam's is the same code as before AdamW existed.</typeparam>
/// <remarks>
/// PyTorch's arrangement of the bias corrections (<c>step_size = lr/c₁</c>, <c>denom = √v/√c₂ + ε</c>), with
/// 1/√c₂ precomputed: one square root and one division per element instead of the reference's one root and three
/// divisions. It differs from the reference by a few ulps of the update (tested). One fused pass rather than
/// TensorPrimitives calls, which would each stream every array once more.
/// </remarks>
internal readonly ref struct AdamKernel<T, TDecoupled> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TDecoupled : IFlag
{
    private readonly ref T _parameters;
    private readonly ref T _gradient;
    private readonly ref T _firstMoment;
    private readonly ref T _secondMoment;
    private readonly T _beta1;
    private readonly T _beta2;
    private readonly T _oneMinusBeta1;
    private readonly T _oneMinusBeta2;
    private readonly T _stepSize;
    private readonly T _inverseSqrtCorrection2;
    private readonly T _epsilon;
    private readonly T _weightDecay;
    private readonly T _decayFactor;

    // decay is λ: L2 for Adam, the decoupled decay for AdamW.
    public AdamKernel(ref T parameters, ref T gradient, ref T firstMoment, ref T secondMoment, T learningRate, T beta1, T beta2, T epsilon, int step, T decay)
    {
        _parameters = ref parameters;
        _gradient = ref gradient;
        _firstMoment = ref firstMoment;
        _secondMoment = ref secondMoment;
        _beta1 = beta1;
        _beta2 = beta2;
        _oneMinusBeta1 = T.One - beta1;
        _oneMinusBeta2 = T.One - beta2;
        _stepSize = learningRate / (T.One - T.Pow(beta1, T.CreateTruncating(step)));
        _inverseSqrtCorrection2 = T.One / T.Sqrt(T.One - T.Pow(beta2, T.CreateTruncating(step)));
        _epsilon = epsilon;
        _weightDecay = decay;
        _decayFactor = T.One - (learningRate * decay);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i)
    {
        ref var p = ref Unsafe.Add(ref _parameters, i);
        var g = TDecoupled.Value ? Unsafe.Add(ref _gradient, i) : Unsafe.Add(ref _gradient, i) + (_weightDecay * p);
        var decayed = TDecoupled.Value ? p * _decayFactor : p;
        var m = (_beta1 * Unsafe.Add(ref _firstMoment, i)) + (_oneMinusBeta1 * g);
        var v = (_beta2 * Unsafe.Add(ref _secondMoment, i)) + (_oneMinusBeta2 * g * g);
        Unsafe.Add(ref _firstMoment, i) = m;
        Unsafe.Add(ref _secondMoment, i) = v;
        p = decayed - (_stepSize * m / ((T.Sqrt(v) * _inverseSqrtCorrection2) + _epsilon));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i)
    {
        var p = Vector128.LoadUnsafe(ref _parameters, (nuint)i);
        var g = TDecoupled.Value ? Vector128.LoadUnsafe(ref _gradient, (nuint)i) : Vector128.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var decayed = TDecoupled.Value ? p * _decayFactor : p;
        var m = (_beta1 * Vector128.LoadUnsafe(ref _firstMoment, (nuint)i)) + (_oneMinusBeta1 * g);
        var v = (_beta2 * Vector128.LoadUnsafe(ref _secondMoment, (nuint)i)) + (_oneMinusBeta2 * g * g);
        m.StoreUnsafe(ref _firstMoment, (nuint)i);
        v.StoreUnsafe(ref _secondMoment, (nuint)i);
        var denominator = (Vector128.Sqrt(v) * _inverseSqrtCorrection2) + Vector128.Create(_epsilon);
        (decayed - (_stepSize * m / denominator)).StoreUnsafe(ref _parameters, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i)
    {
        var p = Vector256.LoadUnsafe(ref _parameters, (nuint)i);
        var g = TDecoupled.Value ? Vector256.LoadUnsafe(ref _gradient, (nuint)i) : Vector256.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var decayed = TDecoupled.Value ? p * _decayFactor : p;
        var m = (_beta1 * Vector256.LoadUnsafe(ref _firstMoment, (nuint)i)) + (_oneMinusBeta1 * g);
        var v = (_beta2 * Vector256.LoadUnsafe(ref _secondMoment, (nuint)i)) + (_oneMinusBeta2 * g * g);
        m.StoreUnsafe(ref _firstMoment, (nuint)i);
        v.StoreUnsafe(ref _secondMoment, (nuint)i);
        var denominator = (Vector256.Sqrt(v) * _inverseSqrtCorrection2) + Vector256.Create(_epsilon);
        (decayed - (_stepSize * m / denominator)).StoreUnsafe(ref _parameters, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i)
    {
        var p = Vector512.LoadUnsafe(ref _parameters, (nuint)i);
        var g = TDecoupled.Value ? Vector512.LoadUnsafe(ref _gradient, (nuint)i) : Vector512.LoadUnsafe(ref _gradient, (nuint)i) + (_weightDecay * p);
        var decayed = TDecoupled.Value ? p * _decayFactor : p;
        var m = (_beta1 * Vector512.LoadUnsafe(ref _firstMoment, (nuint)i)) + (_oneMinusBeta1 * g);
        var v = (_beta2 * Vector512.LoadUnsafe(ref _secondMoment, (nuint)i)) + (_oneMinusBeta2 * g * g);
        m.StoreUnsafe(ref _firstMoment, (nuint)i);
        v.StoreUnsafe(ref _secondMoment, (nuint)i);
        var denominator = (Vector512.Sqrt(v) * _inverseSqrtCorrection2) + Vector512.Create(_epsilon);
        (decayed - (_stepSize * m / denominator)).StoreUnsafe(ref _parameters, (nuint)i);
    }
}
