using System.Globalization;

namespace NeuralCore;

/// <summary>
/// How the learning rate changes over the optimizer steps; create one with <see cref="Constant"/>, <see cref="Step"/>,
/// <see cref="Exponential"/> or <see cref="Cosine"/> and put it in <see cref="Optimizer.Schedule"/>.
/// </summary>
/// <remarks>
/// <para>With η the optimizer's <see cref="Optimizer.LearningRate"/> and t the 1-based step (<see cref="Trainer{T}.Steps"/>
/// after the step), the rate of step t is:</para>
/// <code>
/// Constant      η_t = η
/// Step          η_t = η·γ^⌊(t − 1)/N⌋                       (N = StepSize: steps 1..N use η, N+1..2N use η·γ, …)
/// Exponential   η_t = η·γ^(t − 1)
/// Cosine        η_t = η·t/W                                   for t ≤ W (W = WarmupSteps: from η/W up to η)
///               η_t = η_min + (η − η_min)·(1 + cos(π·(t − W)/(S − W)))/2   for W &lt; t &lt; S (S = TotalSteps)
///               η_t = η_min                                   for t ≥ S
/// </code>
/// <para>Schedules count optimizer steps, not epochs (an epoch is ⌈samples / batch size⌉ steps). The rate is worked
/// out in double once per step and rounded to the element type, so the constant schedule gives the rate exactly as
/// <c>T(η)</c>. Every schedule here decays (γ ≤ 1, η_min ≤ η), so no step's rate exceeds η.</para>
/// </remarks>
public readonly record struct LearningRateSchedule
{
    private static readonly string s_kinds = string.Join(", ", Enum.GetNames<LearningRateScheduleKind>());

    /// <summary>The shape.</summary>
    public LearningRateScheduleKind Kind { get; init; }

    /// <summary>N for <see cref="LearningRateScheduleKind.Step"/>: the steps between two multiplications by γ (≥ 1).</summary>
    public int StepSize { get; init; }

    /// <summary>γ for <see cref="LearningRateScheduleKind.Step"/> and <see cref="LearningRateScheduleKind.Exponential"/> (in (0, 1]).</summary>
    public double Gamma { get; init; }

    /// <summary>W for <see cref="LearningRateScheduleKind.Cosine"/>: the linear warm-up's steps (≥ 0; 0 for none).</summary>
    public int WarmupSteps { get; init; }

    /// <summary>S for <see cref="LearningRateScheduleKind.Cosine"/>: the step at which the rate reaches the minimum (&gt; W).</summary>
    public int TotalSteps { get; init; }

    /// <summary>η_min for <see cref="LearningRateScheduleKind.Cosine"/> (finite, in [0, η]).</summary>
    public double MinimumLearningRate { get; init; }

    /// <summary>η at every step (the default value of this type).</summary>
    public static LearningRateSchedule Constant => default;

    /// <summary>η multiplied by <paramref name="gamma"/> every <paramref name="stepSize"/> steps.</summary>
    /// <param name="stepSize">N, the steps between two multiplications (≥ 1).</param>
    /// <param name="gamma">γ, in (0, 1] (0.1 in PyTorch's <c>StepLR</c>).</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule Step(int stepSize, double gamma = 0.1) =>
        new() { Kind = LearningRateScheduleKind.Step, StepSize = stepSize, Gamma = gamma };

    /// <summary>η multiplied by <paramref name="gamma"/> every step.</summary>
    /// <param name="gamma">γ, in (0, 1].</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule Exponential(double gamma) =>
        new() { Kind = LearningRateScheduleKind.Exponential, Gamma = gamma };

    /// <summary>A linear warm-up over <paramref name="warmupSteps"/> steps to η, then cosine annealing to <paramref name="minimumLearningRate"/> at step <paramref name="totalSteps"/>, which then stays.</summary>
    /// <param name="totalSteps">S, the step at which the minimum is reached (&gt; <paramref name="warmupSteps"/>).</param>
    /// <param name="warmupSteps">W (≥ 0; 0 for no warm-up).</param>
    /// <param name="minimumLearningRate">η_min (finite, in [0, η]).</param>
    /// <returns>The schedule.</returns>
    public static LearningRateSchedule Cosine(int totalSteps, int warmupSteps = 0, double minimumLearningRate = 0) =>
        new() { Kind = LearningRateScheduleKind.Cosine, TotalSteps = totalSteps, WarmupSteps = warmupSteps, MinimumLearningRate = minimumLearningRate };

    /// <summary>The learning rate of step <paramref name="step"/> (see the formulas in the remarks).</summary>
    /// <param name="learningRate">η, the optimizer's learning rate (finite, &gt; 0).</param>
    /// <param name="step">t, the 1-based optimizer step.</param>
    /// <returns>η_t.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is below 1, or <paramref name="learningRate"/> is not finite and &gt; 0.</exception>
    /// <exception cref="InvalidOperationException">The schedule's own values are out of range (see <see cref="Validate"/>).</exception>
    public double LearningRateAt(double learningRate, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learningRate must be finite and > 0.");
        }

        var rate = Evaluate(learningRate, step, out var problem);
        return problem is null ? rate : throw new InvalidOperationException($"This schedule is not valid: {problem}.");
    }

    /// <summary>Checks the schedule's values against the learning rate it scales.</summary>
    /// <param name="learningRate">η (the cosine minimum must not exceed it).</param>
    /// <param name="paramName">The argument to name in the error.</param>
    /// <param name="displayName">How the schedule is called in the message (for example <c>options.Optimizer.Schedule</c>); <paramref name="paramName"/> when null.</param>
    /// <exception cref="ArgumentException">A value is out of range or NaN; the message gives the expected range and the actual value.</exception>
    public void Validate(double learningRate, string paramName, string? displayName = null)
    {
        _ = Evaluate(learningRate, 1, out var problem);
        if (problem is not null)
        {
            throw new ArgumentException($"{displayName ?? paramName}.{problem}.", paramName);
        }
    }

    /// <summary>
    /// The one place each kind's formula and its parameters' ranges live: <see cref="Validate"/> is this at step 1.
    /// A problem comes back as text (formatted only when there is one), so the per-step call allocates nothing.
    /// </summary>
    private double Evaluate(double learningRate, int step, out string? problem)
    {
        problem = null;
        switch (Kind)
        {
            case LearningRateScheduleKind.Constant:
                return learningRate;
            case LearningRateScheduleKind.Step:
                if (StepSize < 1)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"StepSize must be ≥ 1; got {StepSize}");
                    return double.NaN;
                }

                if (!GammaInRange(out problem))
                {
                    return double.NaN;
                }

                return learningRate * Math.Pow(Gamma, (step - 1) / StepSize);
            case LearningRateScheduleKind.Exponential:
                return GammaInRange(out problem) ? learningRate * Math.Pow(Gamma, step - 1) : double.NaN;
            case LearningRateScheduleKind.Cosine:
                if (WarmupSteps < 0 || TotalSteps <= WarmupSteps)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"WarmupSteps must be ≥ 0 and TotalSteps > WarmupSteps; got {WarmupSteps} and {TotalSteps}");
                    return double.NaN;
                }

                if (!(MinimumLearningRate >= 0 && MinimumLearningRate <= learningRate))
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"MinimumLearningRate must be in [0, LearningRate = {learningRate}]; got {MinimumLearningRate}");
                    return double.NaN;
                }

                if (step <= WarmupSteps)
                {
                    // t/W first, so that the last warm-up step is η exactly (η·W/W need not be).
                    return learningRate * ((double)step / WarmupSteps);
                }

                if (step >= TotalSteps)
                {
                    return MinimumLearningRate;
                }

                var progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
                return MinimumLearningRate + ((learningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * progress)) / 2);
            default:
                problem = string.Create(CultureInfo.InvariantCulture, $"Kind must be one of {s_kinds}; got {(int)Kind}");
                return double.NaN;
        }
    }

    private bool GammaInRange(out string? problem)
    {
        problem = Gamma > 0 && Gamma <= 1 ? null : string.Create(CultureInfo.InvariantCulture, $"Gamma must be in (0, 1]; got {Gamma}");
        return problem is null;
    }
}
