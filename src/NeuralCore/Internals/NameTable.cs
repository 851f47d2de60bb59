namespace NeuralCore.Internals;

/// <summary>
/// The user-facing names of a closed set (an enum): one table, looked up both ways, case-insensitive on input, and
/// no fallback for an unknown name or value. The public <c>…Names</c> classes delegate to it.
/// </summary>
/// <typeparam name="TEnum">The closed set.</typeparam>
internal sealed class NameTable<TEnum>
    where TEnum : struct, Enum
{
    private readonly (string Name, TEnum Value)[] _names;
    private readonly string _what;

    /// <param name="what">The set's name in messages, e.g. <c>quantization mode</c>.</param>
    /// <param name="names">Every value and its name.</param>
    public NameTable(string what, params (string Name, TEnum Value)[] names)
    {
        _what = what;
        _names = names;
        ValidNames = string.Join(", ", names.Select(n => n.Name));
    }

    /// <summary>Every valid name, comma-separated, as listed in help texts and error messages.</summary>
    public string ValidNames { get; }

    public string GetName(TEnum value, string paramName)
    {
        foreach (var (name, candidate) in _names)
        {
            if (EqualityComparer<TEnum>.Default.Equals(candidate, value))
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(paramName, value, $"Not a defined {_what}; expected one of: {ValidNames}.");
    }

    public bool TryParse(string? name, out TEnum value)
    {
        var trimmed = name.AsSpan().Trim();
        foreach (var (candidate, candidateValue) in _names)
        {
            if (trimmed.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                value = candidateValue;
                return true;
            }
        }

        value = default;
        return false;
    }

    public TEnum Parse(string? name, string paramName)
    {
        if (!TryParse(name, out var value))
        {
            throw new ArgumentException($"Unknown {_what} '{name}'; expected one of: {ValidNames}.", paramName);
        }

        return value;
    }
}
