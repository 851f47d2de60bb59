namespace NeuralCore.IO.Internals;

/// <summary>
/// Names from an ONNX file (nodes, values, op types, domains, attributes) as error messages quote them. A file may
/// hold names of any length; a message quotes at most <see cref="MaxQuoted"/> characters of each, so a hostile
/// 1 MB name yields a readable message of bounded size, and says how long the name was.
/// </summary>
internal static class OnnxText
{
    /// <summary>The most characters of one name a message quotes.</summary>
    public const int MaxQuoted = 200;

    /// <summary><paramref name="name"/> in single quotes, cut to <see cref="MaxQuoted"/> characters with an ellipsis and its length.</summary>
    public static string Quote(string? name) => $"'{Cap(name)}'";

    /// <summary><paramref name="name"/> unquoted (op types), cut as <see cref="Quote"/> cuts it.</summary>
    public static string Cap(string? name)
    {
        name ??= "";
        if (name.Length <= MaxQuoted)
        {
            return name;
        }

        // Never split a surrogate pair.
        var keep = char.IsHighSurrogate(name[MaxQuoted - 1]) ? MaxQuoted - 1 : MaxQuoted;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name.AsSpan(0, keep)}… ({name.Length} characters)");
    }
}
