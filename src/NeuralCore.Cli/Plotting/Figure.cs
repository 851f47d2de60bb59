using NeuralCore.Cli.Plotting.Internals;
using NeuralCore.IO;

namespace NeuralCore.Cli.Plotting;

/// <summary>
/// A picture of one or more <see cref="Panel"/>s side by side (wrapping after <see cref="Columns"/>), rendered
/// as a standalone SVG document.
/// </summary>
/// <example>
/// <code>
/// var figure = new Figure { Title = "moons" };
/// figure.Panels.Add(new Panel { Title = "Loss", XLabel = "epoch", YLabel = "loss", YScale = AxisScale.Log, Series = { new LineSeries(epochs, loss) { Label = "train" } } });
/// figure.Save("moons.svg");
/// </code>
/// </example>
internal sealed class Figure
{
    /// <summary>A title across the top, or <see langword="null"/>.</summary>
    public string? Title { get; init; }

    /// <summary>The panels, left to right then top to bottom.</summary>
    public List<Panel> Panels { get; } = [];

    /// <summary>Panels per row; 0 (default) puts every panel in one row.</summary>
    public int Columns { get; init; }

    /// <summary>The width of each panel in pixels.</summary>
    public double PanelWidth { get; init; } = 460;

    /// <summary>The height of each panel in pixels.</summary>
    public double PanelHeight { get; init; } = 340;

    /// <summary>Renders the figure as SVG text (deterministic: the same figure gives the same string).</summary>
    /// <returns>A standalone SVG document.</returns>
    public string ToSvg()
    {
        var count = Math.Max(1, Panels.Count);
        var columns = Columns > 0 ? Math.Min(Columns, count) : count;
        var rows = (count + columns - 1) / columns;
        var titleBand = Title is null ? 0 : 36;
        var width = columns * PanelWidth;
        var height = titleBand + (rows * PanelHeight);

        var svg = new SvgBuilder(width, height);
        if (Title is not null)
        {
            svg.Title(Title);
        }

        svg.Rect(0, 0, width, height, "fill=\"#FFFFFF\"");
        if (Title is not null)
        {
            svg.Text(width / 2, 24, Title, "font-size=\"16\" font-weight=\"bold\" fill=\"#222222\" text-anchor=\"middle\"");
        }

        for (var i = 0; i < Panels.Count; i++)
        {
            var x = i % columns * PanelWidth;
            var y = titleBand + (i / columns * PanelHeight);
            PanelRenderer.Render(svg, Panels[i], i, x, y, PanelWidth, PanelHeight);
        }

        return svg.ToString();
    }

    /// <summary>Writes the SVG to <paramref name="path"/> atomically (an existing file is replaced only when complete).</summary>
    /// <param name="path">The file path.</param>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToSvg());
}
