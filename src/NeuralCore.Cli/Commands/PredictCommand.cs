using System.CommandLine;
using System.Numerics;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore predict</c>: runs a model file over X and writes the predictions: the outputs (probabilities for a
/// classifier), or with <c>--output classes</c> one class per sample. A quantized model (<c>neuralcore quantize</c>) is
/// recognised by its <c>quantization</c> member and predicts through <see cref="QuantizedNetwork"/>.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var model = CliOptions.RequiredPath("--model", $"The model file, by extension: {ModelFile.SupportedExtensions} (NeuralCore's .npz, a PyTorch nn.Sequential state_dict, an ONNX model).");
        var arch = CliOptions.ModelArchitecture();
        var x = CliOptions.RequiredPath("--x", "Features X (.npy or .csv), one row per sample (see --column-major).");
        var output = CliOptions.RequiredPath("--out", "Where to write the predictions (.npy or .csv), one row per sample.");
        var what = CliOptions.Choice(
            "--output",
            "What to write: probabilities (default; the network's outputs, one column per output) or classes (one column: the index of the largest output, or for a single sigmoid output 1 when p ≥ 0.5, else 0).",
            "probabilities",
            "probabilities",
            "classes");
        var dtype = CliOptions.DType();
        var columnMajor = CliOptions.ColumnMajor();
        var allowNonFinite = new Option<bool>("--allow-nonfinite") { Description = "Pass NaN/±∞ inputs through (their rows get NaN predictions) instead of refusing the file." };
        var force = OutputFiles.Force();
        var command = new Command(
            "predict",
            "Predict with a model file.")
        {
            model, arch, x, output, what, dtype, columnMajor, allowNonFinite, force,
        }.With(("neuralcore predict --model model.npz --x X.csv --out p.csv", "probabilities, one row per sample"),
                ("neuralcore predict --model model.onnx --x X.npy --out classes.npy --output classes", "one class id per sample"),
                ("neuralcore predict --model sd.safetensors --arch arch.json --x X.npy --out p.npy --force", "a PyTorch state_dict; replace p.npy"));
        command.SetAction(parse =>
        {
            var outPath = parse.GetValue(output)!;
            if (Path.GetExtension(outPath).ToLowerInvariant() is not (".npy" or ".csv"))
            {
                throw new CliException($"--out must name a .npy or .csv file; got '{outPath}'.", CliApplication.BadArguments);
            }

            var request = new Request(parse.GetValue(model)!, parse.GetValue(arch), parse.GetValue(x)!, outPath, parse.GetValue(columnMajor), parse.GetValue(what) == "classes", parse.GetValue(allowNonFinite));
            _ = CliOptions.ModelFormatOf("--model", request.Model);
            OutputFiles.Check(parse.GetValue(force), [("--model", request.Model), ("--arch", CliOptions.ArchitectureFile(request.Arch)), ("--x", request.X)], [("--out", outPath)]);
            var float64 = parse.GetValue(dtype) == "float64";
            if (CliOptions.IsQuantizedModel("--model", request.Model))
            {
                return RunQuantized(context, request, float64);
            }

            return float64 ? Run<double>(context, request) : Run<float>(context, request);
        });
        return command;
    }

    private static int Run<T>(CliContext context, Request request)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = CliOptions.LoadModel<T>("--model", request.Model, request.Arch);
        return Predict<T>(context, request, network.Architecture, network.Predict);
    }

    /// <summary>A quantized model (<c>neuralcore quantize</c>'s output): it records its architecture and predicts in float32.</summary>
    private static int RunQuantized(CliContext context, Request request, bool float64)
    {
        if (float64)
        {
            throw new CliException($"--dtype float64: {request.Model} is a quantized model, which predicts in float32; leave --dtype out.", CliApplication.BadArguments);
        }

        if (request.Arch is not null)
        {
            throw new CliException($"--arch: {request.Model} is a quantized model, which records its own architecture; leave --arch out.", CliApplication.BadArguments);
        }

        using var network = QuantizedModelFile.Load(request.Model);
        return Predict<float>(context, request, network.Architecture, network.Predict);
    }

    private static int Predict<T>(CliContext context, Request request, NetworkArchitecture architecture, BatchPredict<T> predict)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var x = CliOptions.ReadMatrix<T>("--x", request.X, request.ColumnMajor);
        if (x.Columns != architecture.InputSize)
        {
            throw new CliException(
                $"--x {request.X}: {CliOptions.Shape(x.Rows, x.Columns)} has {x.Columns} features per sample, but {request.Model} expects {architecture.InputSize}" +
                (x.Rows == architecture.InputSize ? " (the file looks like features × samples: add --column-major)." : "."));
        }

        if (!request.AllowNonFinite)
        {
            CliOptions.RequireFinite("--x", request.X, x.ReadOnlySpan, "predictions need finite inputs (pass --allow-nonfinite to get NaN predictions for such rows)");
        }

        if (request.Classes && architecture.OutputSize == 1 && architecture.OutputActivation.Kind != ActivationKind.Sigmoid)
        {
            throw new CliException(
                $"--output classes: {request.Model} has one {ActivationNames.GetName(architecture.OutputActivation.Kind)} output, which is not a class probability; classes need a sigmoid output (threshold 0.5) or several outputs (the largest wins).",
                CliApplication.BadArguments);
        }

        using var y = new Matrix<T>(x.Rows, architecture.OutputSize);
        predict(x.ReadOnlySpan, y.Span);
        if (!request.Classes)
        {
            CliOptions.WriteMatrix("--out", request.Out, y.ReadOnlySpan);
            context.Output.WriteLine($"wrote {request.Out}: {CliOptions.Shape(y.Rows, y.Columns)} predictions from {request.Model}");
            return CliApplication.Success;
        }

        using var classes = new Matrix<T>(x.Rows, 1);
        for (var r = 0; r < y.Rows; r++)
        {
            classes[r, 0] = T.CreateTruncating(Classification.ClassOf(y.ReadOnlySpan.GetRowSpan(r)));
        }

        CliOptions.WriteMatrix("--out", request.Out, classes.ReadOnlySpan);
        context.Output.WriteLine($"wrote {request.Out}: {CliOptions.Shape(classes.Rows, 1)} class ids from {request.Model}");
        return CliApplication.Success;
    }

    private delegate void BatchPredict<T>(ReadOnlyMatrixSpan<T> inputs, MatrixSpan<T> outputs);

    private sealed record Request(string Model, string? Arch, string X, string Out, bool ColumnMajor, bool Classes, bool AllowNonFinite);
}
