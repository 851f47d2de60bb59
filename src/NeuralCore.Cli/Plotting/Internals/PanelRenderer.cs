using System.Globalization;
using System.Text;

namespace NeuralCore.Cli.Plotting.Internals;

/// <summary>
/// Draws one <see cref="Panel"/> into its slot of the figure:
/// <code>
///   +-------------------------------------------+  ← slot (x0, y0, width, height)
///   |                 title                     |
///   |  y   tick |‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾‾|    |
///   |  l  label-|     plot area (clipped)  [legend]
///   |  a        |_____________________________|    |
///   |  b           tick labels                     |
///   |                  x label                     |
///   +-------------------------------------------+
/// </code>
/// Layers bottom-up: heat maps, grid, contours, bars/lines/points, frame, ticks, text, legend.
/// </summary>
internal static class PanelRenderer
{
    private const double TickLength = 5;
    private const double TickFont = 11;
    private const double LabelFont = 12.5;
    private const double TitleFont = 14;
    private const double LegendFont = 11.5;
    private const double LegendRow = 18;
    private const string TextColor = "#333333";
    private const string GridColor = "#E3E3E3";
    private const string FrameColor = "#555555";

    private const double LegendGap = 10;

    public static void Render(SvgBuilder svg, Panel panel, int index, double x0, double y0, double width, double height)
    {
        // An automatic legend that would cover data in every corner goes beside the plot area instead; a first pass
        // into a scratch document finds out (the points' pixels depend on the area, which the legend would shrink).
        var outside = panel.Legend == LegendPosition.Auto
            && !RenderCore(new SvgBuilder(width, height), panel, index, x0, y0, width, height, legendOutside: false);
        RenderCore(svg, panel, index, x0, y0, width, height, outside);
    }

    /// <summary>Draws the panel; false when its legend covers drawn points.</summary>
    private static bool RenderCore(SvgBuilder svg, Panel panel, int index, double x0, double y0, double width, double height, bool legendOutside)
    {
        var colors = AssignColors(panel);

        // Sizes that do not depend on the axes come first; the y tick labels set the left margin.
        var top = y0 + (panel.Title is null ? 14 : 34);
        var bottom = y0 + height - (panel.XLabel is null ? 28 : 48);
        var right = x0 + width - 18 - (legendOutside ? LegendGap + LegendColumnWidth(LegendEntries(panel, colors)) : 0);
        var yAxis = BuildYAxis(panel, (int)Math.Clamp((bottom - top) / 50, 3, 8));
        var yLabelWidth = yAxis.Labels.Length == 0 ? 0 : yAxis.Labels.Max(label => TextMetrics.Width(label, TickFont));
        var left = x0 + (panel.YLabel is null ? 10 : 30) + yLabelWidth + TickLength + 4;
        var xAxis = BuildXAxis(panel, (int)Math.Clamp((right - left) / 85, 2, 10));
        var area = new PlotArea(left, top, right - left, bottom - top, xAxis, yAxis);
        var clipId = string.Create(CultureInfo.InvariantCulture, $"plot-area-{index}");

        svg.Open("g", $"class=\"panel\" id=\"panel-{index.ToString(CultureInfo.InvariantCulture)}\"");
        svg.Open("defs");
        svg.Open("clipPath", $"id=\"{clipId}\"");
        svg.Rect(area.Left, area.Top, area.Width, area.Height, string.Empty);
        svg.Close("clipPath");
        svg.Close("defs");

        var points = new List<(double X, double Y)>();
        svg.Open("g", $"clip-path=\"url(#{clipId})\"");
        foreach (var heatmap in panel.Series.OfType<HeatmapSeries>())
        {
            DrawHeatmap(svg, heatmap, area);
        }

        DrawGrid(svg, area);
        foreach (var heatmap in panel.Series.OfType<HeatmapSeries>().Where(h => h.Contour))
        {
            DrawContour(svg, heatmap, area);
        }

        var bars = panel.Series.OfType<BarSeries>().ToList();
        for (var i = 0; i < panel.Series.Count; i++)
        {
            switch (panel.Series[i])
            {
                case BarSeries bar:
                    DrawBars(svg, bar, bars.IndexOf(bar), bars.Count, colors[i], area, points);
                    break;
                case LineSeries line:
                    DrawLine(svg, line, colors[i], area, points);
                    break;
                case ScatterSeries scatter:
                    DrawScatter(svg, scatter, colors[i], area, points);
                    break;
            }
        }

        svg.Close("g");

        svg.Rect(area.Left, area.Top, area.Width, area.Height, $"fill=\"none\" stroke=\"{FrameColor}\" stroke-width=\"1\"");
        DrawTicks(svg, area);
        DrawTitles(svg, panel, area, x0, y0);
        var clear = DrawLegend(svg, panel, colors, area, points, legendOutside);
        svg.Close("g");
        return clear;
    }

    private static string[] AssignColors(Panel panel)
    {
        var colors = new string[panel.Series.Count];
        var next = 0;
        for (var i = 0; i < colors.Length; i++)
        {
            var series = panel.Series[i];
            colors[i] = series is HeatmapSeries ? "#000000" : series.Color ?? Palette.Color(next++);
        }

        return colors;
    }

    private static Axis BuildXAxis(Panel panel, int targetTicks)
    {
        if (panel.Series.OfType<HeatmapSeries>().FirstOrDefault() is { } heatmap)
        {
            var min = panel.XMin ?? heatmap.XMin;
            var max = panel.XMax ?? heatmap.XMax;
            return Axis.Linear(min, max, NiceTicks.Inside(min, max, targetTicks));
        }

        var barCount = panel.Series.OfType<BarSeries>().Select(b => b.Values.Count).DefaultIfEmpty(0).Max();
        if (barCount > 0)
        {
            var step = barCount <= 12 ? 1 : Math.Max(1, NiceTicks.Step(0, barCount - 1, targetTicks));
            var ticks = Enumerable.Range(0, ((barCount - 1) / (int)step) + 1).Select(i => i * step).ToArray();
            var labels = ticks.Select(t => panel.Categories is { } names && (int)t < names.Count
                ? names[(int)t]
                : ((int)t).ToString(CultureInfo.InvariantCulture)).ToArray();
            return new Axis(panel.XMin ?? -0.6, panel.XMax ?? (barCount - 0.4), ticks, labels, log: false);
        }

        var values = panel.Series.SelectMany(s => s switch
        {
            LineSeries line => line.X,
            ScatterSeries scatter => scatter.X,
            _ => [],
        });
        return FromData(values, panel.XMin, panel.XMax, targetTicks, log: false);
    }

    private static Axis BuildYAxis(Panel panel, int targetTicks)
    {
        var log = panel.YScale == AxisScale.Log;
        if (!log && panel.Series.OfType<HeatmapSeries>().FirstOrDefault() is { } heatmap)
        {
            var min = panel.YMin ?? heatmap.YMin;
            var max = panel.YMax ?? heatmap.YMax;
            return Axis.Linear(min, max, NiceTicks.Inside(min, max, targetTicks));
        }

        var values = panel.Series.SelectMany(s => s switch
        {
            LineSeries line => line.Y,
            ScatterSeries scatter => scatter.Y,
            BarSeries bar when !log => bar.Values.Append(0),
            BarSeries bar => bar.Values,
            _ => [],
        });
        return FromData(values, panel.YMin, panel.YMax, targetTicks, log);
    }

    private static Axis FromData(IEnumerable<double> values, double? fixedMin, double? fixedMax, int targetTicks, bool log)
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsFinite(v) && (!log || v > 0))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        min = fixedMin ?? min;
        max = fixedMax ?? max;
        if (log)
        {
            var (logMin, logMax, logTicks) = NiceTicks.ExtendLog(min, max);
            logMin = fixedMin ?? logMin;
            logMax = fixedMax ?? logMax;
            var shown = logTicks.Where(t => t >= logMin * (1 - 1e-9) && t <= logMax * (1 + 1e-9)).ToArray();
            return new Axis(logMin, logMax, shown, [.. shown.Select(NiceTicks.LogLabel)], log: true);
        }

        if (fixedMin is not null && fixedMax is not null)
        {
            return Axis.Linear(min, max, NiceTicks.Inside(min, max, targetTicks));
        }

        var (niceMin, niceMax, ticks) = NiceTicks.Extend(min, max, targetTicks);
        niceMin = fixedMin ?? niceMin;
        niceMax = fixedMax ?? niceMax;
        return Axis.Linear(niceMin, niceMax, [.. ticks.Where(t => t >= niceMin - 1e-9 && t <= niceMax + 1e-9)]);
    }

    private static void DrawHeatmap(SvgBuilder svg, HeatmapSeries heatmap, PlotArea area)
    {
        var rows = heatmap.Values.GetLength(0);
        var columns = heatmap.Values.GetLength(1);
        var dx = (heatmap.XMax - heatmap.XMin) / (columns - 1);
        var dy = (heatmap.YMax - heatmap.YMin) / (rows - 1);
        svg.Open("g", "class=\"heatmap\" shape-rendering=\"crispEdges\"");
        for (var r = 0; r < rows; r++)
        {
            var yTop = area.Y(heatmap.YMin + ((r + 0.5) * dy));
            var yBottom = area.Y(heatmap.YMin + ((r - 0.5) * dy));

            // Neighbouring cells of the same colour become one rect: a smaller file and no hairline seams.
            var c = 0;
            while (c < columns)
            {
                var color = Palette.Diverging(heatmap.Values[r, c], heatmap.ValueMin, heatmap.ValueMax, heatmap.LowColor, heatmap.HighColor, heatmap.Middle);
                var end = c + 1;
                while (end < columns && Palette.Diverging(heatmap.Values[r, end], heatmap.ValueMin, heatmap.ValueMax, heatmap.LowColor, heatmap.HighColor, heatmap.Middle) == color)
                {
                    end++;
                }

                var xLeft = area.X(heatmap.XMin + ((c - 0.5) * dx));
                var xRight = area.X(heatmap.XMin + ((end - 0.5) * dx));

                // Half a pixel of overlap hides anti-aliasing gaps between rows and runs.
                svg.Rect(xLeft, yTop, xRight - xLeft + 0.5, yBottom - yTop + 0.5, $"fill=\"{color}\"");
                c = end;
            }
        }

        svg.Close("g");
    }

    private static void DrawContour(SvgBuilder svg, HeatmapSeries heatmap, PlotArea area)
    {
        var rows = heatmap.Values.GetLength(0);
        var columns = heatmap.Values.GetLength(1);
        var dx = (heatmap.XMax - heatmap.XMin) / (columns - 1);
        var dy = (heatmap.YMax - heatmap.YMin) / (rows - 1);
        var path = new StringBuilder();
        foreach (var (cx1, ry1, cx2, ry2) in MarchingSquares.Segments(heatmap.Values, heatmap.Middle))
        {
            path.Append(CultureInfo.InvariantCulture, $"M{SvgBuilder.N(area.X(heatmap.XMin + (cx1 * dx)))} {SvgBuilder.N(area.Y(heatmap.YMin + (ry1 * dy)))}");
            path.Append(CultureInfo.InvariantCulture, $"L{SvgBuilder.N(area.X(heatmap.XMin + (cx2 * dx)))} {SvgBuilder.N(area.Y(heatmap.YMin + (ry2 * dy)))}");
        }

        if (path.Length > 0)
        {
            svg.Element("path", $"class=\"contour\" d=\"{path}\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.6\" stroke-linecap=\"round\"");
        }
    }

    private static void DrawGrid(SvgBuilder svg, PlotArea area)
    {
        svg.Open("g", $"class=\"grid\" stroke=\"{GridColor}\" stroke-width=\"1\" stroke-opacity=\"0.8\"");
        foreach (var t in area.XAxis.Ticks)
        {
            var x = area.X(t);
            svg.LineSegment(x, area.Top, x, area.Bottom, string.Empty);
        }

        foreach (var t in area.YAxis.Ticks)
        {
            var y = area.Y(t);
            svg.LineSegment(area.Left, y, area.Right, y, string.Empty);
        }

        svg.Close("g");
    }

    private static void DrawLine(SvgBuilder svg, LineSeries line, string color, PlotArea area, List<(double X, double Y)> points)
    {
        var dash = line.Dashed ? " stroke-dasharray=\"7 4\"" : string.Empty;
        svg.Open("g", $"class=\"line\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{SvgBuilder.N(line.Width)}\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{dash}");
        if (line.Label is not null)
        {
            svg.Title(line.Label);
        }

        var run = new StringBuilder();
        var runLength = 0;
        for (var i = 0; i <= line.X.Count; i++)
        {
            double px = 0, py = 0;
            if (i < line.X.Count && area.TryMap(line.X[i], line.Y[i], out px, out py))
            {
                run.Append(runLength == 0 ? string.Empty : " ").Append(SvgBuilder.N(px)).Append(',').Append(SvgBuilder.N(py));
                runLength++;
                points.Add((px, py));
                continue;
            }

            // A gap (NaN, or ≤ 0 on a log axis) or the end: flush the run as one polyline.
            if (runLength > 1)
            {
                svg.Element("polyline", $"points=\"{run}\"");
            }

            run.Clear();
            runLength = 0;
        }

        svg.Close("g");
        if (line.Marker != MarkerShape.None)
        {
            DrawMarkers(svg, line.X, line.Y, line.Marker, 3, color, hollow: false, area, points: null);
        }
    }

    private static void DrawScatter(SvgBuilder svg, ScatterSeries scatter, string color, PlotArea area, List<(double X, double Y)> points) =>
        DrawMarkers(svg, scatter.X, scatter.Y, scatter.Marker, scatter.Size, color, scatter.Hollow, area, points, scatter.Label);

    private static void DrawMarkers(
        SvgBuilder svg, IReadOnlyList<double> xs, IReadOnlyList<double> ys, MarkerShape shape, double size, string color, bool hollow, PlotArea area, List<(double X, double Y)>? points, string? label = null)
    {
        // Filled markers get a thin white rim so overlapping points and points on a heat map stay distinct.
        var style = hollow || shape == MarkerShape.Cross
            ? $"fill=\"#FFFFFF\" fill-opacity=\"0.6\" stroke=\"{color}\" stroke-width=\"1.5\""
            : $"fill=\"{color}\" stroke=\"#FFFFFF\" stroke-width=\"0.7\"";
        svg.Open("g", $"class=\"points\" {style}");
        if (label is not null)
        {
            svg.Title(label);
        }

        for (var i = 0; i < xs.Count; i++)
        {
            if (area.TryMap(xs[i], ys[i], out var px, out var py))
            {
                Marker(svg, shape, px, py, size);
                points?.Add((px, py));
            }
        }

        svg.Close("g");
    }

    private static void Marker(SvgBuilder svg, MarkerShape shape, double x, double y, double r)
    {
        switch (shape)
        {
            case MarkerShape.Square:
                svg.Rect(x - (r * 0.9), y - (r * 0.9), r * 1.8, r * 1.8, string.Empty);
                break;
            case MarkerShape.Triangle:
                svg.Element("polygon", $"points=\"{SvgBuilder.N(x)},{SvgBuilder.N(y - (r * 1.2))} {SvgBuilder.N(x + (r * 1.1))},{SvgBuilder.N(y + (r * 0.75))} {SvgBuilder.N(x - (r * 1.1))},{SvgBuilder.N(y + (r * 0.75))}\"");
                break;
            case MarkerShape.Diamond:
                svg.Element("polygon", $"points=\"{SvgBuilder.N(x)},{SvgBuilder.N(y - (r * 1.25))} {SvgBuilder.N(x + r)},{SvgBuilder.N(y)} {SvgBuilder.N(x)},{SvgBuilder.N(y + (r * 1.25))} {SvgBuilder.N(x - r)},{SvgBuilder.N(y)}\"");
                break;
            case MarkerShape.Cross:
                svg.Element("path", $"d=\"M{SvgBuilder.N(x - r)} {SvgBuilder.N(y - r)}L{SvgBuilder.N(x + r)} {SvgBuilder.N(y + r)}M{SvgBuilder.N(x - r)} {SvgBuilder.N(y + r)}L{SvgBuilder.N(x + r)} {SvgBuilder.N(y - r)}\"");
                break;
            default:
                svg.Element("circle", $"cx=\"{SvgBuilder.N(x)}\" cy=\"{SvgBuilder.N(y)}\" r=\"{SvgBuilder.N(r)}\"");
                break;
        }
    }

    private static void DrawBars(SvgBuilder svg, BarSeries bar, int slot, int slots, string color, PlotArea area, List<(double X, double Y)> points)
    {
        const double GroupWidth = 0.8;
        var barWidth = GroupWidth / slots;
        var baseline = area.YAxis.Log ? area.YAxis.Min : 0;
        svg.Open("g", $"class=\"bars\" fill=\"{color}\" stroke=\"#FFFFFF\" stroke-width=\"0.5\"");
        if (bar.Label is not null)
        {
            svg.Title(bar.Label);
        }

        for (var i = 0; i < bar.Values.Count; i++)
        {
            var left = i - (GroupWidth / 2) + (slot * barWidth);
            if (!area.TryMap(left, bar.Values[i], out var x1, out var yValue) || !area.TryMap(left + barWidth, baseline, out var x2, out var yBase))
            {
                continue;
            }

            svg.Rect(x1, Math.Min(yValue, yBase), x2 - x1, Math.Abs(yBase - yValue), string.Empty);
            // Points down the bar's body, so the legend placement avoids covering bars, not only their tops.
            for (var k = 0; k <= 4; k++)
            {
                points.Add(((x1 + x2) / 2, yValue + ((yBase - yValue) * k / 4)));
            }
        }

        svg.Close("g");
    }

    private static void DrawTicks(SvgBuilder svg, PlotArea area)
    {
        svg.Open("g", $"class=\"ticks\" stroke=\"{FrameColor}\" stroke-width=\"1\"");
        foreach (var t in area.XAxis.Ticks)
        {
            var x = area.X(t);
            svg.LineSegment(x, area.Bottom, x, area.Bottom + TickLength, string.Empty);
        }

        foreach (var t in area.YAxis.Ticks)
        {
            var y = area.Y(t);
            svg.LineSegment(area.Left - TickLength, y, area.Left, y, string.Empty);
        }

        svg.Close("g");

        var tickStyle = $"font-size=\"{SvgBuilder.N(TickFont)}\" fill=\"{TextColor}\"";
        svg.Open("g", $"class=\"tick-labels\" {tickStyle}");
        for (var i = 0; i < area.XAxis.Ticks.Length; i++)
        {
            svg.Text(area.X(area.XAxis.Ticks[i]), area.Bottom + TickLength + TickFont + 2, area.XAxis.Labels[i], "text-anchor=\"middle\"");
        }

        for (var i = 0; i < area.YAxis.Ticks.Length; i++)
        {
            svg.Text(area.Left - TickLength - 3, area.Y(area.YAxis.Ticks[i]) + (TickFont * 0.35), area.YAxis.Labels[i], "text-anchor=\"end\"");
        }

        svg.Close("g");
    }

    private static void DrawTitles(SvgBuilder svg, Panel panel, PlotArea area, double x0, double y0)
    {
        var centreX = area.Left + (area.Width / 2);
        if (panel.Title is not null)
        {
            svg.Text(centreX, y0 + 22, panel.Title, $"class=\"panel-title\" font-size=\"{SvgBuilder.N(TitleFont)}\" font-weight=\"bold\" fill=\"#222222\" text-anchor=\"middle\"");
        }

        if (panel.XLabel is not null)
        {
            svg.Text(centreX, area.Bottom + TickLength + TickFont + 22, panel.XLabel, $"class=\"x-label\" font-size=\"{SvgBuilder.N(LabelFont)}\" fill=\"{TextColor}\" text-anchor=\"middle\"");
        }

        if (panel.YLabel is not null)
        {
            var x = x0 + 18;
            var y = area.Top + (area.Height / 2);
            svg.Text(x, y, panel.YLabel, $"class=\"y-label\" font-size=\"{SvgBuilder.N(LabelFont)}\" fill=\"{TextColor}\" text-anchor=\"middle\" transform=\"rotate(-90 {SvgBuilder.N(x)} {SvgBuilder.N(y)})\"");
        }
    }

    private static List<(Series Series, string Color, string Label, bool Contour)> LegendEntries(Panel panel, string[] colors)
    {
        var entries = new List<(Series Series, string Color, string Label, bool Contour)>();
        for (var i = 0; i < panel.Series.Count; i++)
        {
            var series = panel.Series[i];
            if (series.Label is not null && series is not HeatmapSeries)
            {
                entries.Add((series, colors[i], series.Label, false));
            }
            else if (series is HeatmapSeries { Contour: true, ContourLabel: { } contourLabel })
            {
                entries.Add((series, "#222222", contourLabel, true));
            }
        }

        return entries;
    }

    private static double LegendColumnWidth(List<(Series Series, string Color, string Label, bool Contour)> entries) =>
        entries.Count == 0 ? 0 : 44 + entries.Max(e => TextMetrics.Width(e.Label, LegendFont));

    /// <summary>Draws the legend (beside the area when <paramref name="outside"/>); false when it covers drawn points.</summary>
    private static bool DrawLegend(SvgBuilder svg, Panel panel, string[] colors, PlotArea area, List<(double X, double Y)> points, bool outside)
    {
        var entries = LegendEntries(panel, colors);
        if (entries.Count == 0 || panel.Legend == LegendPosition.None)
        {
            return true;
        }

        // Two layouts: a column of entries, or (when it fits) one row, which is shorter and often clears the data.
        const double Inset = 8;
        var textWidths = entries.Select(e => TextMetrics.Width(e.Label, LegendFont)).ToArray();
        var column = (Width: 44 + textWidths.Max(), Height: 8 + (entries.Count * LegendRow), Horizontal: false);
        var row = (Width: 8 + textWidths.Sum(w => 44 + w) - 8, Height: 8 + LegendRow, Horizontal: true);
        var layouts = row.Width <= area.Width - (2 * Inset) && entries.Count > 1 ? new[] { column, row } : [column];
        var corners = new[] { LegendPosition.TopRight, LegendPosition.TopLeft, LegendPosition.BottomRight, LegendPosition.BottomLeft };
        var (position, layout) = (panel.Legend, column);
        if (position == LegendPosition.Auto)
        {
            // The corner and layout hiding the fewest drawn points; ties keep the earlier (conventional) choice.
            (position, layout) = layouts.SelectMany(l => corners.Select(c => (Corner: c, Layout: l))).MinBy(choice =>
            {
                var (bx, by) = LegendOrigin(choice.Corner, area, choice.Layout.Width, choice.Layout.Height, Inset);
                return points.Count(p => p.X >= bx - 4 && p.X <= bx + choice.Layout.Width + 4 && p.Y >= by - 4 && p.Y <= by + choice.Layout.Height + 4);
            });
        }

        if (outside)
        {
            // The space Render reserved beside the area is one column wide.
            layout = column;
        }

        var (x, y) = outside ? (area.Right + LegendGap, area.Top) : LegendOrigin(position, area, layout.Width, layout.Height, Inset);
        var covered = !outside && points.Any(p => p.X >= x - 4 && p.X <= x + layout.Width + 4 && p.Y >= y - 4 && p.Y <= y + layout.Height + 4);
        svg.Open("g", $"class=\"legend\" font-size=\"{SvgBuilder.N(LegendFont)}\"");
        svg.Rect(x, y, layout.Width, layout.Height, "rx=\"3\" fill=\"#FFFFFF\" fill-opacity=\"0.88\" stroke=\"#BBBBBB\" stroke-width=\"0.8\"");
        var entryLeft = x;
        for (var i = 0; i < entries.Count; i++)
        {
            var (series, color, label, contour) = entries[i];
            var rowY = y + 4 + (layout.Horizontal ? 0 : i * LegendRow) + (LegendRow / 2);
            var swatchLeft = entryLeft + 8;
            var swatchRight = entryLeft + 30;
            switch (series)
            {
                case HeatmapSeries when contour:
                    svg.LineSegment(swatchLeft, rowY, swatchRight, rowY, "stroke=\"#222222\" stroke-width=\"1.6\"");
                    break;
                case LineSeries line:
                    var dash = line.Dashed ? " stroke-dasharray=\"7 4\"" : string.Empty;
                    svg.LineSegment(swatchLeft, rowY, swatchRight, rowY, $"stroke=\"{color}\" stroke-width=\"{SvgBuilder.N(line.Width)}\" stroke-linecap=\"round\"{dash}");
                    if (line.Marker != MarkerShape.None)
                    {
                        svg.Open("g", $"fill=\"{color}\" stroke=\"#FFFFFF\" stroke-width=\"0.7\"");
                        Marker(svg, line.Marker, (swatchLeft + swatchRight) / 2, rowY, 3);
                        svg.Close("g");
                    }

                    break;
                case ScatterSeries scatter:
                    var style = scatter.Hollow || scatter.Marker == MarkerShape.Cross
                        ? $"fill=\"#FFFFFF\" stroke=\"{color}\" stroke-width=\"1.5\""
                        : $"fill=\"{color}\" stroke=\"#FFFFFF\" stroke-width=\"0.7\"";
                    svg.Open("g", style);
                    Marker(svg, scatter.Marker, (swatchLeft + swatchRight) / 2, rowY, Math.Max(scatter.Size, 3.5));
                    svg.Close("g");
                    break;
                default:
                    svg.Rect(swatchLeft + 4, rowY - 5, 14, 10, $"fill=\"{color}\"");
                    break;
            }

            svg.Text(entryLeft + 36, rowY + (LegendFont * 0.35), label, $"fill=\"{TextColor}\"");
            if (layout.Horizontal)
            {
                entryLeft += 44 + textWidths[i];
            }
        }

        svg.Close("g");
        return !covered;
    }

    private static (double X, double Y) LegendOrigin(LegendPosition position, PlotArea area, double width, double height, double inset) => position switch
    {
        LegendPosition.TopLeft => (area.Left + inset, area.Top + inset),
        LegendPosition.BottomRight => (area.Right - inset - width, area.Bottom - inset - height),
        LegendPosition.BottomLeft => (area.Left + inset, area.Bottom - inset - height),
        _ => (area.Right - inset - width, area.Top + inset),
    };

    /// <summary>The plot rectangle in pixels and the axes mapping data into it (y grows downwards in SVG).</summary>
    private sealed record PlotArea(double Left, double Top, double Width, double Height, Axis XAxis, Axis YAxis)
    {
        public double Right => Left + Width;

        public double Bottom => Top + Height;

        public double X(double value) => Left + (XAxis.Fraction(value) * Width);

        public double Y(double value) => Bottom - (YAxis.Fraction(value) * Height);

        public bool TryMap(double x, double y, out double px, out double py)
        {
            px = X(x);
            py = Y(y);
            return double.IsFinite(px) && double.IsFinite(py);
        }
    }
}
