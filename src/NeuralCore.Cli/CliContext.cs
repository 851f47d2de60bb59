namespace NeuralCore.Cli;

/// <summary>Where a command writes, and whether that is an interactive terminal.</summary>
/// <param name="Output">Normal output.</param>
/// <param name="Error">Error messages.</param>
public sealed record CliContext(TextWriter Output, TextWriter Error)
{
    /// <summary>
    /// Whether live progress (Spectre.Console) may be drawn: only on the real console, when it is not redirected and
    /// colour/terminal control is not switched off (<c>NO_COLOR</c>, <c>TERM=dumb</c>, <c>CI</c>).
    /// </summary>
    public bool IsInteractive =>
        ReferenceEquals(Output, Console.Out)
        && !Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable("NO_COLOR") is null
        && Environment.GetEnvironmentVariable("CI") is null
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
}
