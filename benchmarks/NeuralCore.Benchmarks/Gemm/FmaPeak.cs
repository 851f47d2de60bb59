using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Benchmarks.Gemm;

/// <summary>
/// The machine's FMA peak: 12 independent register-only FMA chains (≥ 2 pipes × 4-cycle latency), no memory
/// traffic, so the GEMM figures can be quoted as a fraction of what this core can do right now (research notes §0).
/// </summary>
public static class FmaPeak
{
    /// <summary>Iterations per call; each does 12 vector FMAs.</summary>
    public const int Iterations = 1 << 16;

    /// <summary>Flops per call for element type width <paramref name="lanes"/>.</summary>
    public static double FlopsPerCall(int lanes) => 2.0 * 12 * lanes * Iterations;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Run512(float seed)
    {
        var x = Vector512.Create(seed);
        var y = Vector512.Create(0.999f);
        Vector512<float> a0 = x, a1 = x + y, a2 = x - y, a3 = y, a4 = x * y, a5 = -x, a6 = -y, a7 = x + x, a8 = y + y, a9 = x * x, a10 = y * y, a11 = x - x;
        for (var i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, y, x); a1 = Vector512.FusedMultiplyAdd(a1, y, x); a2 = Vector512.FusedMultiplyAdd(a2, y, x);
            a3 = Vector512.FusedMultiplyAdd(a3, y, x); a4 = Vector512.FusedMultiplyAdd(a4, y, x); a5 = Vector512.FusedMultiplyAdd(a5, y, x);
            a6 = Vector512.FusedMultiplyAdd(a6, y, x); a7 = Vector512.FusedMultiplyAdd(a7, y, x); a8 = Vector512.FusedMultiplyAdd(a8, y, x);
            a9 = Vector512.FusedMultiplyAdd(a9, y, x); a10 = Vector512.FusedMultiplyAdd(a10, y, x); a11 = Vector512.FusedMultiplyAdd(a11, y, x);
        }

        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Run256(float seed)
    {
        var x = Vector256.Create(seed);
        var y = Vector256.Create(0.999f);
        Vector256<float> a0 = x, a1 = x + y, a2 = x - y, a3 = y, a4 = x * y, a5 = -x, a6 = -y, a7 = x + x, a8 = y + y, a9 = x * x, a10 = y * y, a11 = x - x;
        for (var i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, y, x); a1 = Vector256.FusedMultiplyAdd(a1, y, x); a2 = Vector256.FusedMultiplyAdd(a2, y, x);
            a3 = Vector256.FusedMultiplyAdd(a3, y, x); a4 = Vector256.FusedMultiplyAdd(a4, y, x); a5 = Vector256.FusedMultiplyAdd(a5, y, x);
            a6 = Vector256.FusedMultiplyAdd(a6, y, x); a7 = Vector256.FusedMultiplyAdd(a7, y, x); a8 = Vector256.FusedMultiplyAdd(a8, y, x);
            a9 = Vector256.FusedMultiplyAdd(a9, y, x); a10 = Vector256.FusedMultiplyAdd(a10, y, x); a11 = Vector256.FusedMultiplyAdd(a11, y, x);
        }

        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
