using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Diagnostics;

/// <summary>
/// Measures how fast one thread streams a buffer of a given size from wherever it stays cached (L1, L2, L3 or DRAM):
/// the ceiling that batch-1 inference, which reads every weight once per prediction, is reported against ("% of the
/// streaming limit"), as GEMM figures are reported against <see cref="FmaPeak"/>.
/// </summary>
/// <remarks>
/// The buffer is read again and again, as a predictor reads the same weights on every call, so a buffer that fits a
/// cache level measures that level. Four independent accumulators of the widest accelerated vector hide the add
/// latency, so the loop is bound by the loads alone. Measure in the same process as the figures it divides.
/// </remarks>
internal static class StreamingBandwidth
{
    /// <summary>The sizes <c>neuralcore bench</c> and the peer benchmarks report by default: one per cache level and DRAM.</summary>
    public static ReadOnlySpan<long> LevelBytes => [16L << 10, 512L << 10, 8L << 20, 256L << 20];

    /// <summary>Measures the read bandwidth of one thread over a buffer of <paramref name="bytes"/> bytes.</summary>
    /// <param name="bytes">The buffer size (≥ 64; rounded up to a multiple of 64).</param>
    /// <param name="duration">How long to measure (the best of several passes is kept).</param>
    /// <returns>Bytes read per nanosecond (GB/s).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is below 64 or above 2 GiB − 64.</exception>
    public static unsafe double MeasureGBps(long bytes, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, int.MaxValue & ~63L);
        var length = (nuint)((bytes + 63) & ~63L);
        var buffer = (byte*)NativeMemory.AlignedAlloc(length, 64);
        try
        {
            // Touch every page first so the first pass measures reads, not page faults.
            new Span<byte>(buffer, checked((int)length)).Fill(1);
            var passes = Math.Max(1, (int)Math.Min(1 << 16, (64L << 20) / (long)length));
            _ = Read(buffer, length, passes);
            var best = 0.0;
            var total = Stopwatch.StartNew();
            while (total.Elapsed < duration || best == 0)
            {
                var start = Stopwatch.GetTimestamp();
                _ = Read(buffer, length, passes);
                var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = Math.Max(best, (double)length * passes / seconds / 1e9);
            }

            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes (a multiple of 64) <paramref name="passes"/> times as floats and returns
    /// their sum, so every byte counted as read was read (tested) and the reads cannot be optimised away.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static unsafe float Read(byte* buffer, nuint length, int passes)
    {
        var data = (float*)buffer;
        var count = length / sizeof(float);
        if (Vector512.IsHardwareAccelerated)
        {
            return Read512(data, count, passes);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            return Read256(data, count, passes);
        }

        return Read128(data, count, passes);
    }

    private static unsafe float Read512(float* data, nuint count, int passes)
    {
        Vector512<float> a = default, b = default, c = default, d = default;
        var step = (nuint)Vector512<float>.Count;
        for (var pass = 0; pass < passes; pass++)
        {
            var i = (nuint)0;
            for (; i + (4 * step) <= count; i += 4 * step)
            {
                a += Vector512.LoadAligned(data + i);
                b += Vector512.LoadAligned(data + i + step);
                c += Vector512.LoadAligned(data + i + (2 * step));
                d += Vector512.LoadAligned(data + i + (3 * step));
            }

            for (; i < count; i += step)
            {
                a += Vector512.LoadAligned(data + i);
            }
        }

        return Vector512.Sum(a + b + c + d);
    }

    private static unsafe float Read256(float* data, nuint count, int passes)
    {
        Vector256<float> a = default, b = default, c = default, d = default;
        var step = (nuint)Vector256<float>.Count;
        for (var pass = 0; pass < passes; pass++)
        {
            var i = (nuint)0;
            for (; i + (4 * step) <= count; i += 4 * step)
            {
                a += Vector256.LoadAligned(data + i);
                b += Vector256.LoadAligned(data + i + step);
                c += Vector256.LoadAligned(data + i + (2 * step));
                d += Vector256.LoadAligned(data + i + (3 * step));
            }

            for (; i < count; i += step)
            {
                a += Vector256.LoadAligned(data + i);
            }
        }

        return Vector256.Sum(a + b + c + d);
    }

    private static unsafe float Read128(float* data, nuint count, int passes)
    {
        Vector128<float> a = default, b = default, c = default, d = default;
        var step = (nuint)Vector128<float>.Count;
        for (var pass = 0; pass < passes; pass++)
        {
            var i = (nuint)0;
            for (; i + (4 * step) <= count; i += 4 * step)
            {
                a += Vector128.LoadAligned(data + i);
                b += Vector128.LoadAligned(data + i + step);
                c += Vector128.LoadAligned(data + i + (2 * step));
                d += Vector128.LoadAligned(data + i + (3 * step));
            }

            for (; i < count; i += step)
            {
                a += Vector128.LoadAligned(data + i);
            }
        }

        return Vector128.Sum(a + b + c + d);
    }
}
