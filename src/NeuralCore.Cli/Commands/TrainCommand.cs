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
/// <c>--shuffle false</c> then follows exactly the seeds' equations.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var arch = CliOptions.RequiredPath("--arch", $"Architecture JSON: [{{\"input_dim\": 2, \"output_dim\": 4, \"activation\": \"relu\"}}, …]; activations: {ActivationNames.ValidNames} ({CliOptions.ActivationParameters}).");
        var x = CliOptions.RequiredPath("--x", "Features X (.npy or .csv), one row per sample (see --column-major).");
        var y = CliOptions.RequiredPath("--y", "Targets Y (.npy or .csv), one row per sample; a 1-D .npy is one column.");
        var init = CliOptions.OptionalPath("--init", $"Start from the weights in this model file ({ModelFile.SupportedExtensions}; a state_dict without metadata takes --arch) instead of a seeded initialisation.");
        var loss = CliOptions.Loss(required: true);
        var lossParameter = CliOptions.LossParameter();
        var optimizer = CliOptions.Optimizer();
        var lr = new Option<double>("--lr") { Description = "Learning rate (> 0).", Required = true };
        var momentum = new Option<double>("--momentum") { Description = "Momentum coefficient for --optimizer momentum.", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay λ (added to the gradient as λ·w); not for adamw, which has --decoupled-weight-decay.", DefaultValueFactory = _ => 0 };
        var decoupledWeightDecay = new Option<double?>("--decoupled-weight-decay") { Description = "AdamW's decoupled weight decay λ (w ← w·(1 − lr·λ) each step, outside the gradient; default 0.01). Only for adamw." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data (≥ 0).", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step; 0 (default) means the whole data set (full-batch, as in the seeds)." };
        var seed = CliOptions.Seed();
        var dtype = CliOptions.DType();
        var shuffle = new Option<bool>("--shuffle") { Description = "Visit mini-batches in a new seeded order each epoch.", DefaultValueFactory = _ => true };
        var columnMajor = CliOptions.ColumnMajor();
        var output = CliOptions.RequiredPath("--out", $"Where to write the trained model, by extension: {ModelFile.SupportedExtensions}.");
        var history = CliOptions.OptionalPath("--history", "Write the per-epoch loss and accuracy as CSV.");
        var plot = CliOptions.OptionalPath("--plot", "Write the loss and accuracy curves as SVG.");
        var threads = new Option<int>("--threads")
        {
            Description = "Most threads per step (≥ 1): large products, and large batches of the seed-sized nets, split across them. Deterministic for a given value.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("train", "Train a network on X/Y files and write the model file.")
        {
            arch, x, y, init, loss, lossParameter, optimizer, lr, momentum, weightDecay, decoupledWeightDecay, epochs, batchSize, seed, dtype, shuffle, columnMajor, output, history, plot, threads,
        };
        command.SetAction(parse =>
        {
            var request = new Request(
                parse.GetValue(arch)!, parse.GetValue(x)!, parse.GetValue(y)!, parse.GetValue(init), CliOptions.ParseLoss(parse.GetValue(loss)!, parse.GetValue(lossParameter)),
                parse.GetValue(optimizer), parse.GetValue(lr), parse.GetValue(momentum), parse.GetValue(weightDecay), parse.GetValue(decoupledWeightDecay), parse.GetValue(epochs),
                parse.GetValue(batchSize), parse.GetValue(seed), parse.GetValue(shuffle), parse.GetValue(columnMajor), parse.GetValue(output)!,
                parse.GetValue(history), parse.GetValue(plot), parse.GetValue(threads));
            request.Validate();
            return parse.GetValue(dtype) == "float64" ? Run<double>(context, request) : Run<float>(context, request);
        });
        return command;
    }

    private static int Run<T>(CliContext context, Request request)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var architecture = CliOptions.ReadArchitecture(request.Arch);
        using var x = CliOptions.ReadMatrix<T>(request.X, request.ColumnMajor);
        using var y = CliOptions.ReadMatrix<T>(request.Y, request.ColumnMajor);
        CheckData(request, architecture, x, y);

        using var network = request.Init is null
            ? new NeuralNetwork<T>(architecture, Initialization.He(request.Seed))
            : CliOptions.LoadModel<T>("--init", request.Init, request.Arch);
        if (!network.Architecture.Equals(architecture))
        {
            throw new CliException($"--init {request.Init}: its architecture ({network.Architecture}) differs from --arch {request.Arch} ({architecture}).");
        }

        var options = new TrainingOptions(request.Loss, request.CreateOptimizer())
        {
            Epochs = request.Epochs,
            BatchSize = request.BatchSize == 0 ? x.Rows : request.BatchSize,
            Shuffle = request.Shuffle,
            Seed = request.Seed,
            Compute = new ComputeOptions(null, request.Threads),
        };

        Trainer<T> trainer;
        try
        {
            trainer = new Trainer<T>(network, options);
        }
        catch (ArgumentException ex)
        {
            // The loss does not fit the output activation, or an optimizer setting is out of range: an argument problem.
            throw new CliException(ex.Message, CliApplication.BadArguments);
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
                    onEpoch => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, default, default, onEpoch),
                    showAccuracy: request.Loss.RequiredOutput is not null); // the classification losses (sigmoid or softmax outputs)
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"{request.X}/{request.Y}: {ex.Message}");
            }
            catch (TrainingDivergedException ex)
            {
                throw new CliException($"training failed, nothing was written: {ex.Message}");
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

    private static void CheckData<T>(Request request, NetworkArchitecture architecture, Matrix<T> x, Matrix<T> y)
        where T : unmanaged
    {
        if (x.Columns != architecture.InputSize)
        {
            throw new CliException(
                $"--x {request.X}: {CliOptions.Shape(x.Rows, x.Columns)} has {x.Columns} features per sample, but the first layer of {request.Arch} takes input_dim = {architecture.InputSize}" +
                (x.Rows == architecture.InputSize ? " (the file looks like features × samples: add --column-major)." : "."));
        }

        if (y.Columns != request.Loss.TargetColumns(architecture.OutputSize))
        {
            throw new CliException(
                $"--y {request.Y}: {CliOptions.Shape(y.Rows, y.Columns)} has {y.Columns} targets per sample, but " +
                (request.Loss.TargetsAreClassIds
                    ? $"--loss {request.Loss} takes one class id per sample."
                    : $"the last layer of {request.Arch} has output_dim = {architecture.OutputSize}."));
        }

        if (x.Rows != y.Rows)
        {
            throw new CliException($"--x {request.X} has {x.Rows} samples but --y {request.Y} has {y.Rows}.");
        }

        if (x.Rows == 0)
        {
            throw new CliException($"--x {request.X}: no samples.");
        }
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
        string Arch, string X, string Y, string? Init, Loss Loss, OptimizerKind Optimizer, double LearningRate, double Momentum, double WeightDecay, double? DecoupledWeightDecay,
        int Epochs, int BatchSize, ulong Seed, bool Shuffle, bool ColumnMajor, string Out, string? History, string? Plot, int Threads)
    {
        public void Validate()
        {
            if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--lr must be a finite number > 0; got {LearningRate}."), CliApplication.BadArguments);
            }

            if (Epochs < 0)
            {
                throw new CliException($"--epochs must be ≥ 0; got {Epochs}.", CliApplication.BadArguments);
            }

            if (BatchSize < 0)
            {
                throw new CliException($"--batch-size must be ≥ 1 (or 0 for the whole data set); got {BatchSize}.", CliApplication.BadArguments);
            }

            if (Threads < 1)
            {
                throw new CliException($"--threads must be ≥ 1; got {Threads}.", CliApplication.BadArguments);
            }

            _ = CliOptions.ModelFormatOf("--out", Out);
            if (Init is not null)
            {
                _ = CliOptions.ModelFormatOf("--init", Init);
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
