using System.Xml.Linq;
using NeuralCore.Cli.Plotting;
using NeuralCore.Tests.IO;

namespace NeuralCore.Tests.Plotting;

public sealed class FigureTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Samples => ["celsius", "moons", "autoencoder"];

    private static Figure Sample(string name) => name switch
    {
        "celsius" => SamplePlots.Celsius(),
        "moons" => SamplePlots.Moons(),
        _ => SamplePlots.Autoencoder(),
    };

    private static string[] Texts(XDocument document) =>
        [.. document.Descendants(s_svg + "text").Select(t => t.Value)];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_figures_are_well_formed_deterministic_svg(string name)
    {
        var svg = Sample(name).ToSvg();

        var document = XDocument.Parse(svg);

        Assert.Equal(s_svg + "svg", document.Root!.Name);
        Assert.Equal(svg, Sample(name).ToSvg());
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", svg, StringComparison.Ordinal);

        // Saved for a person to render and look at (rsvg-convert); the test output folder is scratch space.
        var folder = Path.Combine(AppContext.BaseDirectory, "plot-samples");
        Sample(name).Save(Path.Combine(folder, name + ".svg"));
        Assert.Equal(svg, File.ReadAllText(Path.Combine(folder, name + ".svg")));
    }

    [Fact]
    public void Celsius_figure_holds_its_lines_points_labels_and_legend()
    {
        var document = XDocument.Parse(SamplePlots.Celsius().ToSvg());
        var texts = Texts(document);

        Assert.Equal(3, document.Descendants(s_svg + "g").Count(g => (string?)g.Attribute("class") == "line"));
        Assert.Equal(7, document.Descendants(s_svg + "g").Single(g => (string?)g.Attribute("class") == "points").Elements(s_svg + "circle").Count());
        Assert.Contains("Celsius → Fahrenheit", texts);
        Assert.Contains("°C", texts);
        Assert.Contains("°F", texts);
        Assert.Contains("before training", texts);
        Assert.Contains("true: F = 1.8·C + 32", texts);
        Assert.Single(document.Descendants(s_svg + "g"), g => (string?)g.Attribute("class") == "legend");
    }

    [Fact]
    public void Moons_figure_has_three_panels_a_heatmap_a_contour_and_points_per_class()
    {
        var document = XDocument.Parse(SamplePlots.Moons().ToSvg());
        var groups = document.Descendants(s_svg + "g").ToList();
        var texts = Texts(document);

        Assert.Equal(3, groups.Count(g => (string?)g.Attribute("class") == "panel"));
        Assert.Single(groups, g => (string?)g.Attribute("class") == "heatmap");
        Assert.Single(document.Descendants(s_svg + "path"), p => (string?)p.Attribute("class") == "contour");
        var pointGroups = groups.Where(g => (string?)g.Attribute("class") == "points").ToList();
        Assert.Equal(4, pointGroups.Count);
        Assert.Equal(200, pointGroups.Take(2).Sum(g => g.Elements(s_svg + "circle").Count()));
        Assert.Equal(60, pointGroups.Skip(2).Sum(g => g.Elements(s_svg + "polygon").Count()));
        Assert.Contains("p = 0.5", texts);
        Assert.Contains("binary cross-entropy", texts);
        Assert.Contains("0.1", texts); // a decade tick on the log loss axis
    }

    [Fact]
    public void Autoencoder_figure_has_bars_with_category_labels()
    {
        var document = XDocument.Parse(SamplePlots.Autoencoder().ToSvg());
        var bars = document.Descendants(s_svg + "g").Where(g => (string?)g.Attribute("class") == "bars").ToList();

        Assert.Equal(6, bars.Count);
        Assert.All(bars, g => Assert.Equal(8, g.Elements(s_svg + "rect").Count()));
        Assert.Equal(3, Texts(document).Count(t => t == "x8"));
    }

    [Fact]
    public void Text_is_xml_escaped_and_numbers_use_the_invariant_culture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        // The build runs with InvariantGlobalization, so make a culture with a decimal comma by hand.
        var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NumberGroupSeparator = ".";
        Thread.CurrentThread.CurrentCulture = comma;
        try
        {
            var figure = new Figure { Title = "a < b & \"c\"" };
            figure.Panels.Add(new Panel { XLabel = "<x>", Series = { new LineSeries([0.5, 1.5], [0.25, 2.75]) { Label = "it's" } } });

            var svg = figure.ToSvg();
            var document = XDocument.Parse(svg);

            Assert.Contains("a &lt; b &amp; &quot;c&quot;", svg, StringComparison.Ordinal);
            Assert.Contains("<x>", Texts(document));
            Assert.Contains("it's", Texts(document));
            Assert.Contains("0.5", Texts(document));
            Assert.DoesNotContain("0,5", svg, StringComparison.Ordinal);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Gaps_in_a_line_split_it_and_log_axes_skip_non_positive_values()
    {
        var figure = new Figure();
        figure.Panels.Add(new Panel { Series = { new LineSeries([1, 2, 3, 4, 5], [1, 2, double.NaN, 4, 5]) } });
        figure.Panels.Add(new Panel { YScale = AxisScale.Log, Series = { new LineSeries([1, 2, 3, 4], [0.1, 0, 0.01, 0.001]) } });

        var document = XDocument.Parse(figure.ToSvg());
        var lines = document.Descendants(s_svg + "g").Where(g => (string?)g.Attribute("class") == "line").ToList();

        Assert.Equal(2, lines[0].Elements(s_svg + "polyline").Count());
        Assert.Single(lines[1].Elements(s_svg + "polyline"));
        // Two decades: 1-2-5 ticks in each, labelled plainly.
        Assert.Equal(["0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"], Texts(document).Where(t => t.StartsWith("0.0", StringComparison.Ordinal) || t == "0.1"));
    }

    [Fact]
    public void Empty_panel_and_flat_data_still_render()
    {
        var figure = new Figure();
        figure.Panels.Add(new Panel { Title = "empty" });
        figure.Panels.Add(new Panel { Series = { new LineSeries([1, 1], [3, 3]) } });

        var document = XDocument.Parse(figure.ToSvg());

        Assert.Contains("empty", Texts(document));
        Assert.DoesNotContain("NaN", document.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_is_atomic_and_writes_the_svg()
    {
        using var files = new TestFiles();
        var path = files.PathOf("plot.svg");

        SamplePlots.Celsius().Save(path);

        Assert.Equal(SamplePlots.Celsius().ToSvg(), File.ReadAllText(path));
        Assert.Equal(["plot.svg"], files.FileNames());
    }
}
