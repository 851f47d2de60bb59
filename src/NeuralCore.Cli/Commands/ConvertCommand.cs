using System.CommandLine;
using System.Numerics;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore convert IN OUT</c>: reads a model in one format and writes it in another, the formats picked by the
/// extensions through the one dispatch (<see cref="ModelFile.GetFormat(string)"/>), and prints the model summary.
/// </summary>
/// <remarks>
/// IN is never written: OUT naming the same file is a usage error, an existing OUT needs <c>--force</c>, and OUT is
/// written atomically, so a failure leaves an existing OUT as it was. Without <c>--dtype</c> the precision of IN is kept (float64 stays float64; float32,
/// float16 and bfloat16 become float32).
/// </remarks>
internal static class ConvertCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("IN") { Description = $"The model to read ({ModelFile.SupportedExtensions})." };
        var output = new Argument<string>("OUT") { Description = $"Where to write it ({ModelFile.SupportedExtensions}); never the same file as IN." };
        var arch = CliOptions.ModelArchitecture();
        var dtype = CliOptions.Choice("--dtype", "Element type of OUT: float32 or float64 (default: IN's precision).", null, "float32", "float64");
        var force = OutputFiles.Force();
        var command = new Command("convert", $"Convert a model file between formats ({ModelFile.SupportedExtensions}, by extension), printing its summary.") { input, output, arch, dtype, force }
            .With(("neuralcore convert model.npz model.onnx", "NeuralCore's model file to ONNX (float32 stays float32)"),
                ("neuralcore convert state_dict.safetensors model.npz --arch arch.json --dtype float64", "a PyTorch state_dict without metadata, with its architecture, to float64"),
                ("neuralcore convert model.onnx model.safetensors --force", "replace an existing model.safetensors"));
        command.SetAction(parse =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            var inFormat = CliOptions.ModelFormatOf("IN", inPath);
            CliOptions.RequireFile("IN", inPath);
            var outFormat = CliOptions.ModelFormatOf("OUT", outPath);
            OutputFiles.Check(parse.GetValue(force), [("IN", inPath), ("--arch", CliOptions.ArchitectureFile(parse.GetValue(arch)))], [("OUT", outPath)]);

            var request = (inPath, outPath, inFormat, outFormat, parse.GetValue(arch));
            var element = parse.GetValue(dtype) is { Length: > 0 } given ? given : (ModelFile.Inspect(inPath).IsFloat64 ? "float64" : "float32");
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
}
