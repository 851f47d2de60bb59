namespace NeuralCore.Tests.Gemm;

/// <summary>Runs alone: it measures process-wide allocation, which parallel test classes would disturb.</summary>
[CollectionDefinition(nameof(GemmAllocationGroup), DisableParallelization = true)]
public sealed class GemmAllocationGroup;

/// <summary>After warm-up a product allocates nothing, on one thread or with the worker pool.</summary>
[Collection(nameof(GemmAllocationGroup))]
[Trait("Category", "Kernels")]
public sealed class GemmAllocationTests
{
    public static TheoryData<KernelPath> Paths => [.. Kernels.Available.Where(p => p != KernelPath.Reference)];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Single_threaded_calls_allocate_nothing(KernelPath path)
    {
        using var a = new Matrix<float>(129, 70);
        using var b = new Matrix<float>(70, 33);
        using var bt = new Matrix<float>(33, 70);
        using var c = new Matrix<float>(129, 33);
        using var z = new Matrix<float>(129, 33);
        var bias = new float[33];
        var options = ComputeOptions.For(path);

        void Work()
        {
            NeuralCore.Gemm.Multiply(a.ReadOnlySpan, MatrixOp.None, b.ReadOnlySpan, MatrixOp.None, 1f, 0.5f, c.Span, options);
            NeuralCore.Gemm.Multiply(a.ReadOnlySpan, MatrixOp.None, bt.ReadOnlySpan, MatrixOp.Transpose, 1f, 0f, c.Span, options);
            NeuralCore.Gemm.MultiplyBiasActivate(a.ReadOnlySpan, MatrixOp.None, b.ReadOnlySpan, MatrixOp.None, bias, Activation.Sigmoid, z.Span, c.Span, options);
            NeuralCore.Gemm.MultiplyBiasActivate(a.ReadOnlySpan, MatrixOp.None, b.ReadOnlySpan, MatrixOp.None, bias, Activation.Softmax, default, c.Span, options);
        }

        Work();
        Work();

        // The quietest of five windows: a one-off runtime allocation on this thread (a tier-up, in a busy test run) is
        // not the kernels', but an allocation in every call shows in every window.
        var quietest = long.MaxValue;
        for (var window = 0; window < 5; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                Work();
            }

            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, quietest);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Multi_threaded_calls_allocate_nothing_in_the_process(KernelPath path)
    {
        using var a = new Matrix<float>(300, 128);
        using var b = new Matrix<float>(128, 256);
        using var c = new Matrix<float>(300, 256);
        var options = new ComputeOptions(path, 2);
        // Warm up past the tiered JIT's 30-call threshold, then give its background compile (which allocates,
        // BenchmarkDotNet issue #1542) time to finish before measuring.
        for (var i = 0; i < 40; i++)
        {
            NeuralCore.Gemm.Multiply(a.ReadOnlySpan, MatrixOp.None, b.ReadOnlySpan, MatrixOp.None, 1f, 0f, c.Span, options);
        }

        Thread.Sleep(300);

        ProcessAllocation.AssertNoneAllocatedPerCall(
            () => NeuralCore.Gemm.Multiply(a.ReadOnlySpan, MatrixOp.None, b.ReadOnlySpan, MatrixOp.None, 1f, 0f, c.Span, options),
            calls: 20,
            $"{path}, 2 threads");
    }

    /// <summary>Quantized predictions split over two threads, by rows (64 rows) and by columns (one sample of a 1.6 MB net), allocate nothing in the process.</summary>
    [Fact]
    public void Quantized_predictions_on_two_threads_allocate_nothing_in_the_process()
    {
        using var network = new NeuralNetwork<float>(NetworkArchitecture.FromSizes([512, 1024, 10], [Activation.Relu, Activation.Softmax]), new Initialization(3));
        using var x = new Matrix<float>(64, 512);
        using var y = new Matrix<float>(64, 10);
        foreach (var mode in new[] { QuantizationMode.Int8, QuantizationMode.BFloat16 })
        {
            using var quantized = QuantizedNetwork.Quantize(network, mode);
            using var predictor = quantized.CreatePredictor(64, new ComputeOptions(null, 2));
            var sample = new float[512];
            var output = new float[10];
            for (var i = 0; i < 40; i++)
            {
                predictor.Predict(x.ReadOnlySpan, y.Span);
                predictor.Predict(sample, output);
            }

            Thread.Sleep(300);
            ProcessAllocation.AssertNoneAllocatedPerCall(() => predictor.Predict(x.ReadOnlySpan, y.Span), calls: 20, $"{mode}, 64 rows split by rows");
            ProcessAllocation.AssertNoneAllocatedPerCall(() => predictor.Predict(sample, output), calls: 20, $"{mode}, one sample split by columns");
        }
    }
}
