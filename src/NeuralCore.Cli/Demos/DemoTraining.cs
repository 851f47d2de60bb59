namespace NeuralCore.Cli.Demos;

/// <summary>What the three demos share around <see cref="Trainer{T}.Fit"/>: progress (the plots share <see cref="TrainingPlots"/>).</summary>
internal static class DemoTraining
{
    /// <summary>
    /// Runs <paramref name="fit"/> under <see cref="TrainingProgress"/>; with 0 epochs (allowed: it shows the untrained
    /// network) it says so instead of printing a "final loss" no epoch measured.
    /// </summary>
    /// <param name="context">Where to write.</param>
    /// <param name="title">What is trained, e.g. <c>moons 2-4-6-6-4-1</c>.</param>
    /// <param name="epochs">The epoch count.</param>
    /// <param name="fit">Calls <see cref="Trainer{T}.Fit"/> with the per-epoch callback.</param>
    /// <param name="showAccuracy">False for the regressions (celsius, autoencoder), where accuracy means nothing.</param>
    /// <returns>The history.</returns>
    public static TrainingHistory Run(CliContext context, string title, int epochs, Func<Action<EpochReport>?, TrainingHistory> fit, bool showAccuracy = true)
    {
        if (epochs == 0)
        {
            context.Output.WriteLine($"{title}: --epochs 0, showing the untrained network");
            return fit(null);
        }

        return TrainingProgress.Run(context, title, epochs, report => fit(report), showAccuracy);
    }
}
