namespace NeuralCore.Tests.Gemm;

/// <summary>Bad input is rejected at the public edge with a message naming the shapes involved.</summary>
public sealed class GemmValidationTests
{
    [Fact]
    public void Inner_dimension_mismatch_names_both_shapes()
    {
        var a = new float[3 * 4];
        var b = new float[5 * 6];
        var c = new float[3 * 6];
        var e = Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.Multiply(new ReadOnlyMatrixSpan<float>(a, 3, 4), new ReadOnlyMatrixSpan<float>(b, 5, 6), new MatrixSpan<float>(c, 3, 6)));
        Assert.Contains("3×4", e.Message, StringComparison.Ordinal);
        Assert.Contains("5×6", e.Message, StringComparison.Ordinal);
        Assert.Equal("b", e.ParamName);
    }

    [Fact]
    public void Transposed_inner_dimension_mismatch_is_detected()
    {
        // op(a) = aᵀ is 4×3, op(b) = b is 4×6: inner 3 ≠ 4.
        var e = Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.Multiply(
            new ReadOnlyMatrixSpan<float>(new float[12], 3, 4), MatrixOp.Transpose, new ReadOnlyMatrixSpan<float>(new float[24], 4, 6), MatrixOp.None, 1f, 0f, new MatrixSpan<float>(new float[24], 4, 6)));
        Assert.Contains("3×4", e.Message, StringComparison.Ordinal);
        Assert.Contains("4×6", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_destination_shape_names_all_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.Multiply(
            new ReadOnlyMatrixSpan<double>(new double[6], 2, 3), new ReadOnlyMatrixSpan<double>(new double[12], 3, 4), new MatrixSpan<double>(new double[6], 2, 3)));
        Assert.Equal("c", e.ParamName);
        Assert.Contains("2×3", e.Message, StringComparison.Ordinal);
        Assert.Contains("3×4", e.Message, StringComparison.Ordinal);
        Assert.Contains("2×4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_overlapping_an_input_is_rejected()
    {
        var buffer = new float[64];
        var e = Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.Multiply(
            new ReadOnlyMatrixSpan<float>(buffer, 4, 4), new ReadOnlyMatrixSpan<float>(new float[16], 4, 4), new MatrixSpan<float>(buffer.AsSpan(8), 4, 4)));
        Assert.Contains("4×4", e.Message, StringComparison.Ordinal);
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fused_bias_of_wrong_length_is_rejected_for_both_layouts()
    {
        var aData = new float[6];
        var bData = new float[12];
        var output = new float[8];
        var e = Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.MultiplyBiasActivate(new ReadOnlyMatrixSpan<float>(aData, 2, 3), MatrixOp.None, new ReadOnlyMatrixSpan<float>(bData, 3, 4), MatrixOp.None, new float[2], Activation.Relu, default, new MatrixSpan<float>(output, 2, 4)));
        Assert.Equal("bias", e.ParamName);
        Assert.Contains("2×4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.MultiplyBiasActivate(new ReadOnlyMatrixSpan<float>(aData, 2, 3), MatrixOp.None, new ReadOnlyMatrixSpan<float>(bData, 3, 4), MatrixOp.None, new float[4], BiasAlong.Rows, Activation.Relu, default, new MatrixSpan<float>(output, 2, 4)));
        Assert.Equal("bias", e.ParamName);
    }

    [Fact]
    public void Fused_preactivation_of_wrong_shape_or_aliasing_the_output_is_rejected()
    {
        var aData = new float[6];
        var bData = new float[12];
        var bias = new float[4];
        var output = new float[8];
        var e = Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.MultiplyBiasActivate(new ReadOnlyMatrixSpan<float>(aData, 2, 3), MatrixOp.None, new ReadOnlyMatrixSpan<float>(bData, 3, 4), MatrixOp.None, bias, Activation.Sigmoid, new MatrixSpan<float>(new float[8], 4, 2), new MatrixSpan<float>(output, 2, 4)));
        Assert.Contains("4×2", e.Message, StringComparison.Ordinal);

        // Z and f(Z) in one view only works for the identity.
        Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.MultiplyBiasActivate(new ReadOnlyMatrixSpan<float>(aData, 2, 3), MatrixOp.None, new ReadOnlyMatrixSpan<float>(bData, 3, 4), MatrixOp.None, bias, Activation.Sigmoid, new MatrixSpan<float>(output, 2, 4), new MatrixSpan<float>(output, 2, 4)));
        NeuralCore.Gemm.MultiplyBiasActivate(new ReadOnlyMatrixSpan<float>(aData, 2, 3), MatrixOp.None, new ReadOnlyMatrixSpan<float>(bData, 3, 4), MatrixOp.None, bias, Activation.Linear, new MatrixSpan<float>(output, 2, 4), new MatrixSpan<float>(output, 2, 4));

        // The bias inside the output would be overwritten while still being read.
        Assert.Throws<ArgumentException>(() => NeuralCore.Gemm.MultiplyBiasActivate(new ReadOnlyMatrixSpan<float>(aData, 2, 3), MatrixOp.None, new ReadOnlyMatrixSpan<float>(bData, 3, 4), MatrixOp.None, output.AsSpan(4, 4), Activation.Relu, default, new MatrixSpan<float>(output, 2, 4)));
    }
}
