using BenchmarkDotNet.Running;

// Hidden: a Stopwatch harness for iterating on the GEMM kernels; the published numbers come from BenchmarkDotNet.
if (args is ["--quick-gemm", ..])
{
    NeuralCore.Benchmarks.Gemm.GemmQuick.Run(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
