using System.CommandLine;
using NeuralCore.Cli.Demos;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore demo [celsius|moons|autoencoder] [--out DIR] [--seed N] [--epochs N]</c>: trains one of the seed
/// examples, prints its progress and final figures, and writes its plot (SVG) and trained model (.npz) to DIR.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The seed used without <c>--seed</c>.</summary>
    public const int DefaultSeed = 2;

    /// <summary>The folder used without <c>--out</c>.</summary>
    public const string DefaultFolder = "neuralcore-demo";

    private static readonly string[] s_demos = ["celsius", "moons", "autoencoder"];

    public static Command Create(CliContext context)
    {
        var demo = new Argument<string>("demo")
        {
            Description = "Which tutorial example: celsius (one neuron), moons (2-4-6-6-4-1 classifier) or autoencoder (8-3-8-8).",
            DefaultValueFactory = _ => "moons",
        };
        demo.Validators.Add(result =>
        {
            var name = result.GetValueOrDefault<string>();
            if (!s_demos.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                result.AddError($"demo must be one of {string.Join(", ", s_demos)}; got '{name}'.");
            }
        });
        var folder = new Option<string>("--out")
        {
            Description = "The folder for the plot and the model (created if missing).",
            DefaultValueFactory = _ => DefaultFolder,
        };
        folder.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--out must name a folder; got an empty value.");
            }
        });
        var seed = new Option<int>("--seed")
        {
            Description = "The seed of the data, the initial weights and the batch order (≥ 0).",
            DefaultValueFactory = _ => DefaultSeed,
        };
        var epochs = new Option<int?>("--epochs") { Description = "Override the demo's epoch count (≥ 0; 0 shows the untrained network)." };
        var force = OutputFiles.Force();

        var command = new Command(
            "demo",
            "Train one of the classic examples (celsius, moons or autoencoder), print its metrics and write its plot (DEMO.svg) and model (DEMO.npz) to the --out folder.")
        {
            demo,
            folder,
            seed,
            epochs,
            force,
        }.With(("neuralcore demo", "the moons classifier, into ./neuralcore-demo"),
                ("neuralcore demo celsius --out plots --epochs 20", "one neuron learns °F = 1.8·°C + 32 in 20 epochs"),
                ("neuralcore demo autoencoder --seed 7 --force", "another seed; replace the files of an earlier run"));
        command.SetAction(parse =>
        {
            // Range checks here rather than in validators: a validator would also run on a value that failed to
            // parse as a number, and reading it there throws instead of reporting.
            var seedValue = parse.GetValue(seed);
            if (seedValue < 0)
            {
                throw new CliException($"--seed must be ≥ 0; got {seedValue}.", CliApplication.BadArguments);
            }

            var epochsValue = parse.GetValue(epochs);
            if (epochsValue < 0)
            {
                throw new CliException($"--epochs must be ≥ 0; got {epochsValue}.", CliApplication.BadArguments);
            }

            var options = new DemoOptions(seedValue, epochsValue);
            var name = parse.GetValue(demo)!.ToLowerInvariant();
            var folderPath = parse.GetValue(folder) ?? DefaultFolder;
            OutputFiles.Check(parse.GetValue(force), [], [("--out", Path.Combine(folderPath, name + ".svg")), ("--out", Path.Combine(folderPath, name + ".npz"))]);
            var output = DemoOutput.Create(folderPath);
            switch (name)
            {
                case "celsius":
                    CelsiusDemo.Run(context, options, output);
                    break;
                case "autoencoder":
                    AutoencoderDemo.Run(context, options, output);
                    break;
                case "moons":
                    MoonsDemo.Run(context, options, output);
                    break;
                default:
                    throw new InvalidOperationException($"Demo '{name}' has no runner (the argument's accepted values and this switch disagree).");
            }

            foreach (var path in output.Written)
            {
                context.Output.WriteLine($"wrote {path}");
            }

            return CliApplication.Success;
        });
        return command;
    }
}
