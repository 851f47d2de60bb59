using System.CommandLine;
using System.Globalization;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore quantize</c>: an fp32 model to an int8 or bf16 <see cref="QuantizedNetwork"/> (written as an .npz or .safetensors
/// that <c>neuralcore predict</c> runs), with the accuracy report against the fp32 model on <c>--x</c> (and the task
/// metric of both with <c>--y</c> or <c>--label-column</c>).
/// </summary>
/// <remarks>
/// <c>--activations static</c> fixes each int8 layer's input range from <c>--x</c> (calibration); the default,
/// dynamic, takes each row's own range at every prediction and uses <c>--x</c> only for the report.
/// </remarks>
internal static class QuantizeCommand
{
    public static Command Create(CliContext context)
    {
        var model = CliOptions.RequiredPath("--model", $"The fp32 model file, by extension: {ModelFile.SupportedExtensions}.");
        var arch = CliOptions.ModelArchitecture();
        var mode = CliOptions.Choice("--mode", "int8 (weights 4× smaller: 8-bit codes, per-output scales) or bf16 (2× smaller: bfloat16).", null, [.. Enum.GetValues<QuantizationMode>().Select(QuantizationModeNames.GetName)]);
        mode.Required = true;
        var activations = CliOptions.Choice(
            "--activations",
            "int8 only: dynamic (default; each row's own range at every prediction) or static (one range per layer, calibrated on --x; a report on the same --x is then optimistic).",
            ActivationQuantizationNames.GetName(ActivationQuantization.Dynamic),
            [.. Enum.GetValues<ActivationQuantization>().Select(ActivationQuantizationNames.GetName)]);
        var x = CliOptions.OptionalPath("--x", "Samples (.npy or .csv) for the accuracy report against the fp32 model, and the calibration data of --activations static.");
        var y = CliOptions.OptionalPath("--y", "Labels of --x (.npy or .csv), for the task metric (accuracy or mse) of both models.");
        var labelColumn = DataFiles.LabelColumn();
        var output = CliOptions.RequiredPath("--out", "Where to write the quantized model: .npz, or .safetensors (I8/BF16 tensors).");
        var columnMajor = CliOptions.ColumnMajor();
        var force = OutputFiles.Force();
        var command = new Command("quantize", "Quantize a model to int8 or bf16 weights, with an accuracy report against the fp32 model.")
        {
            model, arch, mode, activations, x, y, labelColumn, output, columnMajor, force,
        }.With(("neuralcore quantize --model model.npz --mode int8 --x X.npy --y y.npy --out model-int8.npz", "int8 with the accuracy report on X/y"),
                ("neuralcore quantize --model model.onnx --mode int8 --activations static --x calib.npy --out q.npz", "int8 with input ranges calibrated on calib.npy"),
                ("neuralcore quantize --model model.npz --mode bf16 --out model-bf16.safetensors", "bf16 as a safetensors state_dict, no report"));
        command.SetAction(parse =>
        {
            var request = new Request(
                parse.GetValue(model)!, parse.GetValue(arch), QuantizationModeNames.Parse(parse.GetValue(mode), "--mode"), ActivationQuantizationNames.Parse(parse.GetValue(activations), "--activations") == ActivationQuantization.Static,
                parse.GetValue(x), parse.GetValue(y), parse.GetValue(labelColumn), parse.GetValue(output)!, parse.GetValue(columnMajor));
            if (!string.Equals(Path.GetExtension(request.Out), ".npz", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(Path.GetExtension(request.Out), ".safetensors", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException($"--out must name an .npz or .safetensors file (the formats a quantized model is stored in); got '{request.Out}'.", CliApplication.BadArguments);
            }

            if (request.Static && request.Mode != QuantizationMode.Int8)
            {
                throw new CliException("--activations static: only int8 quantizes its inputs; bf16 inputs stay float32. Leave --activations out.", CliApplication.BadArguments);
            }

            if (request.X is null && (request.Static || request.Y is not null || request.LabelColumn is not null))
            {
                throw new CliException(
                    request.Static ? "--x is missing: --activations static calibrates each layer's input range on the samples of --x." : "--x is missing: the labels of --y / --label-column belong to the samples of --x.",
                    CliApplication.BadArguments);
            }

            _ = CliOptions.ModelFormatOf("--model", request.Model);
            OutputFiles.Check(
                parse.GetValue(force),
                [("--model", request.Model), ("--arch", CliOptions.ArchitectureFile(request.Arch)), ("--x", request.X), ("--y", request.Y)],
                [("--out", request.Out)]);
            return Run(context, request);
        });
        return command;
    }

    private static int Run(CliContext context, Request request)
    {
        if (CliOptions.IsQuantizedModel("--model", request.Model))
        {
            throw new CliException($"--model {request.Model} is already a quantized model; quantize the fp32 model it came from.", CliApplication.BadArguments);
        }

        using var network = CliOptions.LoadModel<float>("--model", request.Model, request.Arch);
        Matrix<float>? x = null;
        Matrix<float>? y = null;
        try
        {
            if (request.X is not null)
            {
                (x, y) = request.Y is null && request.LabelColumn is null
                    ? (CliOptions.ReadMatrix<float>("--x", request.X, request.ColumnMajor), null)
                    : DataFiles.Read<float>("--x", request.X, "--y", request.Y, request.LabelColumn, request.ColumnMajor);
                RequireSamples(request, network, x, y);
            }

            using var quantized = request.Static
                ? QuantizedNetwork.QuantizeInt8Static(network, x!.ReadOnlySpan)
                : QuantizedNetwork.Quantize(network, request.Mode);

            // The report first: whatever it refuses, nothing has been written.
            var report = x is null ? null
                : y is null ? QuantizationReport.Create(network, quantized, x.ReadOnlySpan)
                : QuantizationReport.Create(network, quantized, x.ReadOnlySpan, y.ReadOnlySpan);
            QuantizedModelFile.Save(quantized, request.Out);
            var fp32Bytes = 4 * (network.ParameterCount - network.Architecture.Layers.Sum(l => (long)l.OutputDim));
            context.Output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"wrote {request.Out}: {quantized} — weights {Bytes(quantized.WeightBytes)} (fp32 {Bytes(fp32Bytes)}, {(double)fp32Bytes / quantized.WeightBytes:F1}× smaller)"));
            if (report is not null)
            {
                context.Output.WriteLine($"accuracy against the fp32 model on --x: {report}");
            }

            return CliApplication.Success;
        }
        finally
        {
            x?.Dispose();
            y?.Dispose();
        }
    }

    private static void RequireSamples(Request request, NeuralNetwork<float> network, Matrix<float> x, Matrix<float>? y)
    {
        if (x.Columns != network.InputSize)
        {
            throw new CliException(
                $"--x {request.X}: {CliOptions.Shape(x.Rows, x.Columns)} has {x.Columns} features per sample, but {request.Model} expects {network.InputSize}" +
                (x.Rows == network.InputSize ? " (the file looks like features × samples: add --column-major)." : "."));
        }

        if (x.Rows == 0)
        {
            throw new CliException($"--x {request.X}: no samples.", CliApplication.BadArguments);
        }

        CliOptions.RequireFinite("--x", request.X!, x.ReadOnlySpan, "the report and calibration need finite samples");
        if (y is not null)
        {
            var classIds = QuantizationReport.TakesClassIds(network.Architecture, y.Columns);
            if (y.Rows != x.Rows || (!classIds && y.Columns != network.OutputSize))
            {
                var targets = $"{network.OutputSize} target{(network.OutputSize == 1 ? "" : "s")}";
                var idsNeedSoftmax = y.Columns == 1 && network.OutputSize > 1 && !QuantizationReport.TakesClassIds(network.Architecture, 1)
                    ? $" (one column of class ids needs a softmax output; {request.Model}'s is {ActivationNames.GetName(network.Architecture.OutputActivation)})"
                    : "";
                throw new CliException(
                    $"{(request.Y is null ? "--x" : "--y")} {request.Y ?? request.X}: labels are {CliOptions.Shape(y.Rows, y.Columns)}; expected {x.Rows} rows (one per sample of --x) of " +
                    (QuantizationReport.TakesClassIds(network.Architecture, 1) ? $"one class id or {targets}." : $"{targets}{idsNeedSoftmax}."));
            }

            CliOptions.RequireFinite(request.Y is null ? "--x" : "--y", request.Y ?? request.X!, y.ReadOnlySpan, "the task metric needs finite labels");
        }
    }

    private static string Bytes(long bytes) =>
        bytes >= 1 << 20 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F2} MiB") : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB");

    private sealed record Request(string Model, string? Arch, QuantizationMode Mode, bool Static, string? X, string? Y, string? LabelColumn, string Out, bool ColumnMajor);
}
