namespace NeuralCore.IO;

/// <summary>How a 1-D array of length <c>n</c> becomes a matrix.</summary>
public enum NpyVectorShape
{
    /// <summary>A 1-D array is an error: the caller expected a 2-D one.</summary>
    Reject,

    /// <summary>A 1-D array becomes a 1×n row.</summary>
    Row,

    /// <summary>A 1-D array becomes an n×1 column.</summary>
    Column,
}
