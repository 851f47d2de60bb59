using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Elementwise;

/// <summary><c>dZ_i = dA_i · f′</c> from the stored activation <c>a_i</c>, in one pass (the fused backward).</summary>
/// <remarks>
/// Not composed from TensorPrimitives: dA·a·(1−a) takes three TP calls, three passes over memory, and TP switches to
/// non-temporal stores above 256 KB, evicting what the next layer reads (FusedDerivativeBenchmarks;
/// benchmarks/results/AMD-EPYC-Zen5-elementwise.md).
/// </remarks>
internal readonly ref struct ActivationDerivativeKernel<T, TOperator> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOperator : IActivationOperator<T>
{
    private readonly ref T _a;
    private readonly ref T _gradA;
    private readonly ref T _gradZ;

    public ActivationDerivativeKernel(ref T a, ref T gradA, ref T gradZ)
    {
        _a = ref a;
        _gradA = ref gradA;
        _gradZ = ref gradZ;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i) => Unsafe.Add(ref _gradZ, i) = TOperator.Derivative(Unsafe.Add(ref _a, i), Unsafe.Add(ref _gradA, i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i) =>
        TOperator.Derivative(Vector128.LoadUnsafe(ref _a, (nuint)i), Vector128.LoadUnsafe(ref _gradA, (nuint)i)).StoreUnsafe(ref _gradZ, (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i) =>
        TOperator.Derivative(Vector256.LoadUnsafe(ref _a, (nuint)i), Vector256.LoadUnsafe(ref _gradA, (nuint)i)).StoreUnsafe(ref _gradZ, (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i) =>
        TOperator.Derivative(Vector512.LoadUnsafe(ref _a, (nuint)i), Vector512.LoadUnsafe(ref _gradA, (nuint)i)).StoreUnsafe(ref _gradZ, (nuint)i);
}
