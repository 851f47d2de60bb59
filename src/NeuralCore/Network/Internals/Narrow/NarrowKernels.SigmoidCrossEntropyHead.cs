using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Operators;

namespace NeuralCore.Network.Internals.Narrow;

internal static partial class NarrowKernels
{
    /// <summary>
    /// The one-output sigmoid layer, binary cross-entropy, its gradient and the accuracy count in one pass (see
    /// <see cref="SigmoidCrossEntropyHeadKernel{T, TPrevious}"/>): writes <c>a = σ(b + W_intᵀ·X)</c> and <c>δ = (a − y)/m</c>.
    /// </summary>
    /// <param name="input">A_prev. Shape: [inputs, m], feature-major.</param>
    /// <param name="weights">W_int. Shape: [inputs, 1].</param>
    /// <param name="bias">b[0].</param>
    /// <param name="target">y. Length: m.</param>
    /// <param name="a">Receives σ(z). Length: m.</param>
    /// <param name="delta">Receives ∂L/∂z. Length: m.</param>
    /// <param name="previous">The previous layer's activation (for f′ in δ_prev).</param>
    /// <param name="previousZ">The previous layer's Z [inputs, m] when its f′ needs it, else empty.</param>
    /// <param name="previousDelta">Receives δ_prev = f′(X) ⊙ (W_int·δ). Shape: [inputs, m], or empty to skip it.</param>
    /// <param name="batch">The m of δ = (a − y)/m: the whole batch's size when these columns are one part of it.</param>
    /// <param name="path">The kernel path (not the reference: the trainer keeps the separate reference kernels for it).</param>
    /// <returns>The summed loss (not yet divided by m) and the number of correctly classified samples.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Loss, int Correct) SigmoidCrossEntropyHead<T>(
        ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, T bias, ReadOnlySpan<T> target, Span<T> a, Span<T> delta, Activation previous, ReadOnlyMatrixSpan<T> previousZ, MatrixSpan<T> previousDelta, int batch, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(batch >= input.Columns && weights.Rows == input.Rows && weights.Columns == 1 && target.Length == input.Columns && a.Length == input.Columns && delta.Length == input.Columns);
        var visitor = new HeadVisitor<T>(input, weights, bias, target, a, delta, previousZ, previousDelta, batch, path);
        ActivationDispatch.Dispatch<T, HeadVisitor<T>>(previous, ref visitor);
        return visitor.Result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Loss, int Correct) SigmoidCrossEntropyHead<T, TPrevious>(
        ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, T bias, ReadOnlySpan<T> target, Span<T> a, Span<T> delta, ReadOnlyMatrixSpan<T> previousZ, T previousParameter, MatrixSpan<T> previousDelta, int batch, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TPrevious : struct, IActivationOperator<T>
    {
        var kernel = new SigmoidCrossEntropyHeadKernel<T, TPrevious>(
            input, weights, bias, ref MemoryMarshal.GetReference(target), ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(delta), previousDelta, previousZ, previousParameter, batch);
        ElementwiseDriver.Run<T, SigmoidCrossEntropyHeadKernel<T, TPrevious>>(ref kernel, input.Columns, path);
        return (kernel.Loss, input.Columns - kernel.Disagreements);
    }

    /// <summary>The head for the previous layer's operator (its f′ in δ_prev).</summary>
    private ref struct HeadVisitor<T>(
        ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, T bias, ReadOnlySpan<T> target, Span<T> a, Span<T> delta, ReadOnlyMatrixSpan<T> previousZ, MatrixSpan<T> previousDelta, int batch, KernelPath path)
        : IActivationVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _input = input;
        private readonly ReadOnlyMatrixSpan<T> _weights = weights;
        private readonly ReadOnlySpan<T> _target = target;
        private readonly Span<T> _a = a;
        private readonly Span<T> _delta = delta;
        private readonly ReadOnlyMatrixSpan<T> _previousZ = previousZ;
        private readonly MatrixSpan<T> _previousDelta = previousDelta;

        public (double Loss, int Correct) Result;

        public void Visit<TOperator>(T parameter)
            where TOperator : struct, IActivationOperator<T> =>
            Result = SigmoidCrossEntropyHead<T, TOperator>(_input, _weights, bias, _target, _a, _delta, _previousZ, parameter, _previousDelta, batch, path);

        public readonly void VisitSoftmax() =>
            throw new ArgumentOutOfRangeException("previous", "The narrow engine runs element-wise activations only (NarrowEngine.IsEligible excludes softmax).");
    }
}
