namespace NeuralCore.Tests;

/// <summary>
/// The activations the tables iterate: every kind of the one definition (<see cref="ActivationNames.All"/>) at its
/// default parameter, and each parameterised kind once more with another parameter (so a kernel that ignored the
/// parameter would fail).
/// </summary>
public static class TestActivations
{
    public static Activation[] All { get; } =
    [
        .. ActivationNames.All.Select(k => Activation.FromKind(k.Kind)),
        .. ActivationNames.All.Where(k => k.ParameterName is not null).Select(k => Activation.Create(k.Kind, OtherParameter(k.Kind))),
    ];

    public static IEnumerable<Activation> Elementwise => All.Where(a => a.IsElementwise);

    private static double OtherParameter(ActivationKind kind) => kind switch
    {
        ActivationKind.LeakyRelu => 0.2,
        ActivationKind.Elu => 1.7,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Give the new parameterised kind a second parameter to test."),
    };
}
