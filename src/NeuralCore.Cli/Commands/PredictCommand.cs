using System.CommandLine;
using System.Numerics;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary><c>neuralcore predict</c>: runs a model file over X and writes the predictions.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var model = CliOptions.RequiredPath("--model", $"The model file, by extension: {ModelFile.SupportedExtensions} (NeuralCore's .npz, a PyTorch nn.Sequential state_dict, an ONNX model).");
        var arch = CliOptions.ModelArchitecture();
        var x = CliOptions.RequiredPath("--x", "Features X (.npy or .csv), one row per sample (see --column-major).");
        var output = CliOptions.RequiredPath("--out", "Where to write the predictions (.npy or .csv), one row per sample.");
        var dtype = CliOptions.DType();
        var columnMajor = CliOptions.ColumnMajor();
        var command = new Command("predict", "Predict with a model file.") { model, arch, x, output, dtype, columnMajor };
        command.SetAction(parse =>
        {
            var outPath = parse.GetValue(output)!;
            if (Path.GetExtension(outPath).ToLowerInvariant() is not (".npy" or ".csv"))
            {
                throw new CliException($"--out must name a .npy or .csv file; got '{outPath}'.", CliApplication.BadArguments);
            }

            var args = (parse.GetValue(model)!, parse.GetValue(arch), parse.GetValue(x)!, outPath, parse.GetValue(columnMajor));
            _ = CliOptions.ModelFormatOf("--model", args.Item1);
            return parse.GetValue(dtype) == "float64" ? Run<double>(context, args) : Run<float>(context, args);
        });
        return command;
    }

    private static int Run<T>(CliContext context, (string Model, string? Arch, string X, string Out, bool ColumnMajor) args)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = CliOptions.LoadModel<T>("--model", args.Model, args.Arch);
        using var x = CliOptions.ReadMatrix<T>(args.X, args.ColumnMajor);
        if (x.Columns != network.InputSize)
        {
            throw new CliException(
                $"--x {args.X}: {CliOptions.Shape(x.Rows, x.Columns)} has {x.Columns} features per sample, but {args.Model} expects {network.InputSize}" +
                (x.Rows == network.InputSize ? " (the file looks like features × samples: add --column-major)." : "."));
        }

        using var y = new Matrix<T>(x.Rows, network.OutputSize);
        network.Predict(x.ReadOnlySpan, y.Span);
        CliOptions.WriteMatrix(args.Out, y.ReadOnlySpan);
        context.Output.WriteLine($"wrote {args.Out}: {CliOptions.Shape(y.Rows, y.Columns)} predictions from {args.Model}");
        return CliApplication.Success;
    }
}
