using System.Globalization;
using NeuralCore.Cli.Plotting;

namespace NeuralCore.Cli.Demos;

/// <summary>
/// The one-neuron tutorial: one neuron (1→1, linear, MSE) learns Celsius → Fahrenheit, F = 1.8·C + 32, from C = −50 … 49.
/// </summary>
/// <remarks>
/// <para>The network sees C/50 rather than C. On raw Celsius the loss surface is a valley ~800× steeper along the
/// weight than along the bias (E[C²] ≈ 833 vs 1), which is why the tutorial needs 10 000 plain-gradient iterations. On
/// C/50 ∈ [−1, 0.98] the Hessian of the ½-MSE is ≈ diag(0.33, 1), so full-batch gradient descent with η = 1 shrinks
/// the weight's error by ×0.67 and the bias's by ×0.0002 per epoch: 60 epochs bring both below 1e-6 relative, from
/// any starting point, with no seed to be lucky with.</para>
/// <para>After training the scale is folded back into the weight (w = w′/50), so the printed weight and bias and the
/// saved <c>celsius.npz</c> take degrees Celsius directly.</para>
/// </remarks>
internal static class CelsiusDemo
{
    public const int DefaultEpochs = 60;

    private const int Samples = 100;
    private const float InputScale = 50;
    private const double TrueWeight = 1.8;
    private const double TrueBias = 32;

    public static void Run(CliContext context, DemoOptions options, DemoOutput output)
    {
        var epochs = options.EpochsOr(DefaultEpochs);
        using var x = new Matrix<float>(Samples, 1);
        using var y = new Matrix<float>(Samples, 1);
        var celsius = new double[Samples];
        var fahrenheit = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            celsius[i] = -50 + i;
            fahrenheit[i] = (TrueWeight * celsius[i]) + TrueBias;
            x[i, 0] = (float)celsius[i] / InputScale;
            y[i, 0] = (float)fahrenheit[i];
        }

        var architecture = new NetworkArchitecture(new LayerSpec(1, 1, Activation.Linear));
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(options.InitializationSeed));
        var (weightBefore, biasBefore) = Line(network);

        var training = new TrainingOptions(Loss.MeanSquaredError, Optimizer.Sgd(1.0)) { Epochs = epochs, BatchSize = Samples };
        using var trainer = new Trainer<float>(network, training);
        var history = DemoTraining.Run(context, "celsius 1→1 linear", epochs, report => trainer.Fit(x.ReadOnlySpan, y.ReadOnlySpan, onEpoch: report), showAccuracy: false);
        var (weight, bias) = Line(network);
        network.SetWeights(0, new[,] { { (float)weight } });

        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"learned  F = {weight:F4}·C + {bias:F4}   (true: F = 1.8·C + 32; weight off by {RelativeError(weight, TrueWeight):P3}, bias off by {RelativeError(bias, TrueBias):P3})"));
        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"before   F = {weightBefore:F4}·C + {biasBefore:F4}   final MSE loss {(history.Count == 0 ? "none (no epochs)" : Messages.Number(history.Loss[^1], 4))}"));

        output.Save(Plot(celsius, fahrenheit, (weightBefore, biasBefore), (weight, bias), history.Count), "celsius.svg");
        output.Save(network, "celsius.npz");
    }

    /// <summary>The neuron's line in degrees: the weight rescaled from C/50 to C.</summary>
    private static (double Weight, double Bias) Line(NeuralNetwork<float> network) =>
        (network.GetWeights(0)[0, 0] / InputScale, network.GetBias(0)[0]);

    private static double RelativeError(double value, double truth) => Math.Abs(value - truth) / Math.Abs(truth);

    private static Figure Plot(double[] celsius, double[] fahrenheit, (double W, double B) before, (double W, double B) after, int epochs)
    {
        var figure = new Figure { Title = "Celsius → Fahrenheit: one neuron" };
        figure.Panels.Add(new Panel
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"Prediction before and after {epochs} epochs"),
            XLabel = "°C",
            YLabel = "°F",
            Legend = LegendPosition.BottomRight,
            Series =
            {
                // The true line wide and first, so the learned line drawn thin on top shows where the two coincide;
                // every 5th sample only, because all 100 (one per degree) merge into a solid bar.
                new LineSeries(celsius, fahrenheit) { Label = "true: F = 1.8·C + 32", Color = Palette.Color(0), Width = 7 },
                new ScatterSeries([.. celsius.Where((_, i) => i % 5 == 0)], [.. fahrenheit.Where((_, i) => i % 5 == 0)])
                {
                    Label = "training samples (every 5th)", Color = "#333333", Size = 3,
                },
                new LineSeries(celsius, [.. celsius.Select(c => (before.W * c) + before.B)]) { Label = Label("before training", before), Color = Palette.Color(2), Dashed = true },
                new LineSeries(celsius, [.. celsius.Select(c => (after.W * c) + after.B)]) { Label = Label("after training", after), Color = Palette.Color(4), Width = 2 },
            },
        });
        return figure;
    }

    private static string Label(string when, (double W, double B) line) =>
        string.Create(CultureInfo.InvariantCulture, $"{when}: F = {(line.W < 0 ? "−" : "")}{Math.Abs(line.W):F3}·C {(line.B < 0 ? '−' : '+')} {Math.Abs(line.B):F2}");
}
