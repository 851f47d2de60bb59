using System.Globalization;
using System.Text;

namespace NeuralCore.Cli.Plotting.Internals;

/// <summary>
/// Appends SVG elements to a string: coordinates rounded to 0.01 px in the invariant culture, text XML-escaped,
/// attributes in a fixed order, so the same figure always gives the same bytes.
/// </summary>
internal sealed class SvgBuilder
{
    public const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

    private readonly StringBuilder _text = new();
    private int _indent;

    public SvgBuilder(double width, double height)
    {
        _text.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Open(
            "svg",
            $"xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" " +
            $"font-family=\"{FontFamily}\"");
    }

    /// <summary>Formats a coordinate: at most two decimals, no exponent, no negative zero.</summary>
    public static string N(double value)
    {
        var rounded = Math.Round(value, 2);
        return rounded == 0 ? "0" : rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        return text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal)
            .Replace("'", "&apos;", StringComparison.Ordinal);
    }

    public void Open(string element, string attributes = "")
    {
        Line($"<{element}{(attributes.Length == 0 ? string.Empty : " " + attributes)}>");
        _indent++;
    }

    public void Close(string element)
    {
        _indent--;
        Line($"</{element}>");
    }

    public void Element(string element, string attributes) => Line($"<{element} {attributes}/>");

    public void Comment(string text) => Line($"<!-- {Escape(text).Replace("--", "- -", StringComparison.Ordinal)} -->");

    public void Rect(double x, double y, double width, double height, string style) =>
        Element("rect", $"x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" {style}");

    public void LineSegment(double x1, double y1, double x2, double y2, string style) =>
        Element("line", $"x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" {style}");

    public void Text(double x, double y, string text, string style) =>
        Line($"<text x=\"{N(x)}\" y=\"{N(y)}\" {style}>{Escape(text)}</text>");

    public void Title(string text) => Line($"<title>{Escape(text)}</title>");

    public override string ToString()
    {
        var copy = new StringBuilder(_text.ToString());
        copy.Append("</svg>\n");
        return copy.ToString();
    }

    private void Line(string line) => _text.Append(' ', _indent * 2).Append(line).Append('\n');
}
