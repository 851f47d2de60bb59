using System.Globalization;
using NeuralCore.Cli.Plotting;

namespace NeuralCore.Cli.Demos;

/// <summary>
/// The two-moons tutorial: 1 000 two-moons points (noise 0.2), the last 10% held out, classified by 2-4-6-6-4-1 (relu ×4, sigmoid)
/// with binary cross-entropy, using the settings Network/DESIGN.md recommends (He-normal weights, zero biases,
/// Adam η = 0.01, shuffled batches of 32, 60 epochs). The figure is the tutorial's figure 8 plus its learning curves.
/// </summary>
internal static class MoonsDemo
{
    public const int DefaultEpochs = 60;

    private const int Samples = 1000;
    private const int TestSamples = Samples / 10;
    private const double Noise = 0.2;
    private const int GridColumns = 101;
    private const int GridRows = 71;

    public static void Run(CliContext context, DemoOptions options, DemoOutput output)
    {
        var epochs = options.EpochsOr(DefaultEpochs);
        // MakeMoons shuffles the rows, so the last 100 are a random held-out split.
        using var data = Datasets.MakeMoons<float>(Samples, Noise, options.DataSeed);
        var trainX = data.Features.ReadOnlySpan.SliceRows(0, Samples - TestSamples);
        var trainY = data.Targets.ReadOnlySpan.SliceRows(0, Samples - TestSamples);
        var testX = data.Features.ReadOnlySpan.SliceRows(Samples - TestSamples, TestSamples);
        var testY = data.Targets.ReadOnlySpan.SliceRows(Samples - TestSamples, TestSamples);

        var architecture = NetworkArchitecture.FromSizes(
            [2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Relu, Activation.Relu, Activation.Relu, Activation.Sigmoid]);
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(options.InitializationSeed));
        var training = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.01)) { Epochs = epochs, BatchSize = 32, Seed = options.ShuffleSeed };
        using var trainer = new Trainer<float>(network, training);

        // Fit takes spans, which a lambda cannot capture: the data stay in the Matrix owners and are sliced inside.
        var history = DemoTraining.Run(context, "moons 2-4-6-6-4-1", epochs, report => trainer.Fit(
            data.Features.ReadOnlySpan.SliceRows(0, Samples - TestSamples),
            data.Targets.ReadOnlySpan.SliceRows(0, Samples - TestSamples),
            data.Features.ReadOnlySpan.SliceRows(Samples - TestSamples, TestSamples),
            data.Targets.ReadOnlySpan.SliceRows(Samples - TestSamples, TestSamples),
            report));

        var train = trainer.Evaluate(trainX, trainY);
        var test = trainer.Evaluate(testX, testY);
        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"final    train accuracy {train.Accuracy:P1} ({Samples - TestSamples} points, loss {train.Loss:F4})   test accuracy {test.Accuracy:P1} ({TestSamples} held-out points, loss {test.Loss:F4})"));

        var figure = Plot(network, history, trainX, trainY, testX, testY, test.Accuracy);
        output.Save(figure, "moons.svg");
        output.Save(network, "moons.npz");
    }

    private static Figure Plot(
        NeuralNetwork<float> network, TrainingHistory history, ReadOnlyMatrixSpan<float> trainX, ReadOnlyMatrixSpan<float> trainY,
        ReadOnlyMatrixSpan<float> testX, ReadOnlyMatrixSpan<float> testY, double testAccuracy)
    {
        var figure = new Figure
        {
            Title = string.Create(CultureInfo.InvariantCulture, $"moons: 2-4-6-6-4-1 relu/sigmoid, Adam, {history.Count} epochs — test accuracy {testAccuracy:P1}"),
            Columns = 3,
            PanelWidth = 430,
        };
        figure.Panels.Add(TrainingPlots.LossPanel(history, "binary cross-entropy", validationLabel: "test"));
        figure.Panels.Add(TrainingPlots.AccuracyPanel(history, validationLabel: "test"));

        var (xMin, xMax) = Extent(trainX, testX, 0);
        var (yMin, yMax) = Extent(trainX, testX, 1);
        var boundary = new Panel
        {
            Title = "Decision boundary",
            XLabel = "x₁",
            YLabel = "x₂",
            Series = { new HeatmapSeries(ProbabilityGrid(network, xMin, xMax, yMin, yMax), xMin, xMax, yMin, yMax) { ContourLabel = "p = 0.5" } },
        };
        boundary.Series.AddRange(Points(trainX, trainY, "train class {0}", MarkerShape.Circle, hollow: false));
        boundary.Series.AddRange(Points(testX, testY, "test class {0}", MarkerShape.Triangle, hollow: true));
        figure.Panels.Add(boundary);
        return figure;
    }

    /// <summary>p(class 1) over the plane: one batch prediction of the whole grid. Shape: [GridRows, GridColumns], row 0 at yMin.</summary>
    private static double[,] ProbabilityGrid(NeuralNetwork<float> network, double xMin, double xMax, double yMin, double yMax)
    {
        using var points = new Matrix<float>(GridRows * GridColumns, 2);
        for (var r = 0; r < GridRows; r++)
        {
            for (var c = 0; c < GridColumns; c++)
            {
                points[(r * GridColumns) + c, 0] = (float)(xMin + (c * (xMax - xMin) / (GridColumns - 1)));
                points[(r * GridColumns) + c, 1] = (float)(yMin + (r * (yMax - yMin) / (GridRows - 1)));
            }
        }

        using var probabilities = network.Predict(points.ReadOnlySpan);
        var grid = new double[GridRows, GridColumns];
        for (var r = 0; r < GridRows; r++)
        {
            for (var c = 0; c < GridColumns; c++)
            {
                grid[r, c] = probabilities[(r * GridColumns) + c, 0];
            }
        }

        return grid;
    }

    /// <summary>The range of feature <paramref name="column"/> over all points, widened by a margin to whole quarters.</summary>
    private static (double Min, double Max) Extent(ReadOnlyMatrixSpan<float> a, ReadOnlyMatrixSpan<float> b, int column)
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        Include(a, column, ref min, ref max);
        Include(b, column, ref min, ref max);
        return (Math.Floor((min - 0.2) * 4) / 4, Math.Ceiling((max + 0.2) * 4) / 4);
    }

    private static void Include(ReadOnlyMatrixSpan<float> data, int column, ref double min, ref double max)
    {
        for (var r = 0; r < data.Rows; r++)
        {
            min = Math.Min(min, data[r, column]);
            max = Math.Max(max, data[r, column]);
        }
    }

    private static IReadOnlyList<ScatterSeries> Points(ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<float> y, string names, MarkerShape marker, bool hollow)
    {
        var x1 = new double[x.Rows];
        var x2 = new double[x.Rows];
        var classes = new int[x.Rows];
        for (var r = 0; r < x.Rows; r++)
        {
            x1[r] = x[r, 0];
            x2[r] = x[r, 1];
            classes[r] = y[r, 0] >= 0.5f ? 1 : 0;
        }

        return ScatterSeries.ByClass(x1, x2, classes, names, marker, hollow);
    }
}
