using System.Globalization;

namespace NeuralCore;

/// <summary>
/// An element-wise (or, for <see cref="Softmax"/>, row-wise) activation function <c>A = f(Z)</c>, with its parameter
/// where its kind has one (the negative slope of <see cref="LeakyRelu"/>, the α of <see cref="Elu"/>).
/// </summary>
/// <remarks>
/// The kinds, their names in architecture files and their parameters are listed in <see cref="ActivationNames"/>.
/// Two activations are equal when kind and parameter are; a kind without a parameter always has <see cref="Parameter"/> 0,
/// and <see langword="default"/> is <see cref="Linear"/>.
/// </remarks>
public readonly struct Activation : IEquatable<Activation>
{
    /// <summary>The negative slope of <see cref="LeakyRelu"/> (PyTorch's and ONNX's default).</summary>
    public const double DefaultNegativeSlope = 0.01;

    /// <summary>The α of <see cref="Elu"/> (PyTorch's and ONNX's default).</summary>
    public const double DefaultEluAlpha = 1.0;

    private Activation(ActivationKind kind, double parameter)
    {
        Kind = kind;
        Parameter = parameter;
    }

    /// <summary>The identity, <c>f(z) = z</c>.</summary>
    public static Activation Linear => new(ActivationKind.Linear, 0);

    /// <summary>The logistic function <c>1 / (1 + e^-z)</c>.</summary>
    public static Activation Sigmoid => new(ActivationKind.Sigmoid, 0);

    /// <summary>The rectifier <c>max(0, z)</c>; its derivative at 0 is taken as 0.</summary>
    public static Activation Relu => new(ActivationKind.Relu, 0);

    /// <summary>The leaky rectifier with the default negative slope 0.01; see <see cref="CreateLeakyRelu"/> for others.</summary>
    public static Activation LeakyRelu => new(ActivationKind.LeakyRelu, DefaultNegativeSlope);

    /// <summary>The hyperbolic tangent.</summary>
    public static Activation Tanh => new(ActivationKind.Tanh, 0);

    /// <summary>The row-wise softmax; for output layers.</summary>
    public static Activation Softmax => new(ActivationKind.Softmax, 0);

    /// <summary>The exact GELU, <c>z·Φ(z)</c> (see <see cref="ActivationKind.Gelu"/>).</summary>
    public static Activation Gelu => new(ActivationKind.Gelu, 0);

    /// <summary>GELU's tanh approximation (see <see cref="ActivationKind.GeluTanh"/>).</summary>
    public static Activation GeluTanh => new(ActivationKind.GeluTanh, 0);

    /// <summary>SiLU (swish), <c>z·σ(z)</c>.</summary>
    public static Activation Silu => new(ActivationKind.Silu, 0);

    /// <summary>Softplus, <c>log(1 + e^z)</c>.</summary>
    public static Activation Softplus => new(ActivationKind.Softplus, 0);

    /// <summary>ELU with the default α = 1; see <see cref="CreateElu"/> for others.</summary>
    public static Activation Elu => new(ActivationKind.Elu, DefaultEluAlpha);

    /// <summary>The kind of function.</summary>
    public ActivationKind Kind { get; }

    /// <summary>The parameter of a parameterised kind (leaky relu's negative slope, ELU's α); 0 for the others.</summary>
    public double Parameter { get; }

    /// <summary>
    /// Whether f′ needs the pre-activation Z rather than only the stored activation A = f(Z): the engines store Z for
    /// such layers, and <see cref="Activations.Backward{T}(Activation, ReadOnlyMatrixSpan{T}, ReadOnlyMatrixSpan{T}, ReadOnlyMatrixSpan{T}, MatrixSpan{T}, ComputeOptions)"/> must be given it.
    /// </summary>
    public bool BackwardNeedsPreActivation => ActivationDispatch.NeedsZ(this);

    /// <summary>Whether f is applied to each element on its own (all kinds but <see cref="ActivationKind.Softmax"/>).</summary>
    public bool IsElementwise => Kind != ActivationKind.Softmax;

    /// <summary>The leaky rectifier with a given negative slope.</summary>
    /// <param name="negativeSlope">The slope for z ≤ 0: finite and ≥ 0 (the derivative is read from the sign of the stored activation, which a negative slope would flip).</param>
    /// <returns>The activation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The slope is negative, NaN or infinite.</exception>
    public static Activation CreateLeakyRelu(double negativeSlope) => Create(ActivationKind.LeakyRelu, negativeSlope);

    /// <summary>ELU with a given α: <c>z</c> for <c>z &gt; 0</c>, else <c>α·(e^z − 1)</c>.</summary>
    /// <param name="alpha">The value ELU approaches as z → −∞, negated: finite and &gt; 0 (the derivative is read from the sign of the stored activation, which α ≤ 0 would lose).</param>
    /// <returns>The activation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">α is 0, negative, NaN or infinite.</exception>
    public static Activation CreateElu(double alpha) => Create(ActivationKind.Elu, alpha);

    /// <summary>The activation of <paramref name="kind"/> with that kind's default parameter.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The activation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined.</exception>
    public static Activation FromKind(ActivationKind kind) => new(kind, ActivationNames.Describe(kind).DefaultParameter);

    /// <summary>The activation of <paramref name="kind"/> with <paramref name="parameter"/>, checked as the kind's factory checks it.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="parameter">The parameter; must be 0 for a kind without one.</param>
    /// <returns>The activation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The kind is not defined, or the parameter does not fit it.</exception>
    public static Activation Create(ActivationKind kind, double parameter)
    {
        var error = ParameterError(kind, parameter);
        if (error is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(parameter), parameter, error);
        }

        return new(kind, parameter);
    }

    /// <summary>Why <paramref name="parameter"/> does not fit <paramref name="kind"/> (naming the parameter as files do), or null when it does.</summary>
    internal static string? ParameterError(ActivationKind kind, double parameter)
    {
        var info = ActivationNames.Describe(kind);
        if (info.ParameterName is null)
        {
            return parameter == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{info.Name} takes no parameter; got {parameter}.");
        }

        var rule = ActivationDispatch.ParameterRule(kind, parameter);
        return rule is null ? null : string.Create(CultureInfo.InvariantCulture, $"{info.ParameterName} must be {rule}; got {parameter}.");
    }

    /// <summary>The activation as given, unchecked: for the dispatch that reads a kind's facts, which the checks need.</summary>
    internal static Activation Unchecked(ActivationKind kind, double parameter) => new(kind, parameter);

    /// <summary>Whether both have the same kind and parameter.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Activation left, Activation right) => left.Equals(right);

    /// <summary>Whether kind or parameter differ.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(Activation left, Activation right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(Activation other) => Kind == other.Kind && Parameter.Equals(other.Parameter);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Activation other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Parameter);

    /// <summary>The name in architecture files, with a non-default parameter: <c>relu</c>, <c>leaky_relu(negative_slope=0.2)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var info = ActivationNames.Describe(Kind);
        return info.ParameterName is null || Parameter == info.DefaultParameter
            ? info.Name
            : string.Create(CultureInfo.InvariantCulture, $"{info.Name}({info.ParameterName}={Parameter})");
    }
}
