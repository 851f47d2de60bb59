using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// The "Examples:" block printed after a command's own help (at least two per command); kept out of the description
/// so the overview of commands stays one line each.
/// </summary>
internal static class Examples
{
    private static readonly ConditionalWeakTable<Command, string> s_examples = [];

    /// <summary>Gives <paramref name="command"/> its examples: each command line, then what it does.</summary>
    public static Command With(this Command command, params (string Command, string What)[] examples)
    {
        var text = new StringBuilder("Examples:");
        foreach (var (line, what) in examples)
        {
            text.AppendLine().Append("  ").Append(line).AppendLine().Append("      ").Append(what);
        }

        s_examples.AddOrUpdate(command, text.AppendLine().ToString());
        return command;
    }

    /// <summary>The block of <paramref name="command"/>, or <see langword="null"/> when it has none.</summary>
    public static string? Of(Command command) => s_examples.TryGetValue(command, out var text) ? text : null;
}
