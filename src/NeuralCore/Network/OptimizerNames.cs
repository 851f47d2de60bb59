namespace NeuralCore;

/// <summary>The names optimizers have for users (the command line, messages): <c>sgd</c>, <c>momentum</c>, <c>adam</c>, <c>rmsprop</c>, <c>adamw</c>.</summary>
public static class OptimizerNames
{
    private static readonly (string Name, OptimizerKind Kind)[] s_names =
    [
        ("sgd", OptimizerKind.Sgd),
        ("momentum", OptimizerKind.Momentum),
        ("adam", OptimizerKind.Adam),
        ("rmsprop", OptimizerKind.RmsProp),
        ("adamw", OptimizerKind.AdamW),
    ];

    /// <summary>Every valid name, comma-separated, as listed in help texts and error messages.</summary>
    public static string ValidNames { get; } = string.Join(", ", s_names.Select(n => n.Name));

    /// <summary>The name of <paramref name="kind"/>, e.g. <c>rmsprop</c>.</summary>
    /// <param name="kind">The optimizer kind.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined optimizer kind.</exception>
    public static string GetName(OptimizerKind kind)
    {
        foreach (var (name, value) in s_names)
        {
            if (value == kind)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Not a defined optimizer kind; expected one of: {ValidNames}.");
    }

    /// <summary>Parses a name (case-insensitive, surrounding spaces ignored).</summary>
    /// <param name="name">The name.</param>
    /// <param name="kind">The optimizer kind, when the name is valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParse(string? name, out OptimizerKind kind)
    {
        var trimmed = name?.Trim();
        foreach (var (candidate, value) in s_names)
        {
            if (string.Equals(candidate, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                kind = value;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>Parses a name; an unknown name is an error, never a fallback to some default optimizer.</summary>
    /// <param name="name">The name.</param>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <returns>The optimizer kind.</returns>
    /// <exception cref="ArgumentException">The name is not one of <see cref="ValidNames"/>.</exception>
    public static OptimizerKind Parse(string? name, string paramName = "name")
    {
        if (!TryParse(name, out var kind))
        {
            throw new ArgumentException($"Unknown optimizer '{name}'; expected one of: {ValidNames}.", paramName);
        }

        return kind;
    }
}
