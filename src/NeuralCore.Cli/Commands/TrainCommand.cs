using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text;
using NeuralCore.Cli.Plotting;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore train</c>: trains an architecture on X/Y files and writes the model file. With <c>--init</c> it starts
/// from given weights (the swap-in case: the same starting point as a NumPy run); full-batch SGD with
/// <c>--shuffle false</c> then follows exactly the NumPy tutorials' equations.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var arch = CliOptions.RequiredPath("--arch", $"Architecture: a JSON file, or the JSON itself when it starts with '[': [{{\"input_dim\": 2, \"output_dim\": 4, \"activation\": \"relu\"}}, …]; activations: {ActivationNames.ValidNames} ({CliOptions.ActivationParameters}).");
        var x = CliOptions.RequiredPath("--x", "Features X (.npy or .csv), one row per sample (see --column-major); with --label-column, X and Y.");
        var y = CliOptions.OptionalPath("--y", "Targets Y (.npy or .csv), one row per sample; a 1-D .npy is one column. For a softmax output: one-hot rows, or one class id 0…C−1 per sample (sparse cross-entropy).");
        var labelColumn = DataFiles.LabelColumn();
        var valX = CliOptions.OptionalPath("--val-x", "Validation features: their loss and accuracy are shown per epoch and go into --history and --plot.");
        var valY = CliOptions.OptionalPath("--val-y", "Validation targets (shaped like --y; not needed with --label-column).");
        var valSplit = new Option<double?>("--val-split") { Description = "Hold out this fraction (0 < F < 1) of the samples for validation: seeded by --seed, stratified by class for classification." };
        var earlyStopping = new Option<int?>("--early-stopping") { Description = "Stop when the validation loss has not improved for this many epochs (≥ 1) and keep the best epoch's weights; needs validation data." };
        var init = CliOptions.OptionalPath("--init", $"Start from the weights in this model file ({ModelFile.SupportedExtensions}; a state_dict without metadata takes --arch) instead of a seeded initialisation.");
        var loss = CliOptions.Loss(required: false);
        var lossParameter = CliOptions.LossParameter();
        var optimizer = CliOptions.Optimizer();
        var lr = new Option<double>("--lr") { Description = "Learning rate (> 0).", Required = true };
        var momentum = new Option<double>("--momentum") { Description = "Momentum coefficient for --optimizer momentum.", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay λ (added to the gradient as λ·w); not for adamw, which has --decoupled-weight-decay.", DefaultValueFactory = _ => 0 };
        var decoupledWeightDecay = new Option<double?>("--decoupled-weight-decay") { Description = "AdamW's decoupled weight decay λ (w ← w·(1 − lr·λ) each step, outside the gradient; default 0.01). Only for adamw." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data (≥ 1).", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step; 0 (default) means the whole data set (full-batch, as in the NumPy tutorials)." };
        var seed = CliOptions.Seed();
        var dtype = CliOptions.DType();
        var shuffle = new Option<bool>("--shuffle") { Description = "Visit mini-batches in a new seeded order each epoch.", DefaultValueFactory = _ => true };
        var columnMajor = CliOptions.ColumnMajor();
        var output = CliOptions.RequiredPath("--out", $"Where to write the trained model, by extension: {ModelFile.SupportedExtensions}.");
        var history = CliOptions.OptionalPath("--history", "Write the per-epoch loss and accuracy (and validation figures) as CSV.");
        var plot = CliOptions.OptionalPath("--plot", "Write the loss and accuracy curves as SVG (the name must end in .svg).");
        var force = OutputFiles.Force();
        var threads = new Option<int>("--threads")
        {
            Description = "Most threads per step (≥ 1): large products, and large batches of the small nets, split across them. Deterministic for a given value.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command(
            "train",
            "Train a network on X/Y files and write the model file. Without --loss the output layer picks it: mse for linear, bce for sigmoid, ce for softmax (sparse_ce when Y holds one class id per sample).")
        {
            arch, x, y, labelColumn, valX, valY, valSplit, earlyStopping, init, loss, lossParameter, optimizer, lr, momentum, weightDecay, decoupledWeightDecay, epochs, batchSize, seed, dtype, shuffle,
            columnMajor, output, history, plot, force, threads,
        }.With(("neuralcore train --arch arch.json --x X.npy --y y.npy --optimizer adam --lr 0.01 --epochs 100 --out model.npz", "train from two files"),
                ("neuralcore train --arch '[{\"input_dim\": 64, \"output_dim\": 32, \"activation\": \"relu\"}, {\"input_dim\": 32, \"output_dim\": 10, \"activation\": \"softmax\"}]' --x digits.csv --label-column label --val-split 0.2 --early-stopping 10 --optimizer adam --lr 0.01 --epochs 200 --batch-size 32 --out digits.npz --plot digits.svg", "classes 0…9 in the 'label' column of one CSV, 20% held out, stop when validation stops improving"),
                ("neuralcore train --arch arch.json --x X.npy --y y.npy --init start.npz --loss bce --optimizer sgd --lr 0.1 --epochs 20 --shuffle false --out model.npz --force", "continue from given weights with full-batch SGD; replace model.npz"));
        command.SetAction(parse =>
        {
            var request = new Request(
                parse.GetValue(arch)!, parse.GetValue(x)!, parse.GetValue(y), parse.GetValue(labelColumn), parse.GetValue(valX), parse.GetValue(valY), parse.GetValue(valSplit),
                parse.GetValue(earlyStopping), parse.GetValue(init), parse.GetValue(loss), parse.GetValue(lossParameter),
                parse.GetValue(optimizer), parse.GetValue(lr), parse.GetValue(momentum), parse.GetValue(weightDecay), parse.GetValue(decoupledWeightDecay), parse.GetValue(epochs),
                parse.GetValue(batchSize), parse.GetValue(seed), parse.GetValue(shuffle), parse.GetValue(columnMajor), parse.GetValue(output)!,
                parse.GetValue(history), parse.GetValue(plot), parse.GetValue(threads));
            request.Validate();
            OutputFiles.Check(
                parse.GetValue(force),
                [("--arch", CliOptions.ArchitectureFile(request.Arch)), ("--x", request.X), ("--y", request.Y), ("--val-x", request.ValX), ("--val-y", request.ValY), ("--init", request.Init)],
                [("--out", request.Out), ("--history", request.History), ("--plot", request.Plot)]);
            return parse.GetValue(dtype) == "float64" ? Run<double>(context, request) : Run<float>(context, request);
        });
        return command;
    }

    private static int Run<T>(CliContext context, Request request)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var architecture = CliOptions.ReadArchitecture(request.Arch);
        var (xAll, yAll) = DataFiles.Read<T>("--x", request.X, "--y", request.Y, request.LabelColumn, request.ColumnMajor);
        using var xOwner = xAll;
        using var yOwner = yAll;
        var lossChoice = ResolveLoss(context, request, architecture, yAll.Columns);
        CheckData("--x", request.X, request.Y is null ? "--label-column" : "--y", request.Y ?? $"{request.LabelColumn} of {request.X}", lossChoice, architecture, xAll, yAll);

        Matrix<T>? trainX = null, trainY = null, validationX = null, validationY = null;
        try
        {
            if (request.ValX is not null)
            {
                (validationX, validationY) = DataFiles.Read<T>("--val-x", request.ValX, "--val-y", request.ValY, request.LabelColumn, request.ColumnMajor);
                CheckData("--val-x", request.ValX, request.ValY is null ? "--label-column" : "--val-y", request.ValY ?? $"{request.LabelColumn} of {request.ValX}", lossChoice, architecture, validationX, validationY);
            }
            else if (request.ValSplit is { } fraction)
            {
                var classIds = lossChoice.TargetsAreClassIds;
                var targets = yAll;
                Func<int, int>? classOf = Classification.IsClassification(lossChoice) ? r => Classification.TargetClass(targets.ReadOnlySpan.GetRowSpan(r), classIds) : null;
                (trainX, trainY, validationX, validationY) = DataFiles.Split(xAll.ReadOnlySpan, yAll.ReadOnlySpan, fraction, request.Seed, classOf);
                context.Output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"validation: {validationX.Rows} of {xAll.Rows} samples held out (--val-split {fraction}, seed {request.Seed}{(classOf is null ? string.Empty : ", the same fraction of each class")})"));
            }

            return Train(context, request, architecture, lossChoice, trainX ?? xAll, trainY ?? yAll, validationX, validationY);
        }
        finally
        {
            trainX?.Dispose();
            trainY?.Dispose();
            validationX?.Dispose();
            validationY?.Dispose();
        }
    }

    /// <summary>
    /// The loss: <c>--loss</c>, or the output layer's default; cross-entropy on targets of one class id per sample
    /// (softmax with several outputs) is sparse cross-entropy, said so on the output.
    /// </summary>
    private static Loss ResolveLoss(CliContext context, Request request, NetworkArchitecture architecture, int targetColumns)
    {
        var (loss, fromClassIds) = CliOptions.ResolveLoss(request.LossName, request.LossParameter, architecture, targetColumns);
        if (fromClassIds)
        {
            context.Output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"loss: sparse_ce (the targets are one class id per sample for {architecture.OutputSize} softmax outputs)"));
        }
        else if (request.LossName is null)
        {
            context.Output.WriteLine($"loss: {loss} (the default for a {ActivationNames.GetName(architecture.OutputActivation)} output; choose another with --loss)");
        }

        return loss;
    }

    private static int Train<T>(
        CliContext context, Request request, NetworkArchitecture architecture, Loss loss, Matrix<T> x, Matrix<T> y, Matrix<T>? validationX, Matrix<T>? validationY)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = request.Init is null
            ? new NeuralNetwork<T>(architecture, Initialization.He(request.Seed))
            : CliOptions.LoadModel<T>("--init", request.Init, request.Arch);
        if (!network.Architecture.Equals(architecture))
        {
            throw new CliException($"--init {request.Init}: its architecture ({network.Architecture}) differs from --arch ({architecture}).");
        }

        var options = new TrainingOptions(loss, request.CreateOptimizer())
        {
            Epochs = request.Epochs,
            BatchSize = request.BatchSize == 0 ? x.Rows : request.BatchSize,
            Shuffle = request.Shuffle,
            Seed = request.Seed,
            Compute = new ComputeOptions(null, request.Threads),
            EarlyStopping = request.EarlyStopping is { } patience ? new EarlyStopping(patience) : null,
        };

        Trainer<T> trainer;
        try
        {
            trainer = new Trainer<T>(network, options);
        }
        catch (ArgumentException ex)
        {
            // The loss does not fit the output activation, or an optimizer setting is out of range: an argument problem,
            // said with the options the user typed rather than the library's property names.
            throw new CliException(OptionNames(Messages.WithoutParameter(ex)), CliApplication.BadArguments);
        }

        using (trainer)
        {
            context.Output.WriteLine(network.Summary());
            TrainingHistory result;
            try
            {
                result = TrainingProgress.Run(
                    context,
                    $"{architecture} on {Path.GetFileName(request.X)}",
                    request.Epochs,
                    onEpoch => validationX is null
                        ? trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, default, default, onEpoch)
                        : trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, validationX.ReadOnlySpan, validationY!.ReadOnlySpan, onEpoch),
                    showAccuracy: Classification.IsClassification(loss));
            }
            catch (ArgumentException ex)
            {
                throw new CliException(DataMessage(request, ex));
            }
            catch (TrainingDivergedException ex)
            {
                throw new CliException($"training failed, nothing was written: {ex.Message}");
            }

            if (request.EarlyStopping is { } stopAfter)
            {
                var best = result.BestEpoch - 1;
                context.Output.WriteLine(
                    (result.StoppedEarly
                        ? $"early stopping: stopped after epoch {result.Count}, the validation loss not having improved for {stopAfter} epochs"
                        : $"early stopping: ran all {result.Count} epochs")
                    + $"; the model keeps the weights of epoch {result.BestEpoch} (validation loss {Messages.Number(result.ValidationLoss[best])})");
            }

            ModelFile.Save(network, request.Out);
            context.Output.WriteLine($"wrote {request.Out}");
            if (request.History is not null)
            {
                AtomicFile.WriteAllText(request.History, FormatHistory(result));
                context.Output.WriteLine($"wrote {request.History}");
            }

            if (request.Plot is not null)
            {
                HistoryFigure(result, $"{architecture}").Save(request.Plot);
                context.Output.WriteLine($"wrote {request.Plot}");
            }
        }

        return CliApplication.Success;
    }

    /// <summary>The library's names for the training settings (<c>options.Optimizer.WeightDecay</c>, <c>AdamW</c>) as this command's options.</summary>
    internal static string OptionNames(string message)
    {
        // Longest first: DecoupledWeightDecay contains WeightDecay.
        (string Library, string Cli)[] names =
        [
            ("options.Optimizer.DecoupledWeightDecay", "--decoupled-weight-decay"), ("options.Optimizer.WeightDecay", "--weight-decay"),
            ("options.Optimizer.LearningRate", "--lr"), ("options.Optimizer.Momentum", "--momentum"), ("options.Optimizer.", "--optimizer "),
            ("options.BatchSize", "--batch-size"), ("options.Epochs", "--epochs"),
            ("DecoupledWeightDecay", "--decoupled-weight-decay"), ("WeightDecay", "--weight-decay"), ("LearningRate", "--lr"), ("AdamW", "adamw"),
        ];
        var text = new StringBuilder(message);
        foreach (var (library, cli) in names)
        {
            text.Replace(library, cli);
        }

        return text.ToString();
    }

    /// <summary>A data problem the trainer found, with the option and file it came from instead of the parameter name.</summary>
    private static string DataMessage(Request request, ArgumentException ex)
    {
        var source = ex.ParamName switch
        {
            "x" => $"--x {request.X}",
            "y" => request.Y is null ? $"--x {request.X} (--label-column {request.LabelColumn})" : $"--y {request.Y}",
            "validationX" => request.ValX is null ? "the --val-split rows" : $"--val-x {request.ValX}",
            "validationY" => request.ValX is null ? "the --val-split rows" : request.ValY is null ? $"--val-x {request.ValX} (--label-column {request.LabelColumn})" : $"--val-y {request.ValY}",
            _ => null,
        };
        var message = Messages.WithoutParameter(ex);
        if (source is null)
        {
            return message;
        }

        // "y must hold …" → "--y y.npy: must hold …"
        var name = ex.ParamName!;
        return message.StartsWith(name + " ", StringComparison.Ordinal) ? $"{source}: {message[(name.Length + 1)..]}" : $"{source}: {message}";
    }

    private static void CheckData<T>(string xOption, string xPath, string yOption, string yPath, Loss loss, NetworkArchitecture architecture, Matrix<T> x, Matrix<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Columns != architecture.InputSize)
        {
            throw new CliException(
                $"{xOption} {xPath}: {CliOptions.Shape(x.Rows, x.Columns)} has {x.Columns} features per sample, but the first layer of --arch takes input_dim = {architecture.InputSize}" +
                (x.Rows == architecture.InputSize ? " (the file looks like features × samples: add --column-major)." : "."));
        }

        if (y.Columns != loss.TargetColumns(architecture.OutputSize))
        {
            throw new CliException(
                $"{yOption} {yPath}: {CliOptions.Shape(y.Rows, y.Columns)} has {y.Columns} targets per sample, but " +
                (loss.TargetsAreClassIds
                    ? $"--loss {loss} takes one class id per sample."
                    : $"the last layer of --arch has output_dim = {architecture.OutputSize}."));
        }

        if (x.Rows != y.Rows)
        {
            throw new CliException($"{xOption} {xPath} has {x.Rows} samples but {yOption} {yPath} has {y.Rows}.");
        }

        if (x.Rows == 0)
        {
            throw new CliException($"{xOption} {xPath}: no samples.");
        }

        CliOptions.RequireFinite(xOption, xPath, x.ReadOnlySpan, "training needs finite values");
        CliOptions.RequireFinite(yOption, yPath, y.ReadOnlySpan, "training needs finite values");
    }

    internal static string FormatHistory(TrainingHistory history)
    {
        var validation = history.ValidationLoss.Count > 0;
        var text = new StringBuilder(validation ? "epoch,loss,accuracy,val_loss,val_accuracy\n" : "epoch,loss,accuracy\n");
        for (var e = 0; e < history.Count; e++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{e + 1},{history.Loss[e]:R},{history.Accuracy[e]:R}");
            if (validation)
            {
                text.Append(CultureInfo.InvariantCulture, $",{history.ValidationLoss[e]:R},{history.ValidationAccuracy[e]:R}");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    internal static Figure HistoryFigure(TrainingHistory history, string title)
    {
        var figure = new Figure { Title = title };
        figure.Panels.Add(TrainingPlots.LossPanel(history, "loss"));
        figure.Panels.Add(TrainingPlots.AccuracyPanel(history));
        return figure;
    }

    private sealed record Request(
        string Arch, string X, string? Y, string? LabelColumn, string? ValX, string? ValY, double? ValSplit, int? EarlyStopping, string? Init, string? LossName, double? LossParameter,
        OptimizerKind Optimizer, double LearningRate, double Momentum, double WeightDecay, double? DecoupledWeightDecay,
        int Epochs, int BatchSize, ulong Seed, bool Shuffle, bool ColumnMajor, string Out, string? History, string? Plot, int Threads)
    {
        public void Validate()
        {
            if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            {
                throw new CliException($"--lr must be a finite number > 0; got {Messages.Number(LearningRate)}.", CliApplication.BadArguments);
            }

            if (Epochs < 1)
            {
                throw new CliException($"--epochs must be ≥ 1; got {Epochs} (an untrained model is not a training result; to change a model's format use 'neuralcore convert').", CliApplication.BadArguments);
            }

            if (BatchSize < 0)
            {
                throw new CliException($"--batch-size must be ≥ 1 (or 0 for the whole data set); got {BatchSize}.", CliApplication.BadArguments);
            }

            if (Threads < 1)
            {
                throw new CliException($"--threads must be ≥ 1; got {Threads}.", CliApplication.BadArguments);
            }

            if (ValSplit is { } split && !(split > 0 && split < 1))
            {
                throw new CliException($"--val-split must be a fraction between 0 and 1 (exclusive); got {Messages.Number(split)}.", CliApplication.BadArguments);
            }

            if (ValSplit is not null && ValX is not null)
            {
                throw new CliException("--val-split and --val-x both give validation data; use one of them.", CliApplication.BadArguments);
            }

            if (ValY is not null && ValX is null)
            {
                throw new CliException("--val-y needs --val-x (the validation features).", CliApplication.BadArguments);
            }

            if (ValX is not null && ValY is null && LabelColumn is null)
            {
                throw new CliException("--val-x needs --val-y (the validation targets), or --label-column to take them from --val-x.", CliApplication.BadArguments);
            }

            DataFiles.RequireOneTargetSource("--x", "--y", Y, LabelColumn);

            if (EarlyStopping is { } patience)
            {
                if (patience < 1)
                {
                    throw new CliException($"--early-stopping must be ≥ 1 (epochs without improvement); got {patience}.", CliApplication.BadArguments);
                }

                if (ValX is null && ValSplit is null)
                {
                    throw new CliException("--early-stopping watches the validation loss: give validation data with --val-split F or --val-x/--val-y.", CliApplication.BadArguments);
                }
            }

            _ = CliOptions.ModelFormatOf("--out", Out);
            if (Init is not null)
            {
                _ = CliOptions.ModelFormatOf("--init", Init);
            }

            OutputFiles.RequireSvg("--plot", Plot);
            if (LossName is not null)
            {
                _ = CliOptions.ParseLoss(LossName, LossParameter);
            }
        }

        /// <summary>
        /// The kind's factory (its defaults), then the two decays as given: the library rejects L2 for adamw and a
        /// decoupled decay for the others, and that message reaches the user as a bad argument.
        /// </summary>
        public NeuralCore.Optimizer CreateOptimizer()
        {
            // The library's one kind → factory mapping; only momentum's μ comes from its own option.
            var optimizer = NeuralCore.Optimizer.Create(Optimizer, LearningRate);
            if (Optimizer == OptimizerKind.Momentum)
            {
                optimizer = optimizer with { Momentum = Momentum };
            }

            return optimizer with { WeightDecay = WeightDecay, DecoupledWeightDecay = DecoupledWeightDecay ?? optimizer.DecoupledWeightDecay };
        }
    }
}
