namespace NeuralCore.Cli.Plotting.Internals;

/// <summary>
/// Approximate rendered text width for a sans-serif font, good enough to size margins and legends (SVG has no
/// layout engine at write time; the numbers are DejaVu Sans advance widths rounded to classes of glyphs).
/// </summary>
internal static class TextMetrics
{
    public static double Width(string text, double fontSize)
    {
        var em = 0.0;
        foreach (var ch in text)
        {
            em += ch switch
            {
                'i' or 'l' or 'j' or '.' or ',' or ':' or ';' or '|' or '!' or '\'' or ' ' or '(' or ')' or '[' or ']' => 0.32,
                'm' or 'w' or 'M' or 'W' or '%' or '@' => 0.9,
                _ when char.IsUpper(ch) => 0.7,
                '−' or '-' or 'r' or 't' or 'f' => 0.42,
                _ => 0.6,
            };
        }

        return em * fontSize;
    }
}
