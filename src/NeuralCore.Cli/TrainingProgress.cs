using System.Globalization;
using Spectre.Console;

namespace NeuralCore.Cli;

/// <summary>
/// Shows training progress: a live Spectre.Console bar on an interactive terminal, otherwise about ten plain lines
/// (so logs and CI output stay readable and free of colour codes), and a final status line either way.
/// </summary>
internal static class TrainingProgress
{
    /// <summary>Runs <paramref name="train"/>, passing it the per-epoch callback that reports progress.</summary>
    /// <param name="context">Where to write.</param>
    /// <param name="title">What is being trained, e.g. <c>moons 2-4-6-6-4-1</c>.</param>
    /// <param name="epochs">The number of epochs, for the bar and the plain-line interval.</param>
    /// <param name="train">The training call; it must invoke the callback once per epoch.</param>
    /// <param name="showAccuracy">Whether accuracy means anything here (classification); regressions show only the loss.</param>
    /// <returns>What <paramref name="train"/> returned.</returns>
    public static TResult Run<TResult>(CliContext context, string title, int epochs, Func<Action<EpochReport>, TResult> train, bool showAccuracy = true)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        TResult result;
        EpochReport last = default;
        if (context.IsInteractive)
        {
            result = AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, epochs));
                    var lastDraw = 0L;
                    return train(report =>
                    {
                        last = report;
                        // Redraw at most ~30 times a second: a tiny net runs thousands of epochs per second.
                        var now = started.ElapsedMilliseconds;
                        if (now - lastDraw >= 33 || report.Epoch == report.Epochs)
                        {
                            lastDraw = now;
                            task.Description = Markup.Escape(showAccuracy
                                ? string.Create(CultureInfo.InvariantCulture, $"{title}  loss {Messages.Number(report.Loss, 4)}  acc {report.Accuracy:P1}")
                                : string.Create(CultureInfo.InvariantCulture, $"{title}  loss {Messages.Number(report.Loss, 4)}"));
                            task.Value = report.Epoch;
                        }
                    });
                });
        }
        else
        {
            var every = Math.Max(1, epochs / 10);
            context.Output.WriteLine($"training {title}: {epochs} epochs");
            result = train(report =>
            {
                last = report;
                if (report.Epoch % every == 0 || report.Epoch == 1 || report.Epoch == report.Epochs)
                {
                    context.Output.WriteLine(Format(report, showAccuracy));
                }
            });
        }

        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"done: {title}, {last.Epoch} epochs in {started.Elapsed.TotalSeconds:F2} s, final loss {Messages.Number(last.Loss)}")
            + (showAccuracy ? string.Create(CultureInfo.InvariantCulture, $", accuracy {last.Accuracy:P2}") : string.Empty));
        return result;
    }

    /// <summary>One plain progress line.</summary>
    public static string Format(EpochReport r, bool showAccuracy = true)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"  epoch {r.Epoch,6}/{r.Epochs}  loss {Messages.Number(r.Loss),12}");
        if (showAccuracy)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"  accuracy {r.Accuracy,7:P2}");
        }

        if (double.IsNaN(r.ValidationLoss))
        {
            return line;
        }

        line += string.Create(CultureInfo.InvariantCulture, $"  val loss {Messages.Number(r.ValidationLoss),12}");
        return showAccuracy ? line + string.Create(CultureInfo.InvariantCulture, $"  val accuracy {r.ValidationAccuracy,7:P2}") : line;
    }
}
