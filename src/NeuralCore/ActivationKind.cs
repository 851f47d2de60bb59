using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals.Operators;

// The one definition of the activation kinds: the enum, the dispatch to each kind's operator (which states the kind's
// name, parameter and function) and the order users meet them in. A new kind is one member, one case and one entry
// here, plus its operator, its scalar reference and its test row.
namespace NeuralCore;

/// <summary>The kind of an <see cref="Activation"/>; parameterised kinds take their parameter from the <see cref="Activation"/>.</summary>
public enum ActivationKind
{
    /// <summary>The identity, <c>f(z) = z</c>.</summary>
    Linear = 0,

    /// <summary>The logistic function <c>1 / (1 + e^-z)</c>.</summary>
    Sigmoid = 1,

    /// <summary>The rectifier <c>max(0, z)</c>; its derivative at 0 is taken as 0.</summary>
    Relu = 2,

    /// <summary>The leaky rectifier: <c>z</c> for <c>z &gt; 0</c>, else <c>s·z</c> with the negative slope <c>s</c> (<see cref="Activation.Parameter"/>).</summary>
    LeakyRelu = 3,

    /// <summary>The hyperbolic tangent.</summary>
    Tanh = 4,

    /// <summary>The row-wise softmax <c>e^(z_j - max z) / Σ_k e^(z_k - max z)</c>; for output layers.</summary>
    Softmax = 5,

    /// <summary>
    /// The Gaussian error linear unit in its exact form, <c>z·Φ(z)</c> with Φ the standard normal distribution function
    /// (PyTorch's <c>GELU()</c>, <c>approximate='none'</c>). Φ(z) is evaluated as <c>erfc(−z/√2)/2</c>, so very negative z
    /// keep their relative precision where <c>(1 + erf(z/√2))/2</c> cancels to 0.
    /// </summary>
    Gelu = 6,

    /// <summary>
    /// GELU's tanh approximation, <c>z/2·(1 + tanh(√(2/π)·(z + 0.044715·z³)))</c> (PyTorch's <c>approximate='tanh'</c>),
    /// evaluated as the equal <c>z·σ(2·√(2/π)·(z + 0.044715·z³))</c>, which does not cancel for negative z.
    /// </summary>
    GeluTanh = 7,

    /// <summary>The sigmoid-weighted linear unit (swish), <c>z·σ(z)</c>.</summary>
    Silu = 8,

    /// <summary>The smooth rectifier <c>log(1 + e^z)</c>, evaluated as <c>max(z, 0) + log(1 + e^−|z|)</c>; its derivative is σ(z).</summary>
    Softplus = 9,

    /// <summary>
    /// The exponential linear unit: <c>z</c> for <c>z &gt; 0</c>, else <c>α·(e^z − 1)</c> with <c>α &gt; 0</c>
    /// (<see cref="Activation.Parameter"/>); f′ is read from the stored activation (<c>a + α</c> below 0).
    /// </summary>
    Elu = 10,
}

/// <summary>
/// The one place where an <see cref="Activation"/> becomes its operator type. Every kernel site (the element-wise
/// passes, the GEMM epilogue, the narrow engine, the fused head, the losses) receives the type through a visitor, and
/// so do the user-facing facts (<see cref="ActivationNames"/>, <see cref="Activation.Create"/>), which each operator
/// declares (<see cref="IActivationFacts"/>). An undefined kind throws; nothing falls back to another function.
/// </summary>
internal static class ActivationDispatch
{
    /// <summary>
    /// Every kind once, in the order users meet them (<see cref="ActivationNames.ValidNames"/>, messages, help); not
    /// the enum's, which keeps <see cref="ActivationKind.Linear"/> at 0 for <see langword="default"/>.
    /// </summary>
    private static readonly ActivationKind[] s_userOrder =
    [
        ActivationKind.Sigmoid,
        ActivationKind.Relu,
        ActivationKind.LeakyRelu,
        ActivationKind.Tanh,
        ActivationKind.Linear,
        ActivationKind.Softmax,
        ActivationKind.Gelu,
        ActivationKind.GeluTanh,
        ActivationKind.Silu,
        ActivationKind.Softplus,
        ActivationKind.Elu,
    ];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dispatch<T, TVisitor>(Activation activation, ref TVisitor visitor)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVisitor : IActivationVisitor<T>, allows ref struct
    {
        var parameter = T.CreateTruncating(activation.Parameter);
        switch (activation.Kind)
        {
            case ActivationKind.Linear: visitor.Visit<LinearOperator<T>>(parameter); return;
            case ActivationKind.Sigmoid: visitor.Visit<SigmoidOperator<T>>(parameter); return;
            case ActivationKind.Relu: visitor.Visit<ReluOperator<T>>(parameter); return;
            case ActivationKind.LeakyRelu: visitor.Visit<LeakyReluOperator<T>>(parameter); return;
            case ActivationKind.Tanh: visitor.Visit<TanhOperator<T>>(parameter); return;
            case ActivationKind.Softmax: visitor.VisitSoftmax(); return;
            case ActivationKind.Gelu: visitor.Visit<GeluOperator<T>>(parameter); return;
            case ActivationKind.GeluTanh: visitor.Visit<GeluTanhOperator<T>>(parameter); return;
            case ActivationKind.Silu: visitor.Visit<SiluOperator<T>>(parameter); return;
            case ActivationKind.Softplus: visitor.Visit<SoftplusOperator<T>>(parameter); return;
            case ActivationKind.Elu: visitor.Visit<EluOperator<T>>(parameter); return;
        }

        Internals.ThrowHelper.ThrowArgumentOutOfRange(nameof(activation), $"{(int)activation.Kind} is not a defined activation kind; expected one of: {ActivationNames.ValidNames}.");
    }

    /// <summary>Whether the derivative of <paramref name="activation"/> reads Z (see <see cref="IActivationOperator{T}.NeedsZ"/>); false for softmax.</summary>
    public static bool NeedsZ(Activation activation)
    {
        var visitor = default(NeedsZVisitor);
        Dispatch<double, NeedsZVisitor>(activation, ref visitor);
        return visitor.Result;
    }

    /// <summary>
    /// Every kind's facts, in the order users meet them: the table <see cref="ActivationNames"/> holds, built once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The order does not list each defined kind once (a bug here).</exception>
    public static ActivationInfo[] DescribeAll()
    {
        // Equal lengths and every defined kind present: each exactly once.
        var defined = Enum.GetValues<ActivationKind>();
        if (s_userOrder.Length != defined.Length || defined.Any(kind => Array.IndexOf(s_userOrder, kind) < 0))
        {
            throw new InvalidOperationException(
                $"ActivationDispatch's user order must list each of the {defined.Length} defined activation kinds once; it lists {string.Join(", ", s_userOrder)}.");
        }

        var table = new ActivationInfo[s_userOrder.Length];
        for (var i = 0; i < table.Length; i++)
        {
            var visitor = default(FactsVisitor);
            Dispatch<double, FactsVisitor>(Activation.Unchecked(s_userOrder[i], 0), ref visitor);
            table[i] = new(s_userOrder[i], visitor.Name!, visitor.ParameterName, visitor.DefaultParameter);
        }

        return table;
    }

    /// <summary>What <paramref name="kind"/> requires of its parameter when <paramref name="parameter"/> does not fit (see <see cref="IActivationFacts.ParameterRule"/>), or null.</summary>
    public static string? ParameterRule(ActivationKind kind, double parameter)
    {
        var visitor = default(ParameterRuleVisitor);
        Dispatch<double, ParameterRuleVisitor>(Activation.Unchecked(kind, parameter), ref visitor);
        return visitor.Rule;
    }

    /// <summary>Softmax's facts: it has no element-wise operator, so they are stated where it is dispatched.</summary>
    private readonly struct SoftmaxFacts : IActivationFacts
    {
        public static string Name => "softmax";
    }

    private struct NeedsZVisitor : IActivationVisitor<double>
    {
        public bool Result;

        public void Visit<TOperator>(double parameter)
            where TOperator : struct, IActivationOperator<double> => Result = TOperator.NeedsZ;

        public void VisitSoftmax() => Result = false;
    }

    private struct FactsVisitor : IActivationVisitor<double>
    {
        public string? Name;
        public string? ParameterName;
        public double DefaultParameter;

        public void Visit<TOperator>(double parameter)
            where TOperator : struct, IActivationOperator<double> => Read<TOperator>();

        public void VisitSoftmax() => Read<SoftmaxFacts>();

        private void Read<TFacts>()
            where TFacts : IActivationFacts
        {
            Name = TFacts.Name;
            ParameterName = TFacts.ParameterName;
            DefaultParameter = TFacts.DefaultParameter;
        }
    }

    private struct ParameterRuleVisitor : IActivationVisitor<double>
    {
        public string? Rule;

        public void Visit<TOperator>(double parameter)
            where TOperator : struct, IActivationOperator<double> => Read<TOperator>(parameter);

        public void VisitSoftmax() => Read<SoftmaxFacts>(0);

        private void Read<TFacts>(double parameter)
            where TFacts : IActivationFacts => Rule = TFacts.ParameterRule(parameter);
    }
}
