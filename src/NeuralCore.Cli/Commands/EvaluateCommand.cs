using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text;
using NeuralCore.Cli.Plotting;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore evaluate</c>: a model's loss on X/Y and, for a classifier, its accuracy and confusion matrix (and the
/// matrix as an SVG heat map with <c>--plot</c>).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var model = CliOptions.RequiredPath("--model", $"The model file, by extension: {ModelFile.SupportedExtensions}.");
        var arch = CliOptions.ModelArchitecture();
        var x = CliOptions.RequiredPath("--x", "Features X (.npy or .csv), one row per sample; with --label-column, X and Y.");
        var y = CliOptions.OptionalPath("--y", "Targets Y (.npy or .csv): one-hot rows or one class id per sample for a softmax output, 0/1 for a sigmoid output, values for regression.");
        var labelColumn = DataFiles.LabelColumn();
        var loss = CliOptions.Loss(required: false);
        var lossParameter = CliOptions.LossParameter();
        var dtype = CliOptions.DType();
        var columnMajor = CliOptions.ColumnMajor();
        var plot = CliOptions.OptionalPath("--plot", "Write the confusion matrix as an SVG heat map (classifiers only; the name must end in .svg).");
        var force = OutputFiles.Force();
        var command = new Command("evaluate", "Evaluate a model on X/Y: loss, and for a classifier accuracy and the confusion matrix.")
        {
            model, arch, x, y, labelColumn, loss, lossParameter, dtype, columnMajor, plot, force,
        }.With(
            ("neuralcore evaluate --model digits.npz --x test.csv --label-column label", "loss, accuracy and confusion matrix on a held-out CSV"),
            ("neuralcore evaluate --model model.onnx --x X.npy --y y.npy --plot confusion.svg", "the same, with the matrix drawn as a heat map"));
        command.SetAction(parse =>
        {
            var request = new Request(
                parse.GetValue(model)!, parse.GetValue(arch), parse.GetValue(x)!, parse.GetValue(y), parse.GetValue(labelColumn), parse.GetValue(loss), parse.GetValue(lossParameter),
                parse.GetValue(columnMajor), parse.GetValue(plot));
            _ = CliOptions.ModelFormatOf("--model", request.Model);
            OutputFiles.RequireSvg("--plot", request.Plot);
            DataFiles.RequireOneTargetSource("--x", "--y", request.Y, request.LabelColumn);

            if (request.LossName is not null)
            {
                _ = CliOptions.ParseLoss(request.LossName, request.LossParameter);
            }

            OutputFiles.Check(
                parse.GetValue(force),
                [("--model", request.Model), ("--arch", CliOptions.ArchitectureFile(request.Arch)), ("--x", request.X), ("--y", request.Y)],
                [("--plot", request.Plot)]);
            return parse.GetValue(dtype) == "float64" ? Run<double>(context, request) : Run<float>(context, request);
        });
        return command;
    }

    private static int Run<T>(CliContext context, Request request)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = CliOptions.LoadModel<T>("--model", request.Model, request.Arch);
        var (xData, yData) = DataFiles.Read<T>("--x", request.X, "--y", request.Y, request.LabelColumn, request.ColumnMajor);
        using var x = xData;
        using var y = yData;
        var architecture = network.Architecture;
        var (loss, _) = CliOptions.ResolveLoss(request.LossName, request.LossParameter, architecture, y.Columns);

        var yOption = request.Y is null ? "--x" : "--y";
        var yPath = request.Y ?? $"{request.X} (--label-column {request.LabelColumn})";
        if (x.Columns != network.InputSize)
        {
            throw new CliException($"--x {request.X}: {CliOptions.Shape(x.Rows, x.Columns)} has {x.Columns} features per sample, but {request.Model} expects {network.InputSize}.");
        }

        if (y.Columns != loss.TargetColumns(network.OutputSize) || y.Rows != x.Rows)
        {
            throw new CliException(
                $"{yOption} {yPath}: {CliOptions.Shape(y.Rows, y.Columns)}; expected {x.Rows} rows (one per sample of --x) of " +
                (loss.TargetsAreClassIds ? "one class id" : $"{network.OutputSize} target{(network.OutputSize == 1 ? string.Empty : "s")}") + ".");
        }

        CliOptions.RequireFinite("--x", request.X, x.ReadOnlySpan, "evaluation needs finite values");
        CliOptions.RequireFinite(yOption, yPath, y.ReadOnlySpan, "evaluation needs finite values");
        Evaluation evaluation;
        try
        {
            evaluation = network.Evaluate(x.ReadOnlySpan, y.ReadOnlySpan, loss);
        }
        catch (ArgumentException ex)
        {
            // "y must hold …" → "--y y.npy: must hold …": the option and file, not the parameter's name.
            var message = Messages.WithoutParameter(ex);
            if (ex.ParamName is { } name && message.StartsWith(name + " ", StringComparison.Ordinal))
            {
                message = message[(name.Length + 1)..];
            }

            throw new CliException($"{yOption} {yPath}: {message}", ex.ParamName == "loss" ? CliApplication.BadArguments : CliApplication.Failure);
        }

        var o = context.Output;
        o.WriteLine($"model        {request.Model} ({architecture})");
        o.WriteLine($"samples      {x.Rows.ToString(CultureInfo.InvariantCulture)}");
        o.WriteLine($"loss         {Messages.Number(evaluation.Loss)} ({loss})");
        if (!Classification.IsClassification(loss))
        {
            if (request.Plot is not null)
            {
                throw new CliException($"--plot {request.Plot}: the confusion matrix needs a classifier (a sigmoid or softmax output); {request.Model} ends in {ActivationNames.GetName(architecture.OutputActivation)}.", CliApplication.BadArguments);
            }

            return CliApplication.Success;
        }

        var classes = Math.Max(2, network.OutputSize);
        var matrix = new long[classes, classes];
        using var predictions = network.Predict(x.ReadOnlySpan);
        var correct = 0;
        for (var r = 0; r < x.Rows; r++)
        {
            var actual = Classification.TargetClass(y.ReadOnlySpan.GetRowSpan(r), loss.TargetsAreClassIds);
            var score = Classification.ClassOf(predictions.ReadOnlySpan.GetRowSpan(r));
            if (double.IsNaN(score))
            {
                // Finite inputs can still overflow a badly trained model: say so rather than count a class for it.
                throw new CliException($"--model {request.Model}: its outputs for row {r} of --x {request.X} are NaN (the model overflows on this input), so there is no predicted class.");
            }

            var predicted = (int)score;
            matrix[actual, predicted]++;
            correct += actual == predicted ? 1 : 0;
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy     {(double)correct / x.Rows:P2} ({correct} of {x.Rows})"));
        o.Write(FormatConfusion(matrix));
        if (request.Plot is not null)
        {
            ConfusionFigure(matrix, $"{Path.GetFileName(request.Model)} on {Path.GetFileName(request.X)}: accuracy {((double)correct / x.Rows).ToString("P1", CultureInfo.InvariantCulture)}").Save(request.Plot);
            o.WriteLine($"wrote {request.Plot}");
        }

        return CliApplication.Success;
    }

    /// <summary>The counts, rows the true class and columns the predicted one, right-aligned.</summary>
    internal static string FormatConfusion(long[,] matrix)
    {
        var classes = matrix.GetLength(0);
        var width = Math.Max(classes.ToString(CultureInfo.InvariantCulture).Length, matrix.Cast<long>().Max().ToString(CultureInfo.InvariantCulture).Length) + 2;
        var text = new StringBuilder("confusion matrix (rows: true class, columns: predicted class)").AppendLine();
        text.Append(' ', 6);
        for (var c = 0; c < classes; c++)
        {
            text.Append(c.ToString(CultureInfo.InvariantCulture).PadLeft(width));
        }

        text.AppendLine();
        for (var r = 0; r < classes; r++)
        {
            text.Append(' ', 2).Append(r.ToString(CultureInfo.InvariantCulture).PadRight(4));
            for (var c = 0; c < classes; c++)
            {
                text.Append(matrix[r, c].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>Each true class's row as fractions of its samples (recall on the diagonal), white at 0 and darkest at 1.</summary>
    private static Figure ConfusionFigure(long[,] matrix, string title)
    {
        var classes = matrix.GetLength(0);
        var fractions = new double[classes, classes];
        for (var r = 0; r < classes; r++)
        {
            var total = 0L;
            for (var c = 0; c < classes; c++)
            {
                total += matrix[r, c];
            }

            for (var c = 0; c < classes; c++)
            {
                fractions[r, c] = total == 0 ? 0 : (double)matrix[r, c] / total;
            }
        }

        var figure = new Figure { Title = title };
        figure.Panels.Add(new Panel
        {
            Title = "Confusion matrix (fraction of each true class)",
            XLabel = "predicted class",
            YLabel = "true class",
            XMin = -0.5,
            XMax = classes - 0.5,
            YMin = -0.5,
            YMax = classes - 0.5,
            Series = { new HeatmapSeries(fractions, 0, classes - 1, 0, classes - 1) { ValueMin = 0, ValueMax = 1, Middle = 0, Contour = false } },
        });
        return figure;
    }

    private sealed record Request(string Model, string? Arch, string X, string? Y, string? LabelColumn, string? LossName, double? LossParameter, bool ColumnMajor, string? Plot);
}
