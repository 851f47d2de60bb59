using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = z for z &gt; 0, else α(e^z − 1) (α = the parameter, &gt; 0); f′ = 1 above 0, else α·e^z = a + α, from the stored activation.</summary>
/// <remarks>
/// <para>e^z − 1 comes from <see cref="VectorMath.ExpMinusOneNegative{T}(Vector512{T})"/>, accurate near 0 where
/// e^z − 1 would cancel (at z = −1e−4 it would keep about four float digits). With α &gt; 0 the sign of a is that of
/// z, so f′ needs no Z. For very negative z, a + α cancels: f′ is then accurate to about ε·α absolute.</para>
/// </remarks>
internal readonly struct EluOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "elu";

    public static string ParameterName => "alpha";

    public static double DefaultParameter => Activation.DefaultEluAlpha;

    // f′ is read from the sign of the stored activation, which α ≤ 0 would lose.
    public static string? ParameterRule(double parameter) => parameter > 0 && double.IsFinite(parameter) ? null : "finite and > 0";

    public static bool NeedsZ => false;

    public static T Invoke(T z, T parameter) => Invoke(Vector128.CreateScalar(z), Vector128.CreateScalar(parameter)).ToScalar();

    public static T Derivative(T z, T a, T gradA, T parameter) => a > T.Zero ? gradA : gradA * (a + parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<T>.Zero), z, parameter * VectorMath.ExpMinusOneNegative(z));

    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(a, Vector128<T>.Zero), gradA, gradA * (a + parameter));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), z, parameter * VectorMath.ExpMinusOneNegative(z));

    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<T>.Zero), gradA, gradA * (a + parameter));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), z, parameter * VectorMath.ExpMinusOneNegative(z));

    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512<T>.Zero), gradA, gradA * (a + parameter));
}
