using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Elementwise;

/// <summary><c>a_i = f(z_i)</c> for an element-wise activation operator and its parameter.</summary>
internal readonly ref struct ActivationForwardKernel<T, TOperator> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TOperator : IActivationOperator<T>
{
    private readonly ref T _z;
    private readonly ref T _a;
    private readonly T _parameter;

    public ActivationForwardKernel(ref T z, ref T a, T parameter)
    {
        _z = ref z;
        _a = ref a;
        _parameter = parameter;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i) => Unsafe.Add(ref _a, i) = TOperator.Invoke(Unsafe.Add(ref _z, i), _parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i) => TOperator.Invoke(Vector128.LoadUnsafe(ref _z, (nuint)i), Vector128.Create(_parameter)).StoreUnsafe(ref _a, (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i) => TOperator.Invoke(Vector256.LoadUnsafe(ref _z, (nuint)i), Vector256.Create(_parameter)).StoreUnsafe(ref _a, (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i) => TOperator.Invoke(Vector512.LoadUnsafe(ref _z, (nuint)i), Vector512.Create(_parameter)).StoreUnsafe(ref _a, (nuint)i);
}
