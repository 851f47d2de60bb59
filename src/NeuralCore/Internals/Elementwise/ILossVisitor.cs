using System.Numerics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// What a call site does once <see cref="LossDispatch"/> has turned a runtime <see cref="Loss"/> into its term type:
/// a <see langword="ref struct"/> holding the call's arguments, its result in a field.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface ILossVisitor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A loss that is a sum of per-element terms of prediction and target, with its parameter converted to <typeparamref name="T"/>.</summary>
    void Visit<TTerm>(T parameter)
        where TTerm : ILossTerm<T>;

    /// <summary>Cross-entropy against class ids: one target per row, so row-wise rather than element-wise.</summary>
    void VisitSparseCrossEntropy();
}
