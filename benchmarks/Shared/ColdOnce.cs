using System.Diagnostics;
using System.Globalization;
using NeuralCore.IO;

namespace NeuralCore.Benchmarks.Shared;

/// <summary>
/// One cold start, in the process that runs it: Main → <see cref="ModelFile.Load{T}(string, NpyConversion)"/> → first
/// prediction. Compiled into both the benchmark console (<c>--cold-once</c>) and <c>NeuralCore.ColdStart</c> (the app
/// published as JIT, ReadyToRun and NativeAOT), so both print the same four figures for the quick-cold harness.
/// </summary>
internal static class ColdOnce
{
    /// <summary>Loads <paramref name="path"/>, predicts once on zeros and prints the figures (see <see cref="Print"/>).</summary>
    /// <param name="path">The model file.</param>
    /// <param name="main">When Main started (taken first thing in Main).</param>
    public static void Run(string path, DateTime main)
    {
        var clock = Stopwatch.StartNew();
        using var network = ModelFile.Load<float>(path);
        var load = clock.Elapsed.TotalMilliseconds;
        var input = new float[network.InputSize];
        var output = new float[network.OutputSize];
        network.Predict(input, output);
        Print(main, load, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Prints, in milliseconds: process start → Main, Main → loaded, the first prediction, Main → first prediction.</summary>
    public static void Print(DateTime main, double load, double first)
    {
        var processStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(main - processStart).TotalMilliseconds:F2} {load:F2} {first - load:F2} {first:F2}"));
    }
}
