using System.Diagnostics;
using System.Globalization;
using NeuralCore;
using NeuralCore.IO;

// Prints, in milliseconds: process start → Main, Main → loaded, the first prediction, Main → first prediction (the
// four figures of `NeuralCore.Benchmarks --cold-once`, so the quick-cold harness reads both). `--info` prints the
// kernel path the compiled code runs instead (a NativeAOT binary runs the instruction set it was published for).
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

var main = DateTime.UtcNow;
var clock = Stopwatch.StartNew();
using var network = ModelFile.Load<float>(path);
var load = clock.Elapsed.TotalMilliseconds;
var input = new float[network.InputSize];
var output = new float[network.OutputSize];
network.Predict(input, output);
var first = clock.Elapsed.TotalMilliseconds;
var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(main - processStart).TotalMilliseconds:F2} {load:F2} {first - load:F2} {first:F2}"));
return 0;
