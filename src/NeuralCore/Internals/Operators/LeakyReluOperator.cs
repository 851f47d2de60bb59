using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = z for z &gt; 0, else 0.01·z; f′ from the sign of the stored activation (same sign as z).</summary>
internal readonly struct LeakyReluOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static T Slope => T.CreateTruncating(Reference.ActivationsReference.LeakySlope);

    public static T Invoke(T z) => z > T.Zero ? z : z * Slope;

    public static Vector128<T> Invoke(Vector128<T> z) => Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<T>.Zero), z, z * Slope);

    public static Vector256<T> Invoke(Vector256<T> z) => Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), z, z * Slope);

    public static Vector512<T> Invoke(Vector512<T> z) => Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), z, z * Slope);

    public static T Derivative(T a, T gradA) => a > T.Zero ? gradA : gradA * Slope;

    public static Vector128<T> Derivative(Vector128<T> a, Vector128<T> gradA) => Vector128.ConditionalSelect(Vector128.GreaterThan(a, Vector128<T>.Zero), gradA, gradA * Slope);

    public static Vector256<T> Derivative(Vector256<T> a, Vector256<T> gradA) => Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<T>.Zero), gradA, gradA * Slope);

    public static Vector512<T> Derivative(Vector512<T> a, Vector512<T> gradA) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512<T>.Zero), gradA, gradA * Slope);
}
