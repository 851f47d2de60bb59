namespace NeuralCore;

/// <summary>The shape of a <see cref="LearningRateSchedule"/>.</summary>
public enum LearningRateScheduleKind
{
    /// <summary>η at every step (the default).</summary>
    Constant = 0,

    /// <summary>η multiplied by γ every <see cref="LearningRateSchedule.StepSize"/> steps (PyTorch's <c>StepLR</c>).</summary>
    Step = 1,

    /// <summary>η multiplied by γ every step (PyTorch's <c>ExponentialLR</c>).</summary>
    Exponential = 2,

    /// <summary>A linear warm-up to η, then cosine annealing down to a minimum, which then stays.</summary>
    Cosine = 3,
}
