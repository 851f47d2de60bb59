namespace NeuralCore.IO;

/// <summary>
/// A <c>.safetensors</c> file that NeuralCore cannot read: not a safetensors file, truncated, with a header length
/// that lies, JSON that is invalid or not of the documented form, tensor offsets that overlap, leave holes or run
/// past the data, a dtype this library does not support; or, when loading a network, tensors whose names or shapes
/// do not map onto the architecture.
/// </summary>
/// <remarks>
/// <para>The message starts with the file (and, for one tensor, the tensor name) and says what was found and what was
/// expected, e.g. <c>model.safetensors/0.weight: dtype 'I64' is not supported; expected F32, F64, F16, BF16 or I8.</c></para>
/// <para>It derives from <see cref="IOException"/> like <see cref="NpyFormatException"/>, so one <c>catch (IOException)</c>
/// handles a bad model file of any format together with missing or unreadable files.</para>
/// </remarks>
public sealed class SafeTensorsFormatException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SafeTensorsFormatException()
        : this("The safetensors file is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public SafeTensorsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SafeTensorsFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="source"/>; the message is prefixed with it.</summary>
    /// <param name="source">The file name, or <c>model.safetensors/tensor.name</c>.</param>
    /// <param name="problem">What was found and what was expected.</param>
    /// <param name="innerException">The cause, if any.</param>
    public SafeTensorsFormatException(string source, string problem, Exception? innerException = null)
        : base($"{source}: {problem}", innerException)
    {
        FileName = source;
    }

    /// <summary>The file (and tensor) the problem was found in, e.g. <c>model.safetensors/0.weight</c>; <see langword="null"/> when unknown.</summary>
    public string? FileName { get; }
}
