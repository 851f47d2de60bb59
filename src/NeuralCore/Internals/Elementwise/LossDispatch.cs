using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// The one place where a <see cref="Loss"/> becomes its term type, alone or fused with the output activation. The
/// kernels receive the type through a visitor, so adding a loss adds its lines here. An undefined kind throws;
/// nothing falls back to another loss.
/// </summary>
internal static class LossDispatch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dispatch<T, TVisitor>(Loss loss, ref TVisitor visitor)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVisitor : ILossVisitor<T>, allows ref struct
    {
        var parameter = T.CreateTruncating(loss.Parameter);
        switch (loss.Kind)
        {
            case LossKind.MeanSquaredError: visitor.Visit<MeanSquaredErrorTerm<T>>(parameter); return;
            case LossKind.BinaryCrossEntropy: visitor.Visit<BinaryCrossEntropyTerm<T>>(parameter); return;
            case LossKind.CrossEntropy: visitor.Visit<CrossEntropyTerm<T>>(parameter); return;
            case LossKind.Huber: visitor.Visit<HuberTerm<T>>(parameter); return;
            case LossKind.SparseCrossEntropy: visitor.VisitSparseCrossEntropy(); return;
        }

        ThrowUnknown(loss);
    }

    /// <summary>The fused form of <paramref name="loss"/> with <paramref name="activation"/> when <see cref="Loss.IsFusedWith"/> says they fuse, else the composition.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DispatchFused<T, TVisitor>(Loss loss, Activation activation, ref TVisitor visitor)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVisitor : IFusedLossVisitor<T>, allows ref struct
    {
        if (!loss.IsFusedWith(activation))
        {
            visitor.VisitComposed();
            return;
        }

        switch (loss.Kind)
        {
            case LossKind.BinaryCrossEntropy: visitor.VisitElementwise<SigmoidBinaryCrossEntropyTerm<T>>(); return;
            case LossKind.CrossEntropy: visitor.VisitSoftmaxCrossEntropy(); return;
            case LossKind.SparseCrossEntropy: visitor.VisitSoftmaxSparseCrossEntropy(); return;
        }

        // LossNames gives this loss a required output activation but no fused form was written for the pair.
        ThrowHelper.ThrowArgumentOutOfRange(nameof(loss), $"{loss} with a {activation} output has no fused form.");
    }

    private static void ThrowUnknown(Loss loss) =>
        ThrowHelper.ThrowArgumentOutOfRange(nameof(loss), $"{(int)loss.Kind} is not a defined loss kind; expected one of: {LossNames.ValidNames}.");
}
