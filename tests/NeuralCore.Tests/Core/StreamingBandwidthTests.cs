using System.Runtime.InteropServices;
using NeuralCore.Diagnostics;

namespace NeuralCore.Tests.Core;

[Trait("Category", "Kernels")]
public class StreamingBandwidthTests
{
    // The probe's figure is bytes / time, so its loop must read every element exactly once per pass: the sum of
    // distinct small integers (exact in float) finds a skipped or doubled vector, on whichever width this process runs.
    [Theory]
    [InlineData(64, 1)]
    [InlineData(128, 3)]
    [InlineData(192, 2)]
    [InlineData(4096 + 64, 2)]
    [InlineData(65536 + 192, 1)]
    public unsafe void Read_visits_every_element_once_per_pass(int bytes, int passes)
    {
        var count = bytes / sizeof(float);
        var buffer = (float*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        try
        {
            for (var i = 0; i < count; i++)
            {
                buffer[i] = i % 61;
            }

            var expected = 0.0;
            for (var i = 0; i < count; i++)
            {
                expected += i % 61;
            }

            Assert.Equal(expected * passes, StreamingBandwidth.Read((byte*)buffer, (nuint)bytes, passes));
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    [Fact]
    public void Probe_reports_a_positive_rate_and_refuses_sizes_it_cannot_measure()
    {
        Assert.True(StreamingBandwidth.MeasureGBps(4096, TimeSpan.FromMilliseconds(5)) > 0);
        Assert.Equal("bytes", Assert.Throws<ArgumentOutOfRangeException>(() => StreamingBandwidth.MeasureGBps(63, TimeSpan.Zero)).ParamName);
        Assert.Equal("bytes", Assert.Throws<ArgumentOutOfRangeException>(() => StreamingBandwidth.MeasureGBps((1L << 31) + 1, TimeSpan.Zero)).ParamName);
    }
}
