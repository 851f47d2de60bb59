namespace NeuralCore;

/// <summary>Which index of the output a bias vector follows in <see cref="Gemm.MultiplyBiasActivate{T}(ReadOnlyMatrixSpan{T}, MatrixOp, ReadOnlyMatrixSpan{T}, MatrixOp, ReadOnlySpan{T}, BiasAlong, Activation, MatrixSpan{T}, MatrixSpan{T}, ComputeOptions)"/>.</summary>
public enum BiasAlong
{
    /// <summary>
    /// One bias per column: <c>Z[i, j] += bias[j]</c>, length N. The usual row-major layer, activations stored
    /// [batch, features] (<c>Z = X·W + b</c>).
    /// </summary>
    Columns = 0,

    /// <summary>
    /// One bias per row: <c>Z[i, j] += bias[i]</c>, length M. The feature-major layer, activations stored
    /// [features, batch] (<c>Z′ = W·X′ + b</c>), where SIMD lanes run along the batch.
    /// </summary>
    Rows = 1,
}
