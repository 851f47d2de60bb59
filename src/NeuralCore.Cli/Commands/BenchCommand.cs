using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NeuralCore.Cli.Bench;

namespace NeuralCore.Cli.Commands;

/// <summary><c>neuralcore bench [gemm|train|infer|all] [--json]</c>: a quick table of this machine's figures.</summary>
internal static class BenchCommand
{
    private static readonly string[] s_suites = ["gemm", "train", "infer", "all"];

    public static Command Create(CliContext context)
    {
        var suite = new Argument<string>("suite") { Description = "What to measure: gemm, train, infer or all.", DefaultValueFactory = _ => "all" };
        suite.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>();
            if (!s_suites.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"suite must be one of {string.Join(", ", s_suites)}; got '{name}'.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("bench", "Measure GEMM GFLOPS (and % of this machine's FMA peak), training samples/s and inference latency.")
        {
            suite,
            json,
        }.With(("neuralcore bench", "every section: GEMM, training and inference"),
            ("neuralcore bench infer --json", "inference latency only, as JSON"));
        command.SetAction(parse =>
        {
            var which = (parse.GetValue(suite) ?? "all").ToLowerInvariant();
            var budget = TimeSpan.FromMilliseconds(400);
            var results = new List<BenchMeasurement>();
            if (which is "gemm" or "all")
            {
                results.AddRange(GemmBench.Run(budget));
            }

            if (which is "train" or "all")
            {
                results.AddRange(NetworkBench.Train(budget));
            }

            if (which is "infer" or "all")
            {
                results.AddRange(NetworkBench.Infer(budget));
            }

            if (parse.GetValue(json))
            {
                WriteJson(context.Output, results);
            }
            else
            {
                WriteTable(context.Output, results);
            }

            return CliApplication.Success;
        });
        return command;
    }

    private static void WriteTable(TextWriter output, List<BenchMeasurement> results)
    {
        output.WriteLine($"{"section",-7} {"workload",-52} {"value",12} {"unit",-10} {"% peak",7} {"B/call",8}");
        foreach (var r in results)
        {
            var peak = r.PercentOfPeak is { } p ? p.ToString("F1", CultureInfo.InvariantCulture) : "-";
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Section,-7} {r.Name,-52} {r.Value.ToString(r.Value < 1 ? "F4" : "F2", CultureInfo.InvariantCulture),12} {r.Unit,-10} {peak,7} {(double.IsNaN(r.BytesAllocatedPerCall) ? "-" : r.BytesAllocatedPerCall.ToString("F0", CultureInfo.InvariantCulture)),8}"));
        }
    }

    private static void WriteJson(TextWriter output, List<BenchMeasurement> results)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("machine", $"{Environment.ProcessorCount} cores, kernel path {Kernels.GetName(Kernels.Default)}");
            writer.WriteStartArray("results");
            foreach (var r in results)
            {
                writer.WriteStartObject();
                writer.WriteString("section", r.Section);
                writer.WriteString("name", r.Name);
                writer.WriteNumber("value", Math.Round(r.Value, 4));
                writer.WriteString("unit", r.Unit);
                if (r.PercentOfPeak is { } p)
                {
                    writer.WriteNumber("percentOfPeak", Math.Round(p, 2));
                }

                if (!double.IsNaN(r.BytesAllocatedPerCall))
                {
                    writer.WriteNumber("bytesAllocatedPerCall", Math.Round(r.BytesAllocatedPerCall, 2));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
