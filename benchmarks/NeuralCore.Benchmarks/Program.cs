using BenchmarkDotNet.Running;

// Hidden: a Stopwatch harness for iterating on the GEMM kernels; the published numbers come from BenchmarkDotNet.
if (args is ["--quick-gemm", ..])
{
    NeuralCore.Benchmarks.Gemm.GemmQuick.Run(args);
    return;
}

if (args is ["--quick-narrow", ..])
{
    NeuralCore.Benchmarks.Network.NarrowQuick.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
