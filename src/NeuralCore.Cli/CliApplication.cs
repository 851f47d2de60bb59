using System.CommandLine;
using NeuralCore.Cli.Commands;

namespace NeuralCore.Cli;

/// <summary>
/// The <c>neuralcore</c> command line: builds the command tree, maps failures to exit codes and keeps stack traces
/// away from users.
/// </summary>
/// <remarks>
/// Exit codes: 0 success; 2 bad arguments (parse errors, invalid option values); 1 bad input file or failed
/// training. A user error prints one message naming the file or argument and what was wrong.
/// </remarks>
public static class CliApplication
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a bad input file or a failed run.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for bad arguments.</summary>
    public const int BadArguments = 2;

    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Where normal output goes.</param>
    /// <param name="error">Where error messages go.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var context = new CliContext(output, error);
        var root = BuildRoot(context);
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (args.Length == 0)
        {
            // No command: the overview of commands is what a new user needs; still a usage error for scripts.
            await root.Parse(["--help"]).InvokeAsync(configuration).ConfigureAwait(false);
            return BadArguments;
        }

        var parse = root.Parse(NormalizeOptionNames(args));
        if (parse.Errors.Count > 0)
        {
            await ReportParseErrors(parse, error).ConfigureAwait(false);
            return BadArguments;
        }

        try
        {
            var code = await parse.InvokeAsync(configuration).ConfigureAwait(false);
            if (parse.Action is System.CommandLine.Help.HelpAction && Examples.Of(parse.CommandResult.Command) is { } examples)
            {
                await output.WriteLineAsync(examples).ConfigureAwait(false);
            }

            return code;
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            if (ex.ExitCode == BadArguments)
            {
                // A usage error: where to read how the command is used.
                await error.WriteLineAsync(HelpHint(parse)).ConfigureAwait(false);
            }

            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return Failure;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // User-facing failures from the library carry messages that name the argument/file and the expected vs
            // actual value (NotSupportedException: e.g. an activation with no ONNX form); print that message, not a
            // stack trace.
            await error.WriteLineAsync($"error: {Messages.WithoutParameter(ex)}").ConfigureAwait(false);
            if (ex is ArgumentException)
            {
                await error.WriteLineAsync(HelpHint(parse)).ConfigureAwait(false);
                return BadArguments;
            }

            return Failure;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("NEURALCORE_DEBUG") is null)
        {
            // A bug, not a user error: still no stack trace unless asked for.
            await error.WriteLineAsync($"internal error: {ex.GetType().Name}: {ex.Message} (set NEURALCORE_DEBUG=1 for the stack trace)").ConfigureAwait(false);
            return Failure;
        }
    }

    /// <summary>The help hint usage errors end with: the help of the command that was being parsed.</summary>
    internal static string HelpHint(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (result.Command is not RootCommand)
            {
                names.Insert(0, result.Command.Name);
            }
        }

        return $"Run 'neuralcore {string.Join(' ', [.. names, "--help"])}' for usage and examples.";
    }

    private static async Task ReportParseErrors(ParseResult parse, TextWriter error)
    {
        // The unknown names first, with the nearest known one: that is the mistake; what is "missing" follows from it.
        var command = parse.CommandResult.Command;
        var afterUnknownOption = false;
        foreach (var token in parse.UnmatchedTokens)
        {
            var isOption = token.StartsWith('-');
            if (!isOption && afterUnknownOption)
            {
                // The value of the unknown option: one message for the pair.
                afterUnknownOption = false;
                continue;
            }

            afterUnknownOption = isOption;
            var candidates = isOption
                ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
                : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            var nearest = Suggestions.Nearest(token, candidates);
            var what = isOption ? "unknown option" : command.Subcommands.Count > 0 ? "unknown command" : "unexpected argument";
            await error.WriteLineAsync(nearest is null ? $"error: {what} '{token}'." : $"error: {what} '{token}'; did you mean '{nearest}'?").ConfigureAwait(false);
        }

        var unmatched = parse.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        foreach (var parseError in parse.Errors)
        {
            // "Unrecognized command or argument '--batchsize'." was reported above, with the nearest name; and an
            // unknown command is why no command was given.
            if (unmatched.Any(t => parseError.Message.Contains($"'{t}'", StringComparison.Ordinal))
                || (unmatched.Count > 0 && command.Subcommands.Count > 0 && command is RootCommand))
            {
                continue;
            }

            await error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
        }

        await error.WriteLineAsync(HelpHint(parse)).ConfigureAwait(false);
    }

    /// <summary>Option names in any case (<c>--Epochs</c>): they are all lower case, so the name part of each <c>--name[=value]</c> token is lowered.</summary>
    private static string[] NormalizeOptionNames(string[] args)
    {
        var result = (string[])args.Clone();
        for (var i = 0; i < result.Length; i++)
        {
            var token = result[i];
            if (token == "--")
            {
                break;
            }

            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                var end = token.IndexOfAny(['=', ':']);
                result[i] = end < 0 ? token.ToLowerInvariant() : string.Concat(token[..end].ToLowerInvariant(), token.AsSpan(end));
            }
        }

        return result;
    }

    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("NeuralCore: SIMD, zero-allocation dense neural networks — demos, training, prediction, benchmarks.");
        root.Add(InfoCommand.Create(context));
        root.Add(BenchCommand.Create(context));
        root.Add(DemoCommand.Create(context));
        root.Add(TrainCommand.Create(context));
        root.Add(PredictCommand.Create(context));
        root.Add(EvaluateCommand.Create(context));
        root.Add(ConvertCommand.Create(context));
        root.Add(QuantizeCommand.Create(context));
        root.Add(GradcheckCommand.Create(context));
        return root;
    }
}
