namespace NeuralCore.IO.Internals;

/// <summary>One CSV field: a slice of its line (or an unescaped copy for quoted fields) and where it came from.</summary>
internal readonly record struct CsvCell(string Text, int Start, int Length, int Line, int Column)
{
    public ReadOnlySpan<char> Value => Text.AsSpan(Start, Length);

    public override string ToString() => Value.ToString();
}
