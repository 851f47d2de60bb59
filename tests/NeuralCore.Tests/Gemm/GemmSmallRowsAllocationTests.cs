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

            // This thread, and process-wide (the worker threads too). A tier-up finishing late on a loaded machine, or
            // an unrelated runtime or runner thread, can allocate inside a window, but an allocation per call would
            // show in every window, so the quietest of three must be 0.
            var quietestThread = long.MaxValue;
            var quietestProcess = long.MaxValue;
            for (var window = 0; window < 3; window++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var beforeProcess = GC.GetTotalAllocatedBytes(precise: true);
                for (var i = 0; i < 10; i++)
                {
                    Work();
                }

                quietestProcess = Math.Min(quietestProcess, GC.GetTotalAllocatedBytes(precise: true) - beforeProcess);
                quietestThread = Math.Min(quietestThread, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(quietestThread == 0, $"{threads} thread(s): {quietestThread} bytes allocated on this thread over 10 calls in the quietest of 3 windows.");
            Assert.True(quietestProcess == 0, $"{threads} thread(s): {quietestProcess} bytes allocated in the process over 10 calls in the quietest of 3 windows.");
        }
    }
}
