namespace NeuralCore;

/// <summary>The names activations have in architecture files: <c>sigmoid</c>, <c>relu</c>, <c>leaky_relu</c>, <c>tanh</c>, <c>linear</c>, <c>softmax</c>.</summary>
public static class ActivationNames
{
    private static readonly (string Name, Activation Activation)[] s_names =
    [
        ("sigmoid", Activation.Sigmoid),
        ("relu", Activation.Relu),
        ("leaky_relu", Activation.LeakyRelu),
        ("tanh", Activation.Tanh),
        ("linear", Activation.Linear),
        ("softmax", Activation.Softmax),
    ];

    /// <summary>Every valid name, comma-separated, as listed in error messages.</summary>
    public static string ValidNames { get; } = string.Join(", ", s_names.Select(n => n.Name));

    /// <summary>The file name of <paramref name="activation"/>, e.g. <c>leaky_relu</c>.</summary>
    /// <param name="activation">The activation.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined activation.</exception>
    public static string GetName(Activation activation)
    {
        foreach (var (name, value) in s_names)
        {
            if (value == activation)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(activation), activation, $"Not a defined activation; expected one of: {ValidNames}.");
    }

    /// <summary>Parses a name (case-insensitive, surrounding spaces ignored).</summary>
    /// <param name="name">The name.</param>
    /// <param name="activation">The activation, when the name is valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParse(string? name, out Activation activation)
    {
        var trimmed = name?.Trim();
        foreach (var (candidate, value) in s_names)
        {
            if (string.Equals(candidate, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                activation = value;
                return true;
            }
        }

        activation = default;
        return false;
    }

    /// <summary>Parses a name; unlike one of the seed texts, an unknown name is an error, never a silent fallback to linear.</summary>
    /// <param name="name">The name.</param>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <returns>The activation.</returns>
    /// <exception cref="ArgumentException">The name is not one of <see cref="ValidNames"/>.</exception>
    public static Activation Parse(string? name, string paramName = "name")
    {
        if (!TryParse(name, out var activation))
        {
            throw new ArgumentException($"Unknown activation '{name}'; expected one of: {ValidNames}.", paramName);
        }

        return activation;
    }
}
