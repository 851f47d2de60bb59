using System.Diagnostics;
using System.Globalization;
using NeuralCore.IO;

namespace NeuralCore.Benchmarks.Peers;

/// <summary>
/// Cold start in fresh processes (<c>dotnet NeuralCore.Benchmarks.dll --quick-cold [runs]</c>): each run starts this
/// program again with <c>--cold-once FILE</c>, which times Main → <see cref="ModelFile.Load{T}(string, NpyConversion)"/>
/// → first prediction for the 784-256-128-10 model in each format, and this prints the median and the range.
/// Process start → Main (the runtime's own start) is reported apart: it is the same for every library.
/// </summary>
public static class ColdStartQuick
{
    public static void Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
        var folder = Directory.CreateTempSubdirectory("neuralcore-cold-");
        try
        {
            using (var network = new NeuralNetwork<float>(PeerPair.Architecture(PeerNet.Mlp), Initialization.He(1)))
            {
                foreach (var extension in Enum.GetValues<ModelFormat>().Select(ModelFile.GetExtension))
                {
                    ModelFile.Save(network, Path.Combine(folder.FullName, "mlp" + extension));
                }
            }

            var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
            var dll = typeof(ColdStartQuick).Assembly.Location;
            Console.WriteLine($"{runs} fresh processes per format (ms; median [min–max])");
            Console.WriteLine($"{"format",-13} {"start→Main",18} {"load",18} {"first prediction",18} {"Main→first",18}");
            foreach (var extension in Enum.GetValues<ModelFormat>().Select(ModelFile.GetExtension))
            {
                var rows = new List<double[]>();
                for (var r = 0; r < runs; r++)
                {
                    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true };
                    if (!self.EndsWith(Path.GetFileNameWithoutExtension(dll), StringComparison.Ordinal))
                    {
                        start.ArgumentList.Add(dll);
                    }

                    start.ArgumentList.Add("--cold-once");
                    start.ArgumentList.Add(Path.Combine(folder.FullName, "mlp" + extension));
                    using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a process.");
                    var line = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    rows.Add(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
                }

                Console.WriteLine($"{extension,-13} {Cell(rows, 0),18} {Cell(rows, 1),18} {Cell(rows, 2),18} {Cell(rows, 3),18}");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The child: prints start→Main, load, first prediction and Main→first prediction in milliseconds.</summary>
    public static void Once(string path)
    {
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
    }

    private static string Cell(List<double[]> rows, int column)
    {
        var values = rows.Select(r => r[column]).Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"{values[values.Length / 2]:F1} [{values[0]:F1}–{values[^1]:F1}]");
    }
}
