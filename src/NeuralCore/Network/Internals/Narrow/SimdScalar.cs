using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>One lane: the tails of the vector widths, and the whole of the <see cref="KernelPath.Scalar"/> path.</summary>
internal readonly struct SimdScalar<T> : ISimd<T, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;

    public static T Zero => T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Create(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T a, T b, T c) => T.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Activate<TOperator>(T z)
        where TOperator : IActivationOperator<T> => TOperator.Invoke(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Derivative<TOperator>(T a, T gradA)
        where TOperator : IActivationOperator<T> => TOperator.Derivative(a, gradA);
}
