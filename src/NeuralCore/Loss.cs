using System.Globalization;

namespace NeuralCore;

/// <summary>
/// A loss function, averaged over the <c>m</c> rows (samples) of a batch and summed over the columns (outputs) of a
/// row, with its parameter where its kind has one (the δ of <see cref="Huber"/>).
/// </summary>
/// <remarks>
/// <para>The kinds, their names, parameters and requirements are listed in <see cref="LossNames"/>. Two losses are
/// equal when kind and parameter are; a kind without a parameter always has <see cref="Parameter"/> 0, and
/// <see langword="default"/> is <see cref="MeanSquaredError"/>.</para>
/// <para>The rules that tie a loss to the network are members here: the output activation it needs
/// (<see cref="RequiredOutput"/>, <see cref="FitsOutput"/>), whether it is computed together with that activation
/// (<see cref="IsFusedWith"/>), the width of its targets (<see cref="TargetColumns"/>) and the loss an output
/// activation gets when none is named (<see cref="DefaultFor"/>).</para>
/// </remarks>
public readonly struct Loss : IEquatable<Loss>
{
    /// <summary>The δ of <see cref="Huber"/> (PyTorch's default for <c>HuberLoss</c> and <c>SmoothL1Loss</c>).</summary>
    public const double DefaultHuberDelta = 1;

    private Loss(LossKind kind, double parameter)
    {
        Kind = kind;
        Parameter = parameter;
    }

    /// <summary>
    /// Mean squared error with the autoencoder tutorial's convention: <c>L = 1/(2m) · Σ_i Σ_j (a_ij − y_ij)²</c>, so that
    /// <c>∂L/∂a = (a − y)/m</c>. (PyTorch's <c>MSELoss</c> averages over all elements without the ½.)
    /// </summary>
    public static Loss MeanSquaredError => new(LossKind.MeanSquaredError, 0);

    /// <summary>Binary cross-entropy <c>L = −1/m · Σ (y·log a + (1−y)·log(1−a))</c>, for sigmoid outputs.</summary>
    public static Loss BinaryCrossEntropy => new(LossKind.BinaryCrossEntropy, 0);

    /// <summary>Categorical cross-entropy <c>L = −1/m · Σ y·log a</c> with one probability row per target, for softmax outputs.</summary>
    public static Loss CrossEntropy => new(LossKind.CrossEntropy, 0);

    /// <summary>
    /// Categorical cross-entropy with class ids for targets: <c>L = −1/m · Σ_i log a_(i, y_i)</c>, for softmax outputs.
    /// The target is one column of ids <c>0, 1, …, C−1</c> (as values of the element type) for a prediction of C
    /// columns; the loss and gradient are those of <see cref="CrossEntropy"/> with the one-hot rows of the ids
    /// (PyTorch's <c>CrossEntropyLoss</c> with class-index targets, which likewise averages over the rows).
    /// </summary>
    public static Loss SparseCrossEntropy => new(LossKind.SparseCrossEntropy, 0);

    /// <summary>Huber (smooth L1) with δ = 1; see <see cref="CreateHuber"/> for the definition and other thresholds.</summary>
    public static Loss Huber => new(LossKind.Huber, DefaultHuberDelta);

    /// <summary>The kind of function.</summary>
    public LossKind Kind { get; }

    /// <summary>The parameter of a parameterised kind (Huber's δ); 0 for the others.</summary>
    public double Parameter { get; }

    /// <summary>The output activation this loss needs (sigmoid for binary cross-entropy, softmax for both categorical ones), or <see langword="null"/> when any fits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public ActivationKind? RequiredOutput => LossNames.Describe(Kind).RequiredOutput;

    /// <summary>Whether a target row is one class id rather than one value per output (<see cref="SparseCrossEntropy"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public bool TargetsAreClassIds => LossNames.Describe(Kind).TargetsAreClassIds;

    /// <summary>
    /// Huber (smooth L1) loss with threshold δ, averaged over the rows like <see cref="MeanSquaredError"/>:
    /// <c>L = 1/m · Σ_i Σ_j h(a_ij − y_ij)</c> with <c>h(d) = ½d²</c> for <c>|d| ≤ δ</c> and <c>δ·(|d| − ½δ)</c>
    /// beyond, so that <c>∂L/∂a = clamp(a − y, −δ, δ)/m</c>. Within δ it equals <see cref="MeanSquaredError"/>.
    /// </summary>
    /// <remarks>
    /// PyTorch's <c>HuberLoss(delta=δ, reduction='mean')</c> divides the same sum by all m·n elements instead of the
    /// m rows: for n outputs, this loss (and its gradient) is n times PyTorch's; for one output they are equal.
    /// <c>SmoothL1Loss(beta=δ)</c> is PyTorch's Huber divided by δ.
    /// </remarks>
    /// <param name="delta">The threshold between the quadratic and the linear part: finite and &gt; 0.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">δ is ≤ 0, NaN or infinite.</exception>
    public static Loss CreateHuber(double delta) => Checked(LossKind.Huber, delta, nameof(delta));

    /// <summary>The loss of <paramref name="kind"/> with that kind's default parameter.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public static Loss FromKind(LossKind kind) => new(kind, LossNames.Describe(kind).DefaultParameter);

    /// <summary>The loss of <paramref name="kind"/> with <paramref name="parameter"/>, checked as the kind's factory checks it.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="parameter">The parameter; must be 0 for a kind without one.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined, or the parameter does not fit it.</exception>
    public static Loss Create(LossKind kind, double parameter) => Checked(kind, parameter, nameof(parameter));

    private static Loss Checked(LossKind kind, double parameter, string paramName)
    {
        var info = LossNames.Describe(kind);
        string? error = null;
        if (kind == LossKind.Huber && (!(parameter > 0) || !double.IsFinite(parameter)))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{info.Name}'s {info.ParameterName} must be finite and > 0; got {parameter}.");
        }
        else if (info.ParameterName is null && parameter != 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{info.Name} takes no parameter; got {parameter}.");
        }

        if (error is not null)
        {
            throw new ArgumentOutOfRangeException(paramName, parameter, error);
        }

        return new(kind, parameter);
    }

    /// <summary>
    /// The loss a network with this output activation is trained with when none is named: the first of
    /// <see cref="LossNames.All"/> that needs this activation (bce for sigmoid, ce for softmax), else mean squared error.
    /// </summary>
    /// <param name="output">The output layer's activation.</param>
    /// <returns>The loss.</returns>
    public static Loss DefaultFor(Activation output)
    {
        foreach (var info in LossNames.All)
        {
            if (info.RequiredOutput == output.Kind)
            {
                return FromKind(info.Kind);
            }
        }

        return MeanSquaredError;
    }

    /// <summary>Whether a network whose output layer has <paramref name="output"/> can be trained with this loss (see <see cref="RequiredOutput"/>).</summary>
    /// <param name="output">The output layer's activation.</param>
    /// <returns><see langword="true"/> when it fits.</returns>
    public bool FitsOutput(Activation output) => RequiredOutput is not { } required || output.Kind == required;

    /// <summary>
    /// Whether the loss and <paramref name="output"/> are computed together from the logits, with the fused gradient
    /// <c>∂L/∂Z = (A − Y)/m</c>: exactly the pairs of a loss and the output activation it needs (sigmoid + binary
    /// cross-entropy, softmax + either categorical cross-entropy). Other pairs compose ∂L/∂A with f′.
    /// </summary>
    /// <param name="output">The output layer's activation.</param>
    /// <returns><see langword="true"/> for a fused pair.</returns>
    public bool IsFusedWith(Activation output) => RequiredOutput == output.Kind;

    /// <summary>The number of target columns for a prediction of <paramref name="outputColumns"/> columns: 1 for class ids, else the same.</summary>
    /// <param name="outputColumns">The prediction's (the network's output) width.</param>
    /// <returns>The target width.</returns>
    public int TargetColumns(int outputColumns) => TargetsAreClassIds ? 1 : outputColumns;

    /// <summary>Whether both have the same kind and parameter.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Loss left, Loss right) => left.Equals(right);

    /// <summary>Whether kind or parameter differ.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(Loss left, Loss right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(Loss other) => Kind == other.Kind && Parameter.Equals(other.Parameter);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Loss other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Parameter);

    /// <summary>The name users type, with a non-default parameter: <c>bce</c>, <c>huber(delta=0.5)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var info = LossNames.Describe(Kind);
        return info.ParameterName is null || Parameter == info.DefaultParameter
            ? info.Name
            : string.Create(CultureInfo.InvariantCulture, $"{info.Name}({info.ParameterName}={Parameter})");
    }
}
