using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = 1/(1+e^−z); f′ = a(1−a) from the stored activation.</summary>
/// <remarks>
/// The vector forms evaluate e^−|z| (never overflows) and reflect: σ(z) = 1−σ(−z). They use the runtime's
/// <c>VectorNNN.Exp</c> for now.
/// </remarks>
internal readonly struct SigmoidOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Invoke(T z) => Reference.ActivationsReference.Sigmoid(z);

    public static Vector128<T> Invoke(Vector128<T> z)
    {
        var e = VectorMath.Exp(-Vector128.Abs(z));
        var s = Vector128<T>.One / (Vector128<T>.One + e);
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(z, Vector128<T>.Zero), s, Vector128<T>.One - s);
    }

    public static Vector256<T> Invoke(Vector256<T> z)
    {
        var e = VectorMath.Exp(-Vector256.Abs(z));
        var s = Vector256<T>.One / (Vector256<T>.One + e);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<T>.Zero), s, Vector256<T>.One - s);
    }

    public static Vector512<T> Invoke(Vector512<T> z)
    {
        var e = VectorMath.Exp(-Vector512.Abs(z));
        var s = Vector512<T>.One / (Vector512<T>.One + e);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, Vector512<T>.Zero), s, Vector512<T>.One - s);
    }

    public static T Derivative(T a, T gradA) => gradA * a * (T.One - a);

    public static Vector128<T> Derivative(Vector128<T> a, Vector128<T> gradA) => gradA * a * (Vector128<T>.One - a);

    public static Vector256<T> Derivative(Vector256<T> a, Vector256<T> gradA) => gradA * a * (Vector256<T>.One - a);

    public static Vector512<T> Derivative(Vector512<T> a, Vector512<T> gradA) => gradA * a * (Vector512<T>.One - a);
}
