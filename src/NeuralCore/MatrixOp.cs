namespace NeuralCore;

/// <summary>How a GEMM operand is read: as stored, or transposed (BLAS's 'N' and 'T').</summary>
public enum MatrixOp
{
    /// <summary>Use the matrix as stored.</summary>
    None = 0,

    /// <summary>Use the transpose of the stored matrix.</summary>
    Transpose = 1,
}
