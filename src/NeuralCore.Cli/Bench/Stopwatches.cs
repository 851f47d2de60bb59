using System.Diagnostics;

namespace NeuralCore.Cli.Bench;

/// <summary>Small timing helpers: warm up, then keep the best of several timed batches (VM noise only ever adds time).</summary>
internal static class Stopwatches
{
    /// <summary>Returns the best seconds per call of <paramref name="action"/> and the bytes allocated per call.</summary>
    /// <param name="action">The call.</param>
    /// <param name="budget">About how long to spend (a quarter warming up).</param>
    /// <param name="processWide">Count allocations on every thread (for work handed to worker threads); otherwise only
    /// the calling thread's, which other threads of the process cannot disturb.</param>
    public static (double SecondsPerCall, double BytesPerCall) Measure(Action action, TimeSpan budget, bool processWide = false)
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
        var quietestBytes = double.MaxValue;
        var measuredCalls = 0L;
        var total = Stopwatch.StartNew();
        while (total.Elapsed < budget * 3 / 4 || measuredCalls == 0)
        {
            var before = Allocated(processWide);
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < perBatch; i++)
            {
                action();
            }

            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / perBatch;
            // Bytes per call of the quietest batch: a JIT tier-up or another one-off event inside one batch is not a
            // per-call allocation; a real one shows in every batch.
            quietestBytes = Math.Min(quietestBytes, (double)(Allocated(processWide) - before) / perBatch);
            measuredCalls += perBatch;
            best = Math.Min(best, seconds);
        }

        return (best, quietestBytes);
    }

    private static long Allocated(bool processWide) =>
        processWide ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
}
