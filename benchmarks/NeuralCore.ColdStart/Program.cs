using NeuralCore;
using NeuralCore.Benchmarks.Shared;

// Prints, in milliseconds: process start → Main, Main → loaded, the first prediction, Main → first prediction (the
// four figures of `NeuralCore.Benchmarks --cold-once`, so the quick-cold harness reads both). `--info` prints the
// kernel path the compiled code runs instead (a NativeAOT binary runs the instruction set it was published for).
var main = DateTime.UtcNow;
if (args is ["--info"])
{
    Console.WriteLine($"runs {Kernels.GetName(Kernels.Best)}, cpu offers {Kernels.GetName(Kernels.CpuBest)}");
    return 0;
}

if (args is not [var path])
{
    Console.Error.WriteLine("usage: NeuralCore.ColdStart MODEL-FILE | --info");
    return 2;
}

ColdOnce.Run(path, main);
return 0;
