using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = z for z &gt; 0, else s·z (s = the parameter, ≥ 0); f′ from the sign of the stored activation (that of z, as s ≥ 0).</summary>
internal readonly struct LeakyReluOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "leaky_relu";

    public static string ParameterName => "negative_slope";

    public static double DefaultParameter => Activation.DefaultNegativeSlope;

    // f′ is read from the sign of the stored activation, which a negative slope would flip.
    public static string? ParameterRule(double parameter) => parameter >= 0 && double.IsFinite(parameter) ? null : "finite and ≥ 0";

    public static bool NeedsZ => false;

    public static T Invoke(T z, T parameter) => z > T.Zero ? z : z * parameter;

    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter) => Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<T>.Zero), z, z * parameter);

    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter) => Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<T>.Zero), z, z * parameter);

    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter) => Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<T>.Zero), z, z * parameter);

    public static T Derivative(T z, T a, T gradA, T parameter) => a > T.Zero ? gradA : gradA * parameter;

    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter) => Vector128.ConditionalSelect(Vector128.GreaterThan(a, Vector128<T>.Zero), gradA, gradA * parameter);

    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter) => Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<T>.Zero), gradA, gradA * parameter);

    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512<T>.Zero), gradA, gradA * parameter);
}
