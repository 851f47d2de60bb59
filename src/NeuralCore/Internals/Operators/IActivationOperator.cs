using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// An element-wise activation as an operator struct (dotnet/runtime TensorPrimitives' pattern): one scalar and one
/// vector <c>Invoke</c> per width. Drivers and the GEMM epilogue are generic over it, so the JIT compiles one
/// specialised loop per activation with no indirect call.
/// </summary>
/// <remarks>
/// <para>The activation's parameter (leaky relu's slope, ELU's α; unused by the others) is an argument, as
/// TensorPrimitives passes the scalar of a span–scalar operation: callers broadcast it once per call, and an operator
/// that ignores it costs nothing.</para>
/// <para>The derivative is <c>dA·f′</c>. Operators whose f′ is a function of the stored activation <c>a = f(z)</c>
/// (sigmoid, tanh, the rectifiers, ELU) read only <c>a</c> and have <see cref="NeedsZ"/> false, so their layers keep
/// no Z; the others (GELU, SiLU, softplus) read <c>z</c>, and the engines store Z for those layers only.</para>
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal interface IActivationOperator<T> : IActivationFacts
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether <c>Derivative</c> reads z (otherwise only a; callers may then pass anything as z).</summary>
    static abstract bool NeedsZ { get; }

    /// <summary>f(z) for one element.</summary>
    static abstract T Invoke(T z, T parameter);

    /// <summary>f(z) lane-wise.</summary>
    static abstract Vector128<T> Invoke(Vector128<T> z, Vector128<T> parameter);

    /// <summary>f(z) lane-wise.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> z, Vector256<T> parameter);

    /// <summary>f(z) lane-wise.</summary>
    static abstract Vector512<T> Invoke(Vector512<T> z, Vector512<T> parameter);

    /// <summary>dA·f′(z), from z or from the stored activation a = f(z) (see <see cref="NeedsZ"/>).</summary>
    static abstract T Derivative(T z, T a, T gradA, T parameter);

    /// <summary>dA·f′ lane-wise.</summary>
    static abstract Vector128<T> Derivative(Vector128<T> z, Vector128<T> a, Vector128<T> gradA, Vector128<T> parameter);

    /// <summary>dA·f′ lane-wise.</summary>
    static abstract Vector256<T> Derivative(Vector256<T> z, Vector256<T> a, Vector256<T> gradA, Vector256<T> parameter);

    /// <summary>dA·f′ lane-wise.</summary>
    static abstract Vector512<T> Derivative(Vector512<T> z, Vector512<T> a, Vector512<T> gradA, Vector512<T> parameter);
}
