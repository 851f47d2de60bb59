using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Operators;

// log(1 + u) accurate for small u (Goldberg's trick): with w = fl(1 + u), log(1+u) ≈ log(w)·u/(w − 1), because the
// rounding error of w cancels between log(w) and w − 1; and log(1+u) = u when w rounds to 1. The runtime's
// float.LogP1 is log(u + 1) and returns 0 for u < 6e−8, which zeroes the loss of well-classified
// samples in sigmoid + BCE.
internal static partial class VectorMath
{
    public static T LogOnePlus<T>(T u)
        where T : IFloatingPointIeee754<T>
    {
        var w = T.One + u;
        return w == T.One ? u : T.Log(w) * (u / (w - T.One));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LogOnePlus<T>(Vector128<T> u)
    {
        var w = Vector128<T>.One + u;
        return Vector128.ConditionalSelect(Vector128.Equals(w, Vector128<T>.One), u, Log(w) * (u / (w - Vector128<T>.One)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LogOnePlus<T>(Vector256<T> u)
    {
        var w = Vector256<T>.One + u;
        return Vector256.ConditionalSelect(Vector256.Equals(w, Vector256<T>.One), u, Log(w) * (u / (w - Vector256<T>.One)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LogOnePlus<T>(Vector512<T> u)
    {
        var w = Vector512<T>.One + u;
        return Vector512.ConditionalSelect(Vector512.Equals(w, Vector512<T>.One), u, Log(w) * (u / (w - Vector512<T>.One)));
    }
}
