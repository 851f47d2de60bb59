namespace NeuralCore.Tests.Gemm;

/// <summary>After warm-up a single-sample product (the few-rows path) allocates nothing, on one thread or split over the worker pool.</summary>
[Collection(nameof(GemmAllocationGroup))]
[Trait("Category", "Kernels")]
public sealed class GemmSmallRowsAllocationTests
{
    public static TheoryData<KernelPath> Paths => [.. Kernels.Available.Where(p => p != KernelPath.Reference)];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Single_sample_calls_allocate_nothing(KernelPath path)
    {
        using var x = new Matrix<float>(1, 784);
        using var w = new Matrix<float>(784, 257);
        using var wt = new Matrix<float>(257, 784);
        using var c = new Matrix<float>(1, 257);
        using var z = new Matrix<float>(1, 257);
        var bias = new float[257];
        foreach (var threads in new[] { 1, 2 })
        {
            var options = new ComputeOptions(path, threads);
            void Work()
            {
                NeuralCore.Gemm.Multiply(x.ReadOnlySpan, MatrixOp.None, w.ReadOnlySpan, MatrixOp.None, 1f, 0.5f, c.Span, options);
                NeuralCore.Gemm.Multiply(x.ReadOnlySpan, MatrixOp.None, wt.ReadOnlySpan, MatrixOp.Transpose, 1f, 0f, c.Span, options);
                NeuralCore.Gemm.MultiplyBiasActivate(x.ReadOnlySpan, MatrixOp.None, w.ReadOnlySpan, MatrixOp.None, bias, Activation.Sigmoid, z.Span, c.Span, options);
                NeuralCore.Gemm.MultiplyBiasActivate(x.ReadOnlySpan, MatrixOp.None, w.ReadOnlySpan, MatrixOp.None, bias, Activation.Softmax, default, c.Span, options);
            }

            // Past the tiered JIT's 30-call threshold, then time for its background compile (which allocates) to finish.
            for (var i = 0; i < 40; i++)
            {
                Work();
            }

            Thread.Sleep(300);

            // This thread exactly, and process-wide (the worker threads too) below one object per call.
            ProcessAllocation.AssertNoneAllocatedPerCall(Work, calls: 20, $"{threads} thread(s)");
        }
    }
}
