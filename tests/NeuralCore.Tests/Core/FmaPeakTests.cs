using NeuralCore.Diagnostics;

namespace NeuralCore.Tests.Core;

public class FmaPeakTests
{
    // Only sanity: the probe runs on every path and reports a finite, positive rate. Speed itself belongs to the
    // benchmarks, not to timed tests.
    [Fact]
    public void Probe_ReportsAPositiveRateOnEveryAvailablePath()
    {
        foreach (var path in Kernels.Available)
        {
            var gflops = FmaPeak.MeasureGflops<float>(path, TimeSpan.FromMilliseconds(5));
            Assert.True(double.IsFinite(gflops) && gflops > 0, $"{path}: {gflops}");
        }

        Assert.True(FmaPeak.MeasureGflops<double>(Kernels.Best, TimeSpan.FromMilliseconds(5)) > 0);
    }
}
