using System.Diagnostics.CodeAnalysis;

namespace NeuralCore;

/// <summary>
/// The one list of activation kinds as users see them: the name in architecture files (<c>sigmoid</c>, <c>relu</c>,
/// <c>leaky_relu</c>, …), the JSON property of a parameterised kind (<c>negative_slope</c>, <c>alpha</c>) and its
/// default. Messages, the JSON reader and writer and the command-line help all read it. Each kind's operator states
/// these facts; the list is read from them once, in the order users meet the kinds.
/// </summary>
public static class ActivationNames
{
    // Declared by each kind's operator and read once through the dispatch, in the order users meet them.
    private static readonly ActivationInfo[] s_kinds = ActivationDispatch.DescribeAll();

    /// <summary>Every valid name, comma-separated, as listed in error messages.</summary>
    public static string ValidNames { get; } = string.Join(", ", s_kinds.Select(n => n.Name));

    /// <summary>Every kind with its name, parameter name and default, in the documented order.</summary>
    public static IReadOnlyList<ActivationInfo> All => s_kinds;

    /// <summary>The file name of <paramref name="activation"/>'s kind, e.g. <c>leaky_relu</c> (the parameter is not part of the name).</summary>
    /// <param name="activation">The activation.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public static string GetName(Activation activation) => Describe(activation.Kind).Name;

    /// <summary>The file name of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public static string GetName(ActivationKind kind) => Describe(kind).Name;

    /// <summary>The name, parameter name and default parameter of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The description.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public static ActivationInfo Describe(ActivationKind kind)
    {
        foreach (var info in s_kinds)
        {
            if (info.Kind == kind)
            {
                return info;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Not a defined activation kind ({(int)kind}); expected one of: {ValidNames}.");
    }

    /// <summary>Parses a name (case-insensitive, surrounding spaces ignored) into the kind with its default parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="activation">The activation, when the name is valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParse(string? name, out Activation activation)
    {
        if (TryParseKind(name, out var info))
        {
            activation = Activation.FromKind(info.Kind);
            return true;
        }

        activation = default;
        return false;
    }

    /// <summary>Parses a name; unlike one of the NumPy tutorials, an unknown name is an error, never a silent fallback to linear.</summary>
    /// <param name="name">The name.</param>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <returns>The activation, with its kind's default parameter.</returns>
    /// <exception cref="ArgumentException">The name is not one of <see cref="ValidNames"/>.</exception>
    public static Activation Parse(string? name, string paramName = "name")
    {
        if (!TryParse(name, out var activation))
        {
            throw new ArgumentException($"Unknown activation '{name}'; expected one of: {ValidNames}.", paramName);
        }

        return activation;
    }

    /// <summary>Looks up a name (case-insensitive, surrounding spaces ignored).</summary>
    /// <param name="name">The name.</param>
    /// <param name="info">The kind's description, when the name is valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParseKind(string? name, [NotNullWhen(true)] out ActivationInfo? info)
    {
        var trimmed = name?.Trim();
        foreach (var candidate in s_kinds)
        {
            if (string.Equals(candidate.Name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                info = candidate;
                return true;
            }
        }

        info = null;
        return false;
    }
}
