using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// The one place where an <see cref="Activation"/> becomes its operator type. Every kernel site (the element-wise
/// passes, the GEMM epilogue, the narrow engine, the fused head, the losses) receives the type through a visitor, so
/// adding an activation adds one line here. An undefined kind throws; nothing falls back to another function.
/// </summary>
internal static class ActivationDispatch
{
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

        ThrowHelper.ThrowArgumentOutOfRange(nameof(activation), $"{(int)activation.Kind} is not a defined activation kind; expected one of: {ActivationNames.ValidNames}.");
    }

    /// <summary>Whether the derivative of <paramref name="activation"/> reads Z (see <see cref="IActivationOperator{T}.NeedsZ"/>); false for softmax.</summary>
    public static bool NeedsZ(Activation activation)
    {
        var visitor = default(NeedsZVisitor);
        Dispatch<double, NeedsZVisitor>(activation, ref visitor);
        return visitor.Result;
    }

    private struct NeedsZVisitor : IActivationVisitor<double>
    {
        public bool Result;

        public void Visit<TOperator>(double parameter)
            where TOperator : struct, IActivationOperator<double> => Result = TOperator.NeedsZ;

        public void VisitSoftmax() => Result = false;
    }
}
