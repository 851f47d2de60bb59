using System.Diagnostics;

namespace NeuralCore.Cli.Bench;

/// <summary>Small timing helpers: warm up, then keep the best of several timed batches (VM noise only ever adds time).</summary>
internal static class Stopwatches
{
    /// <summary>Returns the best seconds per call of <paramref name="action"/> and the bytes allocated per call.</summary>
    public static (double SecondsPerCall, double BytesPerCall) Measure(Action action, TimeSpan budget)
    {
        // Warm-up: tiered JIT and first-touch of buffers.
        var warm = Stopwatch.StartNew();
        var calls = 0;
        do
        {
            action();
            calls++;
        }
        while (warm.Elapsed < budget / 4 || calls < 3);

        var perBatch = Math.Max(1, (int)(calls * 0.25));
        var best = double.MaxValue;
        var allocated = 0L;
        var measuredCalls = 0L;
        var total = Stopwatch.StartNew();
        while (total.Elapsed < budget * 3 / 4 || measuredCalls == 0)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < perBatch; i++)
            {
                action();
            }

            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / perBatch;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
            measuredCalls += perBatch;
            best = Math.Min(best, seconds);
        }

        return (best, (double)allocated / measuredCalls);
    }
}
