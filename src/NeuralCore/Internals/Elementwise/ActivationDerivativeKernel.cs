using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// <c>dZ_i = dA_i · f′</c> in one pass (the fused backward), from the stored activation <c>a_i</c>, or from
/// <c>z_i</c> for the operators that need it (<see cref="IActivationOperator{T}.NeedsZ"/>; Z is not read otherwise).
/// </summary>
/// <remarks>
/// Not composed from TensorPrimitives: dA·a·(1−a) takes three TP calls, three passes over memory, and TP switches to
/// non-temporal stores above 256 KB, evicting what the next layer reads (FusedDerivativeBenchmarks;
/// benchmarks/results/AMD-EPYC-Zen5-elementwise.md).
/// </remarks>
internal readonly ref struct ActivationDerivativeKernel<T, TOperator> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOperator : IActivationOperator<T>
{
    private readonly ref T _z;
    private readonly ref T _a;
    private readonly ref T _gradA;
    private readonly ref T _gradZ;
    private readonly T _parameter;

    /// <summary>Creates the kernel; <paramref name="z"/> may be <paramref name="a"/> (or anything) when the operator does not need Z.</summary>
    public ActivationDerivativeKernel(ref T z, ref T a, ref T gradA, ref T gradZ, T parameter)
    {
        _z = ref z;
        _a = ref a;
        _gradA = ref gradA;
        _gradZ = ref gradZ;
        _parameter = parameter;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i)
    {
        var a = Unsafe.Add(ref _a, i);
        Unsafe.Add(ref _gradZ, i) = TOperator.Derivative(TOperator.NeedsZ ? Unsafe.Add(ref _z, i) : a, a, Unsafe.Add(ref _gradA, i), _parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i)
    {
        var a = Vector128.LoadUnsafe(ref _a, (nuint)i);
        var z = TOperator.NeedsZ ? Vector128.LoadUnsafe(ref _z, (nuint)i) : a;
        TOperator.Derivative(z, a, Vector128.LoadUnsafe(ref _gradA, (nuint)i), Vector128.Create(_parameter)).StoreUnsafe(ref _gradZ, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i)
    {
        var a = Vector256.LoadUnsafe(ref _a, (nuint)i);
        var z = TOperator.NeedsZ ? Vector256.LoadUnsafe(ref _z, (nuint)i) : a;
        TOperator.Derivative(z, a, Vector256.LoadUnsafe(ref _gradA, (nuint)i), Vector256.Create(_parameter)).StoreUnsafe(ref _gradZ, (nuint)i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i)
    {
        var a = Vector512.LoadUnsafe(ref _a, (nuint)i);
        var z = TOperator.NeedsZ ? Vector512.LoadUnsafe(ref _z, (nuint)i) : a;
        TOperator.Derivative(z, a, Vector512.LoadUnsafe(ref _gradA, (nuint)i), Vector512.Create(_parameter)).StoreUnsafe(ref _gradZ, (nuint)i);
    }
}
