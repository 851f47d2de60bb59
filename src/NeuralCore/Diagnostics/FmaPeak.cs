using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Diagnostics;

/// <summary>
/// Measures this machine's register-only fused multiply-add throughput: the ceiling GEMM figures are reported
/// against ("% of peak").
/// </summary>
/// <remarks>
/// Twelve independent accumulator chains per thread: FMA latency here is 4 cycles with 2 FMA pipes, so at least 8
/// chains are needed to keep both pipes busy (docs/design.md, "GEMM blocking and register budget"). Measure in the same
/// process as the figures it divides, because a VM's clock and neighbours vary between runs.
/// </remarks>
internal static class FmaPeak
{
    private const int Chains = 12;
    private const int InnerIterations = 1 << 14;

    /// <summary>Measures the single-thread FMA peak in GFLOPS for <typeparamref name="T"/> on <paramref name="path"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The vector width (clamped to what this machine runs; the reference and scalar paths use one lane).</param>
    /// <param name="duration">How long to measure (the best of several repetitions is kept).</param>
    /// <returns>Floating-point operations per nanosecond (GFLOPS), counting an FMA as 2.</returns>
    public static double MeasureGflops<T>(KernelPath path, TimeSpan duration)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        path = Kernels.Clamp(path);
        var lanes = Lanes<T>(path);

        Run<T>(path, 4); // compile and warm up
        var best = 0.0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed < duration || best == 0)
        {
            const int outer = 16;
            var start = Stopwatch.GetTimestamp();
            Run<T>(path, outer);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var flops = 2.0 * Chains * lanes * InnerIterations * outer;
            best = Math.Max(best, flops / seconds / 1e9);
        }

        return best;
    }

    /// <summary>
    /// Runs the register-only FMA chains once on <paramref name="path"/> (for harnesses such as BenchmarkDotNet that
    /// time calls themselves); <see cref="FlopsPerRun{T}"/> gives the work done.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The vector width (clamped to what this machine runs).</param>
    /// <returns>A value derived from every chain, so the work cannot be optimised away.</returns>
    public static T RunOnce<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T> => Kernels.Clamp(path) switch
        {
            KernelPath.Vector512 => Chains512<T>(),
            KernelPath.Vector256 => Chains256<T>(),
            KernelPath.Vector128 => Chains128<T>(),
            _ => ChainsScalar<T>(),
        };

    /// <summary>The floating-point operations one <see cref="RunOnce{T}"/> performs (an FMA counts as 2).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The vector width (clamped to what this machine runs).</param>
    /// <returns>The operation count.</returns>
    public static double FlopsPerRun<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T> => 2.0 * Chains * Lanes<T>(Kernels.Clamp(path)) * InnerIterations;

    private static int Lanes<T>(KernelPath path) => path switch
    {
        KernelPath.Vector512 => Vector512<T>.Count,
        KernelPath.Vector256 => Vector256<T>.Count,
        KernelPath.Vector128 => Vector128<T>.Count,
        _ => 1,
    };

    private static void Run<T>(KernelPath path, int outer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < outer; i++)
        {
            Sink<T>.Value += RunOnce<T>(path);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Chains512<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Multiplier just below 1 and a tiny addend keep the values finite and normal for any iteration count.
        var a = Vector512.Create(T.CreateTruncating(0.999999));
        var b = Vector512.Create(T.CreateTruncating(1e-7));
        Vector512<T> c0 = a, c1 = b, c2 = a, c3 = b, c4 = a, c5 = b, c6 = a, c7 = b, c8 = a, c9 = b, c10 = a, c11 = b;
        for (var i = 0; i < InnerIterations; i++)
        {
            c0 = Fma(c0, a, b); c1 = Fma(c1, a, b); c2 = Fma(c2, a, b); c3 = Fma(c3, a, b);
            c4 = Fma(c4, a, b); c5 = Fma(c5, a, b); c6 = Fma(c6, a, b); c7 = Fma(c7, a, b);
            c8 = Fma(c8, a, b); c9 = Fma(c9, a, b); c10 = Fma(c10, a, b); c11 = Fma(c11, a, b);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Chains256<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Vector256.Create(T.CreateTruncating(0.999999));
        var b = Vector256.Create(T.CreateTruncating(1e-7));
        Vector256<T> c0 = a, c1 = b, c2 = a, c3 = b, c4 = a, c5 = b, c6 = a, c7 = b, c8 = a, c9 = b, c10 = a, c11 = b;
        for (var i = 0; i < InnerIterations; i++)
        {
            c0 = Fma(c0, a, b); c1 = Fma(c1, a, b); c2 = Fma(c2, a, b); c3 = Fma(c3, a, b);
            c4 = Fma(c4, a, b); c5 = Fma(c5, a, b); c6 = Fma(c6, a, b); c7 = Fma(c7, a, b);
            c8 = Fma(c8, a, b); c9 = Fma(c9, a, b); c10 = Fma(c10, a, b); c11 = Fma(c11, a, b);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T Chains128<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Vector128.Create(T.CreateTruncating(0.999999));
        var b = Vector128.Create(T.CreateTruncating(1e-7));
        Vector128<T> c0 = a, c1 = b, c2 = a, c3 = b, c4 = a, c5 = b, c6 = a, c7 = b, c8 = a, c9 = b, c10 = a, c11 = b;
        for (var i = 0; i < InnerIterations; i++)
        {
            c0 = Fma(c0, a, b); c1 = Fma(c1, a, b); c2 = Fma(c2, a, b); c3 = Fma(c3, a, b);
            c4 = Fma(c4, a, b); c5 = Fma(c5, a, b); c6 = Fma(c6, a, b); c7 = Fma(c7, a, b);
            c8 = Fma(c8, a, b); c9 = Fma(c9, a, b); c10 = Fma(c10, a, b); c11 = Fma(c11, a, b);
        }

        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static T ChainsScalar<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = T.CreateTruncating(0.999999);
        var b = T.CreateTruncating(1e-7);
        T c0 = a, c1 = b, c2 = a, c3 = b, c4 = a, c5 = b, c6 = a, c7 = b, c8 = a, c9 = b, c10 = a, c11 = b;
        for (var i = 0; i < InnerIterations; i++)
        {
            c0 = T.FusedMultiplyAdd(c0, a, b); c1 = T.FusedMultiplyAdd(c1, a, b); c2 = T.FusedMultiplyAdd(c2, a, b);
            c3 = T.FusedMultiplyAdd(c3, a, b); c4 = T.FusedMultiplyAdd(c4, a, b); c5 = T.FusedMultiplyAdd(c5, a, b);
            c6 = T.FusedMultiplyAdd(c6, a, b); c7 = T.FusedMultiplyAdd(c7, a, b); c8 = T.FusedMultiplyAdd(c8, a, b);
            c9 = T.FusedMultiplyAdd(c9, a, b); c10 = T.FusedMultiplyAdd(c10, a, b); c11 = T.FusedMultiplyAdd(c11, a, b);
        }

        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> z) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fma<T>(Vector128<T> x, Vector128<T> y, Vector128<T> z) =>
        typeof(T) == typeof(float)
            ? Vector128.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector128.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    private static class Sink<T>
    {
        public static T? Value;
    }
}
