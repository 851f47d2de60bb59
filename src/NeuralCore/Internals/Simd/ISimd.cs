using System.Numerics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Simd;

/// <summary>
/// One SIMD width as a set of static operations on its register type <typeparamref name="TVector"/>, so the GEMM and
/// narrow-layer kernels are written once and the JIT compiles one specialised body per width (struct type arguments are
/// never shared), with every call inlined to the bare instruction.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TVector">The register type: <c>Vector512&lt;T&gt;</c>, …, or <typeparamref name="T"/> itself for the scalar path.</typeparam>
internal interface ISimd<T, TVector>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TVector : struct
{
    /// <summary>Elements per register; a JIT-time constant.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on this machine (the public entry clamps the path, so this only guards dispatch).</summary>
    static abstract bool IsSupported { get; }

    static abstract TVector Zero { get; }

    /// <summary>Whether <see cref="LoadPartial"/> and <see cref="StorePartial"/> are single masked instructions here.</summary>
    static abstract bool HasMaskedMemory { get; }

    /// <summary>Loads lanes [0, count) and zeroes the rest, without touching memory past <paramref name="count"/> elements.</summary>
    static abstract TVector LoadPartial(ref T source, int count);

    /// <summary>Stores lanes [0, count) only, without touching memory past <paramref name="count"/> elements.</summary>
    static abstract void StorePartial(TVector value, ref T destination, int count);

    static abstract TVector Broadcast(T value);

    static abstract TVector Load(ref T source);

    static abstract void Store(TVector value, ref T destination);

    /// <summary><c>a·b + c</c>; fused on the SIMD widths.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Add(TVector a, TVector b);

    /// <summary>The activation <typeparamref name="TActivation"/> lane-wise.</summary>
    static abstract TVector Activate<TActivation>(TVector z, TVector parameter)
        where TActivation : struct, IActivationOperator<T>;

    /// <summary>Loads <c>Count</c> elements starting <paramref name="offset"/> elements after <paramref name="source"/>.</summary>
    static abstract TVector Load(ref T source, nuint offset);

    /// <summary>Stores <c>Count</c> elements starting <paramref name="offset"/> elements after <paramref name="destination"/>.</summary>
    static abstract void Store(TVector value, ref T destination, nuint offset);

    /// <summary>
    /// <c>a·b + c</c> in the same rounding on every width, the scalar one included, so vector lanes and scalar tails
    /// agree bit for bit; <see cref="MultiplyAdd"/> is the choice when that does not matter.
    /// </summary>
    /// <remarks>
    /// The rule: fused (rounded once) where <see cref="HardwareFma.IsSupported"/>, otherwise a multiply and an add
    /// (rounded twice) on every width at once. That flag is a JIT-time constant, so on one machine all widths still
    /// give the same bits, which is what the narrow kernels promise; the alternative, the runtime's software fma per lane,
    /// made narrow training one to two orders of magnitude slower without hardware FMA
    /// (benchmarks/results/AMD-EPYC-Zen5-network.md). Results therefore differ between machines with and without FMA,
    /// as they already do between thread counts (docs/design.md, "Bit-identity rules").
    /// </remarks>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVector value);

    /// <summary>
    /// The lane sums of four registers into <c>destination[0..4)</c>: one reduction tree for all four (halves added
    /// register by register, then horizontal adds that pair the registers), about a third of the instructions of four
    /// <see cref="Sum"/>s; a 4-output weight-gradient tile ends with up to five of them, and the few-rows dot kernel
    /// reduces a row's four outputs with one.
    /// </summary>
    static abstract void Sum4(TVector a, TVector b, TVector c, TVector d, ref T destination);

    /// <summary><c>gradA · f′</c> from <paramref name="z"/> or the stored activation <paramref name="a"/> (see IActivationOperator.NeedsZ), lane-wise.</summary>
    static abstract TVector Derivative<TOperator>(TVector z, TVector a, TVector gradA, TVector parameter)
        where TOperator : struct, IActivationOperator<T>;
}
