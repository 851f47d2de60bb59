using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using NeuralCore.Benchmarks.Shared;
using NeuralCore.IO;

namespace NeuralCore.Benchmarks.Peers;

/// <summary>
/// Cold start in fresh processes (<c>dotnet NeuralCore.Benchmarks.dll --quick-cold [runs] [NAME=PROGRAM …]</c>): each run
/// starts this program again with <c>--cold-once FILE</c>, which times Main → <see cref="ModelFile.Load{T}(string, NpyConversion)"/>
/// → first prediction for the 784-256-128-10 model in each format, and this prints the median and the range. The peer,
/// ONNX Runtime, runs the same way (<c>--cold-once-ort FILE.onnx</c>: Main → <c>new InferenceSession(file)</c> → first
/// <c>Run</c>), and so does each <c>NAME=PROGRAM</c> given, a program run with the model file that prints the same four
/// figures: <c>benchmarks/NeuralCore.ColdStart</c> published as JIT, ReadyToRun and NativeAOT by <c>benchmarks/cold-start.sh</c>.
/// Process start → Main (the runtime's own start) is reported apart: it is the same for every library.
/// </summary>
public static class ColdStartQuick
{
    public static void Run(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9;
        var programs = args.Skip(1).Select(a => a.Split('=', 2) is [var name, var program]
            ? (Name: name, Path: Path.GetFullPath(program))
            : throw new ArgumentException($"Expected NAME=PROGRAM; got '{a}'.", nameof(args))).ToArray();
        var folder = Directory.CreateTempSubdirectory("neuralcore-cold-");
        try
        {
            Save(folder.FullName);
            var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
            var dll = typeof(ColdStartQuick).Assembly.Location;
            var viaHost = !self.EndsWith(Path.GetFileNameWithoutExtension(dll), StringComparison.Ordinal);
            var rows = new List<(string Name, string Program, string[] Arguments)>();
            foreach (var extension in Extensions)
            {
                var file = Path.Combine(folder.FullName, "mlp" + extension);
                rows.Add(("JIT " + extension, self, viaHost ? [dll, "--cold-once", file] : ["--cold-once", file]));
            }

            var onnx = Path.Combine(folder.FullName, "mlp.onnx");
            rows.Add(("ORT .onnx", self, viaHost ? [dll, "--cold-once-ort", onnx] : ["--cold-once-ort", onnx]));
            foreach (var (name, program) in programs)
            {
                rows.AddRange(Extensions.Select(e => ($"{name} {e}", program, new[] { Path.Combine(folder.FullName, "mlp" + e) })));
            }

            Console.WriteLine($"{runs} fresh processes per row, interleaved (ms; median [min–max]); load before: {Load()}");
            var results = rows.Select(_ => new List<double[]>()).ToArray();
            for (var r = 0; r < runs; r++)
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    results[i].Add(Child(rows[i].Program, rows[i].Arguments));
                }
            }

            Console.WriteLine($"{"row",-22} {"start→Main",18} {"load",18} {"first prediction",18} {"Main→first",18}");
            for (var i = 0; i < rows.Count; i++)
            {
                Console.WriteLine($"{rows[i].Name,-22} {Cell(results[i], 0),18} {Cell(results[i], 1),18} {Cell(results[i], 2),18} {Cell(results[i], 3),18}");
            }

            Console.WriteLine($"load after: {Load()}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Writes the 784-256-128-10 model (He-initialised, seed 1) in every format into <paramref name="folder"/> as <c>mlp.npz</c>, <c>mlp.safetensors</c>, <c>mlp.onnx</c>.</summary>
    public static void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        using var network = new NeuralNetwork<float>(PeerPair.Architecture(PeerNet.Mlp), Initialization.He(1));
        foreach (var extension in Extensions)
        {
            ModelFile.Save(network, Path.Combine(folder, "mlp" + extension));
        }
    }

    /// <summary>
    /// ONNX Runtime's child, as its documentation's first example runs a model: a session with the default options
    /// on the file, one <c>Run</c> of a 1×784 input from pinned memory with ORT allocating the output.
    /// </summary>
    public static void OnceOrt(string path)
    {
        var main = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        using var session = new InferenceSession(path);
        var load = clock.Elapsed.TotalMilliseconds;
        var input = new float[784];
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 784]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [OnnxModel.InputName], [value], [OnnxModel.OutputName]);
        _ = results[0].GetTensorDataAsSpan<float>()[0];
        var first = clock.Elapsed.TotalMilliseconds;
        ColdOnce.Print(main, load, first);
    }

    private static string[] Extensions => [.. Enum.GetValues<ModelFormat>().Select(ModelFile.GetExtension)];

    private static double[] Child(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var line = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {line}");
        }

        return [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string Cell(List<double[]> rows, int column)
    {
        var values = rows.Select(r => r[column]).Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"{values[values.Length / 2]:F1} [{values[0]:F1}–{values[^1]:F1}]");
    }
}
