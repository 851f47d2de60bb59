namespace NeuralCore.Cli;

/// <summary>A user error with the message to print and the exit code to return (no stack trace).</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message: names the file or argument, what was expected and what was found.</param>
    /// <param name="exitCode">The exit code (<see cref="CliApplication.BadArguments"/> or <see cref="CliApplication.Failure"/>).</param>
    public CliException(string message, int exitCode = CliApplication.Failure)
        : base(message) => ExitCode = exitCode;

    /// <summary>Creates the exception with exit code 1.</summary>
    public CliException()
        : this("neuralcore failed")
    {
    }

    /// <summary>Creates the exception with exit code 1.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CliException(string message, Exception innerException)
        : base(message, innerException) => ExitCode = CliApplication.Failure;

    /// <summary>The exit code to return.</summary>
    public int ExitCode { get; }
}
