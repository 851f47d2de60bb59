using System.Numerics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// What a call site does once <see cref="LossDispatch.DispatchFused{T, TVisitor}"/> has decided how a loss goes through
/// the output activation: one of the fused forms computed from the logits, or the composition ∂L/∂A ⊙ f′.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IFusedLossVisitor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>An element-wise activation fused with its loss: the value from the logit, the gradient a − y (sigmoid + binary cross-entropy).</summary>
    void VisitElementwise<TTerm>()
        where TTerm : ILossTerm<T>;

    /// <summary>Softmax + cross-entropy against probability rows.</summary>
    void VisitSoftmaxCrossEntropy();

    /// <summary>Softmax + cross-entropy against class ids.</summary>
    void VisitSoftmaxSparseCrossEntropy();

    /// <summary>Not a fused pair: the loss's gradient with respect to the output, then the activation's derivative.</summary>
    void VisitComposed();
}
