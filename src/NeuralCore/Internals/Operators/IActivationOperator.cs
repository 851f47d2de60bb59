using System.Numerics;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// An element-wise activation as an operator struct (dotnet/runtime TensorPrimitives' pattern): one scalar and one
/// vector <c>Invoke</c> per width. Drivers and the GEMM epilogue are generic over it, so the JIT compiles one
/// specialised loop per activation with no indirect call.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IActivationOperator<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>f(z) for one element.</summary>
    static abstract T Invoke(T z);

    /// <summary>f(z) lane-wise.</summary>
    static abstract Vector128<T> Invoke(Vector128<T> z);

    /// <summary>f(z) lane-wise.</summary>
    static abstract Vector256<T> Invoke(Vector256<T> z);

    /// <summary>f(z) lane-wise.</summary>
    static abstract Vector512<T> Invoke(Vector512<T> z);

    /// <summary>dA·f′ expressed through the stored activation a = f(z).</summary>
    static abstract T Derivative(T a, T gradA);

    /// <summary>dA·f′ lane-wise, from the stored activation.</summary>
    static abstract Vector128<T> Derivative(Vector128<T> a, Vector128<T> gradA);

    /// <summary>dA·f′ lane-wise, from the stored activation.</summary>
    static abstract Vector256<T> Derivative(Vector256<T> a, Vector256<T> gradA);

    /// <summary>dA·f′ lane-wise, from the stored activation.</summary>
    static abstract Vector512<T> Derivative(Vector512<T> a, Vector512<T> gradA);
}
