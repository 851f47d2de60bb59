using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = tanh z; f′ = 1 − a² from the stored activation.</summary>
/// <remarks>
/// Vector form: tanh|z| = (1 − e^−2|z|)/(1 + e^−2|z|) with the sign restored. This first version loses relative
/// accuracy near 0 like TensorPrimitives.Tanh does; to be replaced by an odd polynomial for small |z|.
/// </remarks>
internal readonly struct TanhOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T z) => T.Tanh(z);

    public static Vector128<T> Invoke(Vector128<T> z)
    {
        var e = VectorMath.Exp(Vector128.Create(T.CreateTruncating(-2)) * Vector128.Abs(z));
        var t = (Vector128<T>.One - e) / (Vector128<T>.One + e);
        return Vector128.CopySign(t, z);
    }

    public static Vector256<T> Invoke(Vector256<T> z)
    {
        var e = VectorMath.Exp(Vector256.Create(T.CreateTruncating(-2)) * Vector256.Abs(z));
        var t = (Vector256<T>.One - e) / (Vector256<T>.One + e);
        return Vector256.CopySign(t, z);
    }

    public static Vector512<T> Invoke(Vector512<T> z)
    {
        var e = VectorMath.Exp(Vector512.Create(T.CreateTruncating(-2)) * Vector512.Abs(z));
        var t = (Vector512<T>.One - e) / (Vector512<T>.One + e);
        return Vector512.CopySign(t, z);
    }

    public static T Derivative(T a, T gradA) => gradA * (T.One - (a * a));

    public static Vector128<T> Derivative(Vector128<T> a, Vector128<T> gradA) => gradA * (Vector128<T>.One - (a * a));

    public static Vector256<T> Derivative(Vector256<T> a, Vector256<T> gradA) => gradA * (Vector256<T>.One - (a * a));

    public static Vector512<T> Derivative(Vector512<T> a, Vector512<T> gradA) => gradA * (Vector512<T>.One - (a * a));
}
