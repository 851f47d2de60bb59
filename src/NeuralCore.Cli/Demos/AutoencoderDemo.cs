using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NeuralCore.Cli.Plotting;

namespace NeuralCore.Cli.Demos;

/// <summary>
/// The autoencoder tutorial: an autoencoder n → k → n → n (sigmoid, sigmoid, linear) with mean squared error, here 8 → 3 → 8 → 8.
/// </summary>
/// <remarks>
/// <para>The data are "waves": each sample is a sinusoid sampled at 8 evenly spaced points,
/// <c>x_j = c + a·sin(2πj/8 + φ) + ε</c> with offset c ~ U(0.35, 0.65), amplitude a ~ U(0.1, 0.35), phase
/// φ ~ U(0, 2π) and noise ε ~ N(0, 0.02²). Since a·sin(θ + φ) = (a cos φ)·sin θ + (a sin φ)·cos θ, every sample is
/// an exact combination of three patterns (constant, sine, cosine) plus noise: rank 3, so a 3-unit bottleneck can
/// carry it, and the bars of input and reconstruction show recognisable shapes.</para>
/// <para>The figures are per-value mean squared errors, <c>mean over samples and features of (x̂ − x)²</c>; the
/// library's loss is ½·Σ over features (as in the autoencoder tutorial), i.e. n/2 times that. Besides before/after the demo prints the error
/// of always answering the per-feature mean, so a reader can see the net learned the waves, not just their average.</para>
/// </remarks>
internal static class AutoencoderDemo
{
    public const int DefaultEpochs = 150;

    private const int Features = 8;
    private const int Code = 3;
    private const int Samples = 1000;
    private const int TestSamples = 200;
    private const int ShownSamples = 3;

    public static void Run(CliContext context, DemoOptions options, DemoOutput output)
    {
        var epochs = options.EpochsOr(DefaultEpochs);
        using var data = Waves(options.Seed);
        const int TrainSamples = Samples - TestSamples;

        var architecture = new NetworkArchitecture(
            new LayerSpec(Features, Code, Activation.Sigmoid),
            new LayerSpec(Code, Features, Activation.Sigmoid),
            new LayerSpec(Features, Features, Activation.Linear));
        using var network = new NeuralNetwork<float>(architecture, Initialization.Xavier(options.InitializationSeed));
        var training = new TrainingOptions(Loss.MeanSquaredError, Optimizer.Adam(0.01)) { Epochs = epochs, BatchSize = 32, Seed = options.ShuffleSeed };
        using var trainer = new Trainer<float>(network, training);

        var test = data.ReadOnlySpan.SliceRows(TrainSamples, TestSamples);
        var before = PerValue(trainer.Evaluate(test, test).Loss);
        var mean = MeanBaseline(data.ReadOnlySpan.SliceRows(0, TrainSamples), test);
        var history = DemoTraining.Run(context, "autoencoder 8-3-8-8", epochs, report => trainer.Fit(
            data.ReadOnlySpan.SliceRows(0, TrainSamples),
            data.ReadOnlySpan.SliceRows(0, TrainSamples),
            data.ReadOnlySpan.SliceRows(TrainSamples, TestSamples),
            data.ReadOnlySpan.SliceRows(TrainSamples, TestSamples),
            report), showAccuracy: false);
        var after = PerValue(trainer.Evaluate(test, test).Loss);

        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"reconstruction MSE on {TestSamples} held-out samples: before {Messages.Number(before, 4)}, after {Messages.Number(after, 4)} ({before / after:F1}× lower); predicting the mean would give {Messages.Number(mean, 4)}, the added noise has variance {Messages.Number(0.02 * 0.02, 4)}"));

        output.Save(Plot(network, history, test, before, after), "autoencoder.svg");
        output.Save(network, "autoencoder.npz");
    }

    /// <summary>The library's ½·Σ-over-features loss as a per-value mean squared error.</summary>
    private static double PerValue(double loss) => 2 * loss / Features;

    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "Seeded, reproducible demo data.")]
    private static Matrix<float> Waves(int seed)
    {
        var random = new Random(seed);
        var data = new Matrix<float>(Samples, Features);
        for (var s = 0; s < Samples; s++)
        {
            var offset = 0.35 + (0.3 * random.NextDouble());
            var amplitude = 0.1 + (0.25 * random.NextDouble());
            var phase = 2 * Math.PI * random.NextDouble();
            for (var j = 0; j < Features; j++)
            {
                // Box–Muller: one N(0, 1) draw from two uniforms (1 − u keeps the logarithm finite).
                var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                data[s, j] = (float)(offset + (amplitude * Math.Sin((2 * Math.PI * j / Features) + phase)) + (0.02 * noise));
            }
        }

        return data;
    }

    /// <summary>The per-value MSE on <paramref name="test"/> of always answering the training set's per-feature mean.</summary>
    private static double MeanBaseline(ReadOnlyMatrixSpan<float> train, ReadOnlyMatrixSpan<float> test)
    {
        Span<double> mean = stackalloc double[Features];
        for (var r = 0; r < train.Rows; r++)
        {
            for (var j = 0; j < Features; j++)
            {
                mean[j] += train[r, j] / (double)train.Rows;
            }
        }

        var sum = 0.0;
        for (var r = 0; r < test.Rows; r++)
        {
            for (var j = 0; j < Features; j++)
            {
                sum += (test[r, j] - mean[j]) * (test[r, j] - mean[j]);
            }
        }

        return sum / test.Length;
    }

    private static Figure Plot(NeuralNetwork<float> network, TrainingHistory history, ReadOnlyMatrixSpan<float> test, double before, double after)
    {
        var epochs = TrainingPlots.EpochAxis(history);
        var figure = new Figure
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"autoencoder 8-3-8-8 (sigmoid, sigmoid, linear): MSE {Messages.Number(before, 3)} → {Messages.Number(after, 3)} in {history.Count} epochs"),
            Columns = 2,
            PanelWidth = 440,
            PanelHeight = 290,
        };
        figure.Panels.Add(new Panel
        {
            Title = "Reconstruction error",
            XLabel = "epoch",
            YLabel = "mean squared error",
            YScale = AxisScale.Log,
            Series =
            {
                new LineSeries(epochs, [.. history.Loss.Select(PerValue)]) { Label = "train" },
                new LineSeries(epochs, [.. history.ValidationLoss.Select(PerValue)]) { Label = "test", Dashed = true },
            },
        });

        using var reconstruction = network.Predict(test.SliceRows(0, ShownSamples));
        var categories = Enumerable.Range(1, Features).Select(j => string.Create(CultureInfo.InvariantCulture, $"x{j}")).ToArray();
        for (var s = 0; s < ShownSamples; s++)
        {
            var input = new double[Features];
            var rebuilt = new double[Features];
            for (var j = 0; j < Features; j++)
            {
                input[j] = test[s, j];
                rebuilt[j] = reconstruction[s, j];
            }

            figure.Panels.Add(new Panel
            {
                Title = string.Create(CultureInfo.InvariantCulture, $"Test sample {s + 1}: input vs reconstruction"),
                XLabel = "feature",
                YLabel = "value",
                YMin = 0,
                YMax = 1.2,
                Categories = categories,
                Series =
                {
                    new BarSeries(input) { Label = "input" },
                    new BarSeries(rebuilt) { Label = "reconstruction" },
                },
            });
        }

        return figure;
    }
}
