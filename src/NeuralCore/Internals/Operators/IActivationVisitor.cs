using System.Numerics;

namespace NeuralCore.Internals.Operators;

/// <summary>
/// What a call site does once <see cref="ActivationDispatch"/> has turned a runtime <see cref="Activation"/> into
/// its operator type: a <see langword="ref struct"/> holding the call's arguments, its result in a field.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IActivationVisitor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>An element-wise activation, with its parameter converted to <typeparamref name="T"/>.</summary>
    void Visit<TOperator>(T parameter)
        where TOperator : struct, IActivationOperator<T>;

    /// <summary>The row-wise softmax (no element-wise operator; sites that cannot run it throw here).</summary>
    void VisitSoftmax();
}
