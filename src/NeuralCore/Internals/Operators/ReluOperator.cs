using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = max(0, z); f′ = [a &gt; 0] (0 at z = 0), read from the stored activation.</summary>
internal readonly struct ReluOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "relu";

    public static bool NeedsZ => false;

    // NaN stays NaN (as in the reference): a diverging net must show NaN, not silently train on zeros.
    public static T Invoke(T z, T parameter) => z > T.Zero || T.IsNaN(z) ? z : T.Zero;

    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter) => Vector128.ConditionalSelect(Vector128.LessThanOrEqual(z, Vector128<T>.Zero), Vector128<T>.Zero, z);

    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter) => Vector256.ConditionalSelect(Vector256.LessThanOrEqual(z, Vector256<T>.Zero), Vector256<T>.Zero, z);

    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter) => Vector512.ConditionalSelect(Vector512.LessThanOrEqual(z, Vector512<T>.Zero), Vector512<T>.Zero, z);

    public static T Derivative(T z, T a, T gradA, T parameter) => a > T.Zero ? gradA : T.Zero;

    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter) => Vector128.GreaterThan(a, Vector128<T>.Zero) & gradA;

    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter) => Vector256.GreaterThan(a, Vector256<T>.Zero) & gradA;

    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter) => Vector512.GreaterThan(a, Vector512<T>.Zero) & gradA;
}
