using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = tanh z; f′ = 1 − a² from the stored activation.</summary>
/// <remarks>
/// The vector forms use <see cref="VectorMath"/>'s tanh: an odd polynomial (float) or rational (double) for
/// |z| &lt; 0.625, so relative accuracy holds near 0, unlike TensorPrimitives.Tanh.
/// </remarks>
internal readonly struct TanhOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "tanh";

    public static bool NeedsZ => false;

    public static T Invoke(T z, T parameter) => T.Tanh(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter) => VectorMath.Tanh(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter) => VectorMath.Tanh(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter) => VectorMath.Tanh(z);

    public static T Derivative(T z, T a, T gradA, T parameter) => gradA * (T.One - (a * a));

    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter) => gradA * (Vector128<T>.One - (a * a));

    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter) => gradA * (Vector256<T>.One - (a * a));

    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter) => gradA * (Vector512<T>.One - (a * a));
}
