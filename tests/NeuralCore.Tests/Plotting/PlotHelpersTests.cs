using NeuralCore.Cli.Plotting;
using NeuralCore.Cli.Plotting.Internals;

namespace NeuralCore.Tests.Plotting;

public sealed class PlotHelpersTests
{
    [Theory]
    [InlineData(0, 1, 5, 0.2)]
    [InlineData(0, 10, 5, 2)]
    [InlineData(0, 200, 5, 50)]
    [InlineData(-3, 7, 5, 2)]
    [InlineData(0.001, 0.0043, 5, 0.0005)]
    [InlineData(0, 1e6, 4, 200_000)]
    public void Steps_are_1_2_or_5_times_a_power_of_ten(double min, double max, int target, double expected)
    {
        var step = NiceTicks.Step(min, max, target);

        Assert.Equal(expected, step, expected * 1e-12);
    }

    [Fact]
    public void Extended_ranges_cover_the_data_and_land_on_ticks()
    {
        var random = new Random(5);
        for (var i = 0; i < 500; i++)
        {
            // Offsets up to a million times the width: beyond that, tick labels could not tell the ticks apart anyway.
            var widthExponent = random.Next(-6, 7);
            var a = (random.NextDouble() - 0.5) * Math.Pow(10, widthExponent + random.Next(-3, 7));
            var b = a + ((0.05 + random.NextDouble()) * Math.Pow(10, widthExponent));

            var (min, max, ticks) = NiceTicks.Extend(a, b);

            // Covered up to 1e-9 of a step: the tick rounding forgives that much (invisible) so 0.1·3 stays on 0.3.
            var slack = 1e-9 * (ticks[1] - ticks[0]);
            Assert.True(min <= a + slack && max >= b - slack, $"[{min}, {max}] must cover [{a}, {b}]");
            Assert.InRange(ticks.Length, 2, 12);
            Assert.Equal(min, ticks[0]);
            Assert.Equal(max, ticks[^1]);
            var step = NiceTicks.Step(a, b, 5);
            var mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
            Assert.Contains(Math.Round(mantissa, 9), new[] { 1.0, 2.0, 5.0, 10.0 });

            // Evenly spaced, up to rounding of the tick values themselves (they may be far larger than the step).
            var scale = Math.Max(Math.Abs(ticks[0]), Math.Abs(ticks[^1]));
            for (var t = 1; t < ticks.Length; t++)
            {
                Assert.Equal(step, ticks[t] - ticks[t - 1], (step * 1e-9) + (scale * 1e-15));
            }
        }
    }

    [Theory]
    [InlineData(0.30000000000000004, 0.1, "0.3")]
    [InlineData(-0.0, 0.5, "0")]
    [InlineData(1e-17, 0.1, "0")]
    [InlineData(250, 50, "250")]
    [InlineData(2.5, 0.5, "2.5")]
    [InlineData(0.00005, 0.00001, "5e-5")]
    [InlineData(3_000_000, 1_000_000, "3e6")]
    public void Tick_labels_are_short_and_invariant(double value, double step, string expected) =>
        Assert.Equal(expected, NiceTicks.Label(value, step));

    [Fact]
    public void Log_ticks_are_decades_with_2_and_5_when_the_range_is_short()
    {
        var (min, max, ticks) = NiceTicks.ExtendLog(0.03, 0.7);
        var (_, _, wide) = NiceTicks.ExtendLog(1e-5, 10);

        Assert.Equal((0.01, 1.0), (min, max));
        Assert.Equal([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1], ticks.Select(t => Math.Round(t, 12)));
        Assert.Equal(7, wide.Length);
    }

    [Fact]
    public void Contour_of_a_plane_is_the_straight_line_where_it_crosses_the_level()
    {
        // v(r, c) = c − 2.5 crosses 0 at column 2.5 on every row: one vertical segment per cell row.
        var values = new double[4, 6];
        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 6; c++)
            {
                values[r, c] = c - 2.5;
            }
        }

        var segments = MarchingSquares.Segments(values, 0);

        Assert.Equal(3, segments.Count);
        Assert.All(segments, s => Assert.Equal((2.5, 2.5), (s.X1, s.X2)));
        Assert.Equal([0.0, 1, 2], segments.Select(s => Math.Min(s.Y1, s.Y2)).Order());
    }

    [Fact]
    public void Contour_of_a_cone_is_closed_around_its_peak()
    {
        var values = new double[21, 21];
        for (var r = 0; r < 21; r++)
        {
            for (var c = 0; c < 21; c++)
            {
                values[r, c] = 1 - (Math.Sqrt(((r - 10) * (r - 10)) + ((c - 10) * (c - 10))) / 10);
            }
        }

        // Level 0.52 is radius 4.8, which passes through no lattice point (4.8² is not a sum of two squares), so no
        // crossing sits exactly on a corner.
        var segments = MarchingSquares.Segments(values, 0.52);

        // Every end point is shared by exactly two segments on a closed curve, and lies ~4.8 cells from the centre.
        var ends = segments.SelectMany(s => new[] { (Math.Round(s.X1, 9), Math.Round(s.Y1, 9)), (Math.Round(s.X2, 9), Math.Round(s.Y2, 9)) });
        Assert.All(ends.GroupBy(e => e), g => Assert.Equal(2, g.Count()));
        Assert.All(ends, e => Assert.InRange(Math.Sqrt(((e.Item1 - 10) * (e.Item1 - 10)) + ((e.Item2 - 10) * (e.Item2 - 10))), 4.6, 4.85));
    }

    [Fact]
    public void Diverging_fill_is_white_at_the_middle_and_tinted_towards_each_class()
    {
        Assert.Equal("#FFFFFF", Palette.Diverging(0.5, 0, 1, "#4E79A7", "#F28E2B", 0.5));
        Assert.Equal(Palette.Blend("#FFFFFF", "#F28E2B", 0.42), Palette.Diverging(1, 0, 1, "#4E79A7", "#F28E2B", 0.5));
        Assert.Equal(Palette.Blend("#FFFFFF", "#4E79A7", 0.42), Palette.Diverging(0, 0, 1, "#4E79A7", "#F28E2B", 0.5));
        Assert.Equal("#808080", Palette.Blend("#000000", "#FFFFFF", 0.5));
        Assert.Throws<ArgumentException>(() => Palette.Blend("red", "#FFFFFF", 0.5));
    }
}
