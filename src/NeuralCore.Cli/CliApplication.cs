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
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Run 'neuralcore --help' for usage.").ConfigureAwait(false);
            return BadArguments;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return Failure;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidOperationException)
        {
            // User-facing failures from the library carry messages that name the argument/file and the expected vs
            // actual value; print that message, not a stack trace.
            await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ex is ArgumentException ? BadArguments : Failure;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("NEURALCORE_DEBUG") is null)
        {
            // A bug, not a user error: still no stack trace unless asked for.
            await error.WriteLineAsync($"internal error: {ex.GetType().Name}: {ex.Message} (set NEURALCORE_DEBUG=1 for the stack trace)").ConfigureAwait(false);
            return Failure;
        }
    }

    private static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("NeuralCore: SIMD, zero-allocation dense neural networks — demos, training, prediction, benchmarks.");
        root.Add(InfoCommand.Create(context));
        root.Add(BenchCommand.Create(context));
        root.Add(DemoCommand.Create(context));
        root.Add(TrainCommand.Create(context));
        root.Add(PredictCommand.Create(context));
        root.Add(ConvertCommand.Create(context));
        root.Add(GradcheckCommand.Create(context));
        return root;
    }
}
