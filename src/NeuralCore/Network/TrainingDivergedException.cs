namespace NeuralCore;

/// <summary>
/// Training stopped because the loss or a parameter became NaN or infinite. The network holds the parameters it had
/// at the start of <see cref="Epoch"/> (the last good ones).
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal TrainingDivergedException(int epoch, double loss, string message)
        : base(message)
    {
        Epoch = epoch;
        Loss = loss;
    }

    /// <summary>The 1-based epoch in which the values stopped being finite.</summary>
    public int Epoch { get; }

    /// <summary>The epoch's loss (NaN or ±∞, or a finite value when only a parameter overflowed).</summary>
    public double Loss { get; }
}
