using System.CommandLine;
using System.Numerics;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore gradcheck</c>: compares backpropagation with central differences on seeded random data for an
/// architecture, prints the largest relative error per layer, and exits 0 only within tolerance.
/// </summary>
internal static class GradcheckCommand
{
    public static Command Create(CliContext context)
    {
        var arch = CliOptions.RequiredPath("--arch", "Architecture: a JSON file, or the JSON itself when it starts with '['.");
        var loss = CliOptions.Loss(required: false);
        var lossParameter = CliOptions.LossParameter();
        var seed = CliOptions.Seed();
        var samples = new Option<int>("--samples") { Description = "Rows of random data.", DefaultValueFactory = _ => 8 };
        var maxPerLayer = new Option<int>("--max-per-layer") { Description = "Check at most this many weights and biases per layer (a seeded sample); 0 checks all.", DefaultValueFactory = _ => 200 };
        var dtype = CliOptions.Choice("--dtype", "float64 (default; tolerance 1e-6) or float32 (tolerance 1e-2).", "float64", "float32", "float64");
        var command = new Command("gradcheck", "Check backpropagation against central differences for an architecture.") { arch, loss, lossParameter, seed, samples, maxPerLayer, dtype }
            .With(("neuralcore gradcheck --arch arch.json", "float64, the output layer's loss, 8 random samples"),
                ("neuralcore gradcheck --arch '[{\"input_dim\": 3, \"output_dim\": 4, \"activation\": \"softmax\"}]' --loss sparse_ce --dtype float32", "inline JSON, class-id targets, float32 tolerance"));
        command.SetAction(parse =>
        {
            var architecture = CliOptions.ReadArchitecture(parse.GetValue(arch)!);
            var lossName = parse.GetValue(loss);
            var chosen = lossName is null ? Loss.DefaultFor(architecture.OutputActivation) : CliOptions.ParseLoss(lossName, parse.GetValue(lossParameter));
            var rows = parse.GetValue(samples);
            if (rows < 1)
            {
                throw new CliException($"--samples must be ≥ 1; got {rows}.", CliApplication.BadArguments);
            }

            var max = parse.GetValue(maxPerLayer);
            if (max < 0)
            {
                throw new CliException($"--max-per-layer must be ≥ 0; got {max}.", CliApplication.BadArguments);
            }

            return parse.GetValue(dtype) == "float32"
                ? Run<float>(context, architecture, chosen, parse.GetValue(seed), rows, max, 1e-2)
                : Run<double>(context, architecture, chosen, parse.GetValue(seed), rows, max, 1e-6);
        });
        return command;
    }

    private static int Run<T>(CliContext context, NetworkArchitecture architecture, Loss loss, ulong seed, int rows, int maxPerLayer, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = new NeuralNetwork<T>(architecture, Initialization.Xavier(seed) with { Bias = BiasInitialization.SmallNormal });
        using var x = new Matrix<T>(rows, architecture.InputSize);
        using var y = new Matrix<T>(rows, loss.TargetColumns(architecture.OutputSize));
        FillData(network, x, y, loss, seed);

        GradientCheckResult result;
        try
        {
            result = GradientCheck.Run(network, loss, x.ReadOnlySpan, y.ReadOnlySpan, new GradientCheckOptions { MaxParametersPerLayer = maxPerLayer, Seed = seed });
        }
        catch (ArgumentException ex)
        {
            throw new CliException(Messages.WithoutParameter(ex), CliApplication.BadArguments);
        }

        context.Output.WriteLine($"gradient check: {architecture}, loss {loss}, {(typeof(T) == typeof(double) ? "float64" : "float32")}, {rows} samples, seed {seed}");
        foreach (var l in result.Layers)
        {
            // The library's ToString writes .NET exponents (2.49E-009); the CLI writes them as people do (2.49e-9).
            context.Output.WriteLine(
                $"layer {l.Layer}: max relative error {Messages.Number(l.MaxRelativeError)} (weights {Messages.Number(l.MaxWeightError)} over {l.WeightsChecked}, biases {Messages.Number(l.MaxBiasError)} over {l.BiasesChecked})");
        }

        var pass = result.MaxRelativeError <= tolerance;
        context.Output.WriteLine($"{(pass ? "PASS" : "FAIL")}: largest relative error {Messages.Number(result.MaxRelativeError)} (tolerance {Messages.Number(tolerance)})");
        return pass ? CliApplication.Success : CliApplication.Failure;
    }

    private static void FillData<T>(NeuralNetwork<T> network, Matrix<T> x, Matrix<T> y, Loss loss, ulong seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(unchecked((int)seed) ^ 0x5EED);
        var xs = x.DangerousGetStorage();
        for (var i = 0; i < xs.Length; i++)
        {
            xs[i] = T.CreateTruncating((random.NextDouble() * 2) - 1);
        }

        if (loss.Kind == LossKind.Huber)
        {
            // At |a − y| = δ Huber is only once differentiable: a difference stencil straddling it is off by O(h),
            // so the targets sit δ/4 to 3δ/4 or 3δ/2 to 3δ from the outputs (both parts, neither edge).
            network.Predict(x.ReadOnlySpan, y.Span);
            foreach (ref var value in y.DangerousGetStorage())
            {
                var offset = random.Next(2) == 0 ? 0.25 + (0.5 * random.NextDouble()) : 1.5 + (1.5 * random.NextDouble());
                value += T.CreateTruncating((random.Next(2) == 0 ? -1 : 1) * offset * loss.Parameter);
            }

            return;
        }

        for (var r = 0; r < y.Rows; r++)
        {
            var row = y.Span.GetRowSpan(r);
            switch (loss.Kind)
            {
                case LossKind.CrossEntropy:
                    row.Clear();
                    row[random.Next(row.Length)] = T.One;
                    break;
                case LossKind.SparseCrossEntropy:
                    row[0] = T.CreateTruncating(random.Next(network.OutputSize));
                    break;
                case LossKind.BinaryCrossEntropy:
                    for (var j = 0; j < row.Length; j++)
                    {
                        row[j] = random.Next(2) == 0 ? T.Zero : T.One;
                    }

                    break;
                case LossKind.MeanSquaredError:
                    for (var j = 0; j < row.Length; j++)
                    {
                        row[j] = T.CreateTruncating((random.NextDouble() * 2) - 1);
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(loss), loss, "No random targets for this loss.");
            }
        }
    }
}
