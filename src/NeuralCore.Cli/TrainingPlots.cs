using NeuralCore.Cli.Plotting;

namespace NeuralCore.Cli;

/// <summary>The per-epoch panels every training figure shares (<c>train --plot</c>, the demos).</summary>
internal static class TrainingPlots
{
    /// <summary>1, 2, …, the number of epochs in <paramref name="history"/>, as plot x values.</summary>
    public static double[] EpochAxis(TrainingHistory history) =>
        [.. Enumerable.Range(1, history.Count).Select(e => (double)e)];

    /// <summary>Loss per epoch: the training line and, when there is validation data, a dashed one; log scale when every value is positive.</summary>
    public static Panel LossPanel(TrainingHistory history, string yLabel, string validationLabel = "validation")
    {
        var epochs = EpochAxis(history);
        var panel = new Panel
        {
            Title = "Loss",
            XLabel = "epoch",
            YLabel = yLabel,
            YScale = history.Loss.All(l => l > 0) && history.ValidationLoss.All(l => l > 0) ? AxisScale.Log : AxisScale.Linear,
        };
        panel.Series.Add(new LineSeries(epochs, history.Loss) { Label = "train" });
        if (history.ValidationLoss.Count > 0)
        {
            panel.Series.Add(new LineSeries(epochs, history.ValidationLoss) { Label = validationLabel, Dashed = true });
        }

        return panel;
    }

    /// <summary>Accuracy per epoch, as <see cref="LossPanel"/>; the axis tops out at 1.</summary>
    public static Panel AccuracyPanel(TrainingHistory history, string validationLabel = "validation")
    {
        var epochs = EpochAxis(history);
        var panel = new Panel
        {
            Title = "Accuracy",
            XLabel = "epoch",
            YLabel = "accuracy",
            YMax = 1,
            Legend = LegendPosition.BottomRight,
        };
        panel.Series.Add(new LineSeries(epochs, history.Accuracy) { Label = "train" });
        if (history.ValidationAccuracy.Count > 0)
        {
            panel.Series.Add(new LineSeries(epochs, history.ValidationAccuracy) { Label = validationLabel, Dashed = true });
        }

        return panel;
    }
}
