namespace NeuralCore.IO;

/// <summary>
/// A <c>.npy</c> or <c>.npz</c> file that NeuralCore cannot read: not an array file, truncated, lying about its data
/// length, or holding an array this library does not support (another dtype, big-endian, more than two dimensions,
/// object arrays), or a requested <c>.npz</c> member that is missing.
/// </summary>
/// <remarks>
/// <para>The message starts with the file (and, inside an archive, the member) and says what was found, e.g.
/// <c>X.npy: dtype '&lt;i8' is not supported; expected '&lt;f4', '&lt;f8' or '|u1'.</c></para>
/// <para>It derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed; catching
/// <see cref="IOException"/> handles it together with missing or unreadable files.</para>
/// </remarks>
public sealed class NpyFormatException : IOException
{
    /// <summary>Creates the exception with a message and no source.</summary>
    public NpyFormatException()
        : this("The NumPy file is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public NpyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NpyFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="source"/>; the message is prefixed with it.</summary>
    /// <param name="source">The file name, or <c>archive.npz/member.npy</c>.</param>
    /// <param name="problem">What was found and what was expected.</param>
    /// <param name="innerException">The cause, if any.</param>
    public NpyFormatException(string source, string problem, Exception? innerException = null)
        : base($"{source}: {problem}", innerException)
    {
        FileName = source;
    }

    /// <summary>The file (and member) the problem was found in, e.g. <c>model.npz/W1.npy</c>; <see langword="null"/> when unknown.</summary>
    public string? FileName { get; }
}
