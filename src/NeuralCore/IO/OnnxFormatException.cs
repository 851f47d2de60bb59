namespace NeuralCore.IO;

/// <summary>
/// An <c>.onnx</c> file that NeuralCore cannot read: not a valid protobuf encoding of an ONNX model (truncated, lying
/// lengths, wrong wire types), or a valid model whose graph is not a chain of dense layers NeuralCore represents
/// exactly (an unsupported operator or attribute, a branch, a second input, dimensions that do not chain, a missing
/// initializer, a cycle). Also thrown by <see cref="OnnxModel.Save{T}(NeuralNetwork{T}, string, int)"/> for an opset it does not write.
/// </summary>
/// <remarks>
/// <para>The message starts with the file and says what was found and what is supported; graph problems name the
/// node (its name and op type), e.g. <c>model.onnx: node '/1/Selu' (Selu): op type 'Selu' is not supported; expected one of …</c>.</para>
/// <para>It derives from <see cref="IOException"/> like <see cref="NpyFormatException"/>, so catching
/// <see cref="IOException"/> handles it together with missing or unreadable files.</para>
/// </remarks>
public sealed class OnnxFormatException : IOException
{
    /// <summary>Creates the exception with a default message and no source.</summary>
    public OnnxFormatException()
        : this("The ONNX file is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public OnnxFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public OnnxFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="source"/>; the message is prefixed with it.</summary>
    /// <param name="source">The file name (or the name given for a stream).</param>
    /// <param name="problem">What was found and what was expected.</param>
    /// <param name="innerException">The cause, if any.</param>
    public OnnxFormatException(string source, string problem, Exception? innerException = null)
        : base($"{source}: {problem}", innerException)
    {
        FileName = source;
    }

    /// <summary>The file the problem was found in; <see langword="null"/> when unknown.</summary>
    public string? FileName { get; }
}
