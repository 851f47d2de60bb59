using System.Diagnostics.CodeAnalysis;

namespace NeuralCore;

/// <summary>
/// The one list of loss kinds: the name users type and read (<c>mse</c>, <c>bce</c>, <c>ce</c>, <c>huber</c>,
/// <c>sparse_ce</c>), the name and default of a kind's parameter (<c>delta</c>), the output activation a loss needs and
/// the shape of its targets. <see cref="Loss"/>'s rules, messages and the command line all read it.
/// </summary>
public static class LossNames
{
    // In the order users meet them. Loss.DefaultFor takes the first loss that needs a given output activation, so
    // ce (one-hot targets, the NumPy tutorials' form) comes before sparse_ce.
    private static readonly LossInfo[] s_kinds =
    [
        new(LossKind.MeanSquaredError, "mse", null, 0, null, false),
        new(LossKind.BinaryCrossEntropy, "bce", null, 0, ActivationKind.Sigmoid, false),
        new(LossKind.CrossEntropy, "ce", null, 0, ActivationKind.Softmax, false),
        new(LossKind.Huber, "huber", "delta", Loss.DefaultHuberDelta, null, false),
        new(LossKind.SparseCrossEntropy, "sparse_ce", null, 0, ActivationKind.Softmax, true),
    ];

    // Indexed by kind: the rules are asked once per training step, so a lookup rather than a search.
    private static readonly LossInfo?[] s_byKind = ByKind();

    /// <summary>Every valid name, comma-separated, as listed in error messages.</summary>
    public static string ValidNames { get; } = string.Join(", ", s_kinds.Select(n => n.Name));

    /// <summary>Every kind with its name, parameter and requirements, in the documented order.</summary>
    public static IReadOnlyList<LossInfo> All => s_kinds;

    /// <summary>The name of <paramref name="loss"/>'s kind, e.g. <c>huber</c> (the parameter is not part of the name).</summary>
    /// <param name="loss">The loss.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public static string GetName(Loss loss) => Describe(loss.Kind).Name;

    /// <summary>The name, parameter and requirements of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The description.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public static LossInfo Describe(LossKind kind)
    {
        var byKind = s_byKind;
        if ((uint)kind < (uint)byKind.Length && byKind[(int)kind] is { } info)
        {
            return info;
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Not a defined loss kind ({(int)kind}); expected one of: {ValidNames}.");
    }

    /// <summary>Parses a name (case-insensitive, surrounding spaces ignored) into the kind with its default parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="loss">The loss, when the name is valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParse(string? name, out Loss loss)
    {
        if (TryParseKind(name, out var info))
        {
            loss = Loss.FromKind(info.Kind);
            return true;
        }

        loss = default;
        return false;
    }

    /// <summary>Parses a name; an unknown name is an error.</summary>
    /// <param name="name">The name.</param>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <returns>The loss, with its kind's default parameter.</returns>
    /// <exception cref="ArgumentException">The name is not one of <see cref="ValidNames"/>.</exception>
    public static Loss Parse(string? name, string paramName = "name")
    {
        if (!TryParse(name, out var loss))
        {
            throw new ArgumentException($"Unknown loss '{name}'; expected one of: {ValidNames}.", paramName);
        }

        return loss;
    }

    /// <summary>Looks up a name (case-insensitive, surrounding spaces ignored).</summary>
    /// <param name="name">The name.</param>
    /// <param name="info">The kind's description, when the name is valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParseKind(string? name, [NotNullWhen(true)] out LossInfo? info)
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

    private static LossInfo?[] ByKind()
    {
        var byKind = new LossInfo?[s_kinds.Max(k => (int)k.Kind) + 1];
        foreach (var info in s_kinds)
        {
            byKind[(int)info.Kind] = info;
        }

        return byKind;
    }
}
