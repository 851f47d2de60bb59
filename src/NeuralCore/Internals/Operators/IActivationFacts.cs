namespace NeuralCore.Internals.Operators;

/// <summary>
/// An activation kind as users see it, declared by its operator (or, for softmax, next to the dispatch): the name in
/// architecture files, the JSON property of its parameter, the parameter's default and its rule.
/// <see cref="ActivationNames"/> and <see cref="Activation.Create"/> read these through <see cref="ActivationDispatch"/>,
/// so a new kind states them once, where its function is written.
/// </summary>
internal interface IActivationFacts
{
    /// <summary>The name in architecture files and on the command line, e.g. <c>leaky_relu</c>.</summary>
    static abstract string Name { get; }

    /// <summary>The JSON property of the parameter (<c>negative_slope</c>), or <see langword="null"/> for a kind without one.</summary>
    static virtual string? ParameterName => null;

    /// <summary>The parameter when none is given; 0 for a kind without one.</summary>
    static virtual double DefaultParameter => 0;

    /// <summary>
    /// What a parameterised kind requires of its parameter, completing "<c>negative_slope must be …</c>" (e.g.
    /// <c>finite and ≥ 0</c>), or <see langword="null"/> when <paramref name="parameter"/> fits. Kinds without a
    /// parameter keep the default: their parameter must be 0, which <see cref="Activation.Create"/> checks for all.
    /// </summary>
    static virtual string? ParameterRule(double parameter) => null;
}
