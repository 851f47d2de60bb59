using NeuralCore.Internals;

namespace NeuralCore;

/// <summary>The names of <see cref="ActivationQuantization"/> for users (the command line, files, messages): <c>dynamic</c>, <c>static</c>.</summary>
public static class ActivationQuantizationNames
{
    private static readonly NameTable<ActivationQuantization> s_names = new(
        "activation quantization",
        ("dynamic", ActivationQuantization.Dynamic),
        ("static", ActivationQuantization.Static));

    /// <summary>Every valid name, comma-separated, as listed in help texts and error messages.</summary>
    public static string ValidNames => s_names.ValidNames;

    /// <summary>The name of <paramref name="mode"/>, e.g. <c>static</c>.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined mode.</exception>
    public static string GetName(ActivationQuantization mode) => s_names.GetName(mode, nameof(mode));

    /// <summary>Parses a name (case-insensitive, surrounding spaces ignored).</summary>
    /// <param name="name">The name.</param>
    /// <param name="mode">The mode, when the name is valid.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool TryParse(string? name, out ActivationQuantization mode) => s_names.TryParse(name, out mode);

    /// <summary>Parses a name; an unknown name is an error, never a fallback to a default.</summary>
    /// <param name="name">The name.</param>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <returns>The mode.</returns>
    /// <exception cref="ArgumentException">The name is not one of <see cref="ValidNames"/>.</exception>
    public static ActivationQuantization Parse(string? name, string paramName = "name") => s_names.Parse(name, paramName);
}
