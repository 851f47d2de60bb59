using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = z; f′ = 1.</summary>
internal readonly struct LinearOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "linear";

    public static bool NeedsZ => false;

    public static T Invoke(T z, T parameter) => z;

    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter) => z;

    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter) => z;

    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter) => z;

    public static T Derivative(T z, T a, T gradA, T parameter) => gradA;

    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter) => gradA;

    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter) => gradA;

    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter) => gradA;
}
