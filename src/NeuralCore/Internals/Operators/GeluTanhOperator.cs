using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Operators;

/// <summary>f(z) = z/2·(1 + tanh(√(2/π)(z + 0.044715z³))) = z·σ(x), x = 2√(2/π)(z + 0.044715z³); f′ = σ(x) + z·x′·σ(x)(1 − σ(x)), read from z.</summary>
/// <remarks>
/// <para>(1 + tanh w)/2 = σ(2w) exactly, and σ keeps its relative precision for negative arguments where
/// 1 + tanh w cancels (PyTorch's form returns 0 once tanh w rounds to −1: z ≲ −5.2 in float). So this is
/// <see cref="SigmoidOperator{T}"/> on x rather than <see cref="VectorMath"/>'s tanh.</para>
/// <para>x is computed in T; for negative x its relative rounding (a few ε) is amplified |x|-fold by σ, as for any
/// evaluation in T of this formula (its condition number in z is about 3|x|). z is clamped to ±25, where σ(x) is
/// 0 or 1 in double, so ±∞ give ∞ and −0 (f′ 1 and 0) instead of ∞·0.</para>
/// </remarks>
internal readonly struct GeluTanhOperator<T> : IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static string Name => "gelu_tanh";

    public static bool NeedsZ => true;

    private const double Limit = 25;

    // x = z·(Linear + Cubic·z²): 2√(2/π) and 2√(2/π)·0.044715.
    private const double Linear = 1.5957691216057308;
    private const double Cubic = 0.07135481627260025;

    // The scalar forms run the vector form on one lane: one algorithm for every path and tail.
    public static T Invoke(T z, T parameter) => Invoke(Vector128.CreateScalar(z), Vector128.CreateScalar(parameter)).ToScalar();

    public static T Derivative(T z, T a, T gradA, T parameter) =>
        Derivative(Vector128.CreateScalar(z), Vector128.CreateScalar(a), Vector128.CreateScalar(gradA), Vector128.CreateScalar(parameter)).ToScalar();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter)
    {
        var zl = Vector128.MaxNative(Vector128.Create(T.CreateTruncating(-Limit)), z);
        var x = zl * Simd128<T>.MultiplyAdd(Vector128.Create(T.CreateTruncating(Cubic)), zl * zl, Vector128.Create(T.CreateTruncating(Linear)));
        return zl * SigmoidOperator<T>.Invoke(x, parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter)
    {
        var limit = Vector128.Create(T.CreateTruncating(Limit));
        var zc = Vector128.MinNative(limit, Vector128.MaxNative(-limit, z));
        var z2 = zc * zc;
        var cubic = Vector128.Create(T.CreateTruncating(Cubic));
        var linear = Vector128.Create(T.CreateTruncating(Linear));
        var x = zc * Simd128<T>.MultiplyAdd(cubic, z2, linear);
        var slope = Simd128<T>.MultiplyAdd(Vector128.Create(T.CreateTruncating(3 * Cubic)), z2, linear);

        // σ(x) and σ(x)(1 − σ(x)) = e·r² from one e = e^−|x| and one division r = 1/(1 + e).
        var e = VectorMath.Exp(-Vector128.Abs(x));
        var r = Vector128<T>.One / (Vector128<T>.One + e);
        var sigmoid = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<T>.Zero), r, e * r);
        return gradA * Simd128<T>.MultiplyAdd(zc * slope * e, r * r, sigmoid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter)
    {
        var zl = Vector256.MaxNative(Vector256.Create(T.CreateTruncating(-Limit)), z);
        var x = zl * Simd256<T>.MultiplyAdd(Vector256.Create(T.CreateTruncating(Cubic)), zl * zl, Vector256.Create(T.CreateTruncating(Linear)));
        return zl * SigmoidOperator<T>.Invoke(x, parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter)
    {
        var limit = Vector256.Create(T.CreateTruncating(Limit));
        var zc = Vector256.MinNative(limit, Vector256.MaxNative(-limit, z));
        var z2 = zc * zc;
        var cubic = Vector256.Create(T.CreateTruncating(Cubic));
        var linear = Vector256.Create(T.CreateTruncating(Linear));
        var x = zc * Simd256<T>.MultiplyAdd(cubic, z2, linear);
        var slope = Simd256<T>.MultiplyAdd(Vector256.Create(T.CreateTruncating(3 * Cubic)), z2, linear);

        // σ(x) and σ(x)(1 − σ(x)) = e·r² from one e = e^−|x| and one division r = 1/(1 + e).
        var e = VectorMath.Exp(-Vector256.Abs(x));
        var r = Vector256<T>.One / (Vector256<T>.One + e);
        var sigmoid = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<T>.Zero), r, e * r);
        return gradA * Simd256<T>.MultiplyAdd(zc * slope * e, r * r, sigmoid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter)
    {
        var zl = Vector512.MaxNative(Vector512.Create(T.CreateTruncating(-Limit)), z);
        var x = zl * Simd512<T>.MultiplyAdd(Vector512.Create(T.CreateTruncating(Cubic)), zl * zl, Vector512.Create(T.CreateTruncating(Linear)));
        return zl * SigmoidOperator<T>.Invoke(x, parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter)
    {
        var limit = Vector512.Create(T.CreateTruncating(Limit));
        var zc = Vector512.MinNative(limit, Vector512.MaxNative(-limit, z));
        var z2 = zc * zc;
        var cubic = Vector512.Create(T.CreateTruncating(Cubic));
        var linear = Vector512.Create(T.CreateTruncating(Linear));
        var x = zc * Simd512<T>.MultiplyAdd(cubic, z2, linear);
        var slope = Simd512<T>.MultiplyAdd(Vector512.Create(T.CreateTruncating(3 * Cubic)), z2, linear);

        // σ(x) and σ(x)(1 − σ(x)) = e·r² from one e = e^−|x| and one division r = 1/(1 + e).
        var e = VectorMath.Exp(-Vector512.Abs(x));
        var r = Vector512<T>.One / (Vector512<T>.One + e);
        var sigmoid = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<T>.Zero), r, e * r);
        return gradA * Simd512<T>.MultiplyAdd(zc * slope * e, r * r, sigmoid);
    }
}
