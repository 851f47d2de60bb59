using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// One loss as an operator struct: the per-element loss value and the per-element gradient before the 1/m.
/// <see cref="LossKernel{T, TTerm}"/> owns the loads, the double accumulation and the stores.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// <c>x</c> is what the value is computed from (the prediction, or the logit for the fused losses), <c>a</c> what
/// the gradient is computed from (the prediction again, or the output activation), <c>shift1</c>/<c>shift2</c> two
/// scalars fixed for a row or a call: softmax's max and log-sum, subtracted in turn; Huber's δ in <c>shift1</c>
/// (the gradient gets <c>shift1</c> too); unused by the others.
/// </remarks>
internal interface ILossTerm<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Value(T x, T target, T shift1, T shift2);

    static abstract Vector128<T> Value(Vector128<T> x, Vector128<T> target, Vector128<T> shift1, Vector128<T> shift2);

    static abstract Vector256<T> Value(Vector256<T> x, Vector256<T> target, Vector256<T> shift1, Vector256<T> shift2);

    static abstract Vector512<T> Value(Vector512<T> x, Vector512<T> target, Vector512<T> shift1, Vector512<T> shift2);

    static abstract T Gradient(T x, T a, T target, T shift1);

    static abstract Vector128<T> Gradient(Vector128<T> x, Vector128<T> a, Vector128<T> target, Vector128<T> shift1);

    static abstract Vector256<T> Gradient(Vector256<T> x, Vector256<T> a, Vector256<T> target, Vector256<T> shift1);

    static abstract Vector512<T> Gradient(Vector512<T> x, Vector512<T> a, Vector512<T> target, Vector512<T> shift1);
}
