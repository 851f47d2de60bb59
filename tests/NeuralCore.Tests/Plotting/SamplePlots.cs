using NeuralCore.Cli.Plotting;

namespace NeuralCore.Tests.Plotting;

/// <summary>
/// The figures the demos will draw (celsius, moons, autoencoder), on synthetic seeded data. The tests check their
/// structure; the files saved under the test output's <c>plot-samples/</c> were rendered with rsvg-convert and
/// looked at.
/// </summary>
internal static class SamplePlots
{
    public static Figure Celsius()
    {
        var random = new Random(7);
        double[] celsius = [-40, -10, 0, 8, 15, 22, 38];
        var fahrenheit = celsius.Select(c => (1.8 * c) + 32).ToArray();
        var grid = Enumerable.Range(0, 61).Select(i => -45 + (i * 1.5)).ToArray();
        var before = grid.Select(c => (0.3 * c) - 4).ToArray();
        var after = grid.Select(c => (1.79 * c) + 31.6 + (random.NextDouble() * 0.01)).ToArray();

        var figure = new Figure { Title = "Celsius → Fahrenheit" };
        figure.Panels.Add(new Panel
        {
            Title = "Prediction before and after training",
            XLabel = "°C",
            YLabel = "°F",
            Legend = LegendPosition.TopLeft,
            Series =
            {
                new LineSeries(grid, grid.Select(c => (1.8 * c) + 32).ToArray()) { Label = "true: F = 1.8·C + 32", Color = "#555555", Width = 1.5 },
                new LineSeries(grid, before) { Label = "before training", Dashed = true },
                new LineSeries(grid, after) { Label = "after training" },
                new ScatterSeries(celsius, fahrenheit) { Label = "training samples", Color = "#222222", Size = 4 },
            },
        });
        return figure;
    }

    public static (double[] X, double[] Y, int[] Label) Moons(int count, int seed)
    {
        var random = new Random(seed);
        var x = new double[count];
        var y = new double[count];
        var label = new int[count];
        for (var i = 0; i < count; i++)
        {
            var t = Math.PI * random.NextDouble();
            label[i] = i % 2;
            (x[i], y[i]) = label[i] == 0 ? (Math.Cos(t), Math.Sin(t)) : (1 - Math.Cos(t), 0.5 - Math.Sin(t));
            x[i] += Gaussian(random) * 0.12;
            y[i] += Gaussian(random) * 0.12;
        }

        return (x, y, label);
    }

    // A smooth stand-in for a trained classifier's p(class 1): high below the curve y = 0.25 + 0.5·cos(π(x − 0.5))/… .
    public static double Probability(double x, double y) =>
        1 / (1 + Math.Exp(-6 * (0.25 - y + (0.45 * Math.Cos(Math.PI * (x - 0.5) / 1.6)) - 0.2)));

    public static Figure Moons()
    {
        var epochs = Enumerable.Range(1, 200).Select(e => (double)e).ToArray();
        var random = new Random(3);
        var loss = epochs.Select(e => (0.65 * Math.Exp(-e / 35)) + 0.06 + (0.01 * random.NextDouble())).ToArray();
        var testLoss = loss.Select((l, i) => l + 0.015 + (0.005 * Math.Sin(i / 5.0))).ToArray();
        var accuracy = epochs.Select(e => 0.5 + (0.47 * (1 - Math.Exp(-e / 25))) - (0.02 * random.NextDouble())).ToArray();

        var (trainX, trainY, trainLabel) = Moons(200, 1);
        var (testX, testY, testLabel) = Moons(60, 2);
        const double XMin = -1.5, XMax = 2.5, YMin = -1.0, YMax = 1.5;
        const int Columns = 81, Rows = 51;
        var grid = new double[Rows, Columns];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                grid[r, c] = Probability(XMin + (c * (XMax - XMin) / (Columns - 1)), YMin + (r * (YMax - YMin) / (Rows - 1)));
            }
        }

        var figure = new Figure { Title = "moons: 2-16-16-1 tanh/sigmoid, 200 epochs", Columns = 3, PanelWidth = 430 };
        figure.Panels.Add(new Panel
        {
            Title = "Loss",
            XLabel = "epoch",
            YLabel = "binary cross-entropy",
            YScale = AxisScale.Log,
            Series =
            {
                new LineSeries(epochs, loss) { Label = "train" },
                new LineSeries(epochs, testLoss) { Label = "test", Dashed = true },
            },
        });
        figure.Panels.Add(new Panel
        {
            Title = "Accuracy",
            XLabel = "epoch",
            YLabel = "accuracy",
            YMax = 1,
            Legend = LegendPosition.BottomRight,
            Series = { new LineSeries(epochs, accuracy) { Label = "train", Color = Palette.Color(4) } },
        });
        var boundary = new Panel
        {
            Title = "Decision boundary",
            XLabel = "x₁",
            YLabel = "x₂",
            Series = { new HeatmapSeries(grid, XMin, XMax, YMin, YMax) { ContourLabel = "p = 0.5" } },
        };
        boundary.Series.AddRange(ScatterSeries.ByClass(trainX, trainY, trainLabel, "train class {0}"));
        boundary.Series.AddRange(ScatterSeries.ByClass(testX, testY, testLabel, "test class {0}", MarkerShape.Triangle, hollow: true));
        figure.Panels.Add(boundary);
        return figure;
    }

    public static Figure Autoencoder()
    {
        var epochs = Enumerable.Range(1, 300).Select(e => (double)e).ToArray();
        var loss = epochs.Select(e => (0.2 * Math.Exp(-e / 60)) + (0.004 * Math.Exp(-e / 400)) + 1e-4).ToArray();
        var figure = new Figure { Title = "autoencoder 8-3-8", Columns = 2, PanelWidth = 420, PanelHeight = 280 };
        figure.Panels.Add(new Panel
        {
            Title = "Reconstruction loss",
            XLabel = "epoch",
            YLabel = "mean squared error",
            YScale = AxisScale.Log,
            Series = { new LineSeries(epochs, loss) { Label = "train" } },
        });

        var random = new Random(11);
        for (var sample = 0; sample < 3; sample++)
        {
            var input = Enumerable.Range(0, 8).Select(_ => Math.Round(random.NextDouble(), 2)).ToArray();
            var output = input.Select(v => Math.Clamp(v + ((random.NextDouble() - 0.5) * 0.12), 0, 1)).ToArray();
            figure.Panels.Add(new Panel
            {
                Title = $"Sample {sample + 1}: input vs reconstruction",
                XLabel = "feature",
                YLabel = "value",
                YMin = 0,
                YMax = 1.2,
                Categories = [.. Enumerable.Range(1, 8).Select(i => $"x{i}")],
                Series =
                {
                    new BarSeries(input) { Label = "input" },
                    new BarSeries(output) { Label = "reconstruction" },
                },
            });
        }

        return figure;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
