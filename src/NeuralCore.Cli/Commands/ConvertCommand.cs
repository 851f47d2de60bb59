using System.CommandLine;
using System.Numerics;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore convert IN OUT</c>: reads a model in one format and writes it in another, the formats picked by the
/// extensions through the one dispatch (<see cref="ModelFile.GetFormat(string)"/>), and prints the model summary.
/// </summary>
/// <remarks>
/// IN is never written: OUT naming the same file is a usage error, and OUT is written atomically, so a failure leaves
/// an existing OUT as it was. Without <c>--dtype</c> the precision of IN is kept (float64 stays float64; float32,
/// float16 and bfloat16 become float32).
/// </remarks>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("IN") { Description = $"The model to read ({ModelFile.SupportedExtensions})." };
        var output = new Argument<string>("OUT") { Description = $"Where to write it ({ModelFile.SupportedExtensions}); never the same file as IN." };
        var arch = CliOptions.ModelArchitecture();
        var dtype = new Option<string?>("--dtype") { Description = "Element type of OUT: float32 or float64 (default: IN's precision)." }
            .AcceptOnlyFromAmong("float32", "float64");
        var command = new Command("convert", $"Convert a model file between formats ({ModelFile.SupportedExtensions}, by extension), printing its summary.") { input, output, arch, dtype };
        command.SetAction(parse =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            var inFormat = CliOptions.ModelFormatOf("IN", inPath);
            var outFormat = CliOptions.ModelFormatOf("OUT", outPath);
            if (SameFile(inPath, outPath))
            {
                throw new CliException($"OUT {outPath} is the input file; convert never overwrites IN.", CliApplication.BadArguments);
            }

            var request = (inPath, outPath, inFormat, outFormat, parse.GetValue(arch));
            var element = parse.GetValue(dtype) ?? (ModelFile.Inspect(inPath).IsFloat64 ? "float64" : "float32");
            return element == "float64" ? Run<double>(context, request) : Run<float>(context, request);
        });
        return command;
    }

    private static int Run<T>(CliContext context, (string In, string Out, ModelFormat InFormat, ModelFormat OutFormat, string? Arch) request)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = CliOptions.LoadModel<T>("IN", request.In, request.Arch);
        context.Output.WriteLine(network.Summary());
        ModelFile.Save(network, request.Out, request.OutFormat);
        context.Output.WriteLine($"wrote {request.Out} ({ModelFile.GetName(request.OutFormat)}, {(typeof(T) == typeof(double) ? "float64" : "float32")}) from {request.In} ({ModelFile.GetName(request.InFormat)})");
        return CliApplication.Success;
    }

    private static bool SameFile(string a, string b)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), comparison))
        {
            return true;
        }

        // Another spelling of the same file (a symbolic link to it): compare what both resolve to.
        var resolvedA = File.Exists(a) ? new FileInfo(a).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(a) : null;
        var resolvedB = File.Exists(b) ? new FileInfo(b).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(b) : null;
        return resolvedA is not null && string.Equals(resolvedA, resolvedB, comparison);
    }
}
