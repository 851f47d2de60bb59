using System.Numerics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// One SIMD width as a struct of static members, so each narrow kernel is written once and the JIT compiles one
/// specialised body per width (Vector512, Vector256, Vector128, and a one-lane scalar for tails).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TVector">The register type.</typeparam>
internal interface ISimd<T, TVector>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TVector : struct
{
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Create(T value);

    static abstract TVector Load(ref T source, nuint offset);

    static abstract void Store(TVector value, ref T destination, nuint offset);

    /// <summary><c>a·b + c</c> rounded once (fused) on every width, so vector lanes and scalar tails agree bit for bit.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    static abstract T Sum(TVector value);

    static abstract TVector Activate<TOperator>(TVector z)
        where TOperator : IActivationOperator<T>;

    static abstract TVector Derivative<TOperator>(TVector a, TVector gradA)
        where TOperator : IActivationOperator<T>;
}
