namespace NeuralCore.Tests;

/// <summary>
/// Allocation measured process-wide, for calls that hand work to the worker pool (whose threads' allocations a
/// per-thread counter would miss).
/// </summary>
/// <remarks>
/// An unrelated runtime or runner thread can allocate inside any window (on a loaded machine a fixed 168 B per window
/// was seen whether or not the window held work), so the bound is "less than one object per call": calls that each
/// allocated even the smallest object (24 B) would reach <c>24 × calls</c> in every window. The calling thread must
/// allocate exactly nothing in its quietest window (a one-off tier-up finishing late on a loaded machine can land in
/// one window; an allocation per call lands in all of them).
/// </remarks>
internal static class ProcessAllocation
{
    /// <summary>The smallest object on a 64-bit runtime.</summary>
    public const int SmallestObjectBytes = 24;

    /// <summary>Runs <paramref name="call"/> <paramref name="calls"/> times in each of <paramref name="windows"/> windows and asserts the bounds above.</summary>
    public static void AssertNoneAllocatedPerCall(Action call, int calls, string what, int windows = 8)
    {
        var quietest = long.MaxValue;
        var callerQuietest = long.MaxValue;
        for (var window = 0; window < windows; window++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var callerBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < calls; i++)
            {
                call();
            }

            callerQuietest = Math.Min(callerQuietest, GC.GetAllocatedBytesForCurrentThread() - callerBefore);
            quietest = Math.Min(quietest, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.True(callerQuietest == 0, $"{what}: {callerQuietest} bytes allocated on the calling thread over {calls} calls in the quietest of {windows} windows.");
        Assert.True(quietest < (long)SmallestObjectBytes * calls, $"{what}: {quietest} bytes allocated in the process over {calls} calls in the quietest of {windows} windows.");
    }
}
