using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Internals.Simd;

/// <summary>The scalar "width" (one element per register): the <see cref="KernelPath.Scalar"/> path of the generic kernels, and their tails.</summary>
/// <remarks>
/// <see cref="MultiplyAdd"/> is not fused here: without hardware FMA, <c>T.FusedMultiplyAdd</c> is a slow software routine,
/// and the scalar path exists for exactly such machines.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal readonly struct SimdScalar<T> : ISimd<T, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;

    public static bool IsSupported => true;

    public static T Zero => T.Zero;

    // One lane: a tile column is either whole or absent, so partial access never happens.
    public static bool HasMaskedMemory => false;

    public static T LoadPartial(ref T source, int count) => count > 0 ? source : T.Zero;

    public static void StorePartial(T value, ref T destination, int count)
    {
        if (count > 0)
        {
            destination = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination) => destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T a, T b, T c) => (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T a, T b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Activate<TActivation>(T z, T parameter)
        where TActivation : struct, IActivationOperator<T> => TActivation.Invoke(z, parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FusedMultiplyAdd(T a, T b, T c) => HardwareFma.IsSupported ? T.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum4(T a, T b, T c, T d, ref T destination)
    {
        destination = a;
        Unsafe.Add(ref destination, 1) = b;
        Unsafe.Add(ref destination, 2) = c;
        Unsafe.Add(ref destination, 3) = d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Derivative<TOperator>(T z, T a, T gradA, T parameter)
        where TOperator : struct, IActivationOperator<T> => TOperator.Derivative(z, a, gradA, parameter);
}
