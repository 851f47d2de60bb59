namespace NeuralCore.Tests;

/// <summary>
/// The losses the tables iterate: every kind of the one definition (<see cref="LossNames.All"/>) at its default
/// parameter, and each parameterised kind once more with another parameter (so a kernel that ignored it would fail).
/// </summary>
public static class TestLosses
{
    public static Loss[] All { get; } =
    [
        .. LossNames.All.Select(k => Loss.FromKind(k.Kind)),
        .. LossNames.All.Where(k => k.ParameterName is not null).Select(k => Loss.Create(k.Kind, OtherParameter(k.Kind))),
    ];

    /// <summary>The losses whose targets have the prediction's shape (all but the class-id ones).</summary>
    public static IEnumerable<Loss> Elementwise => All.Where(l => !l.TargetsAreClassIds);

    private static double OtherParameter(LossKind kind) => kind switch
    {
        LossKind.Huber => 0.4,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Give the new parameterised kind a second parameter to test."),
    };
}
