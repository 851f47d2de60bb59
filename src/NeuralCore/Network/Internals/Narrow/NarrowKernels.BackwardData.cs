using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using NeuralCore.Internals;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

// The backward-data pass (BP2): δ_prev = f′ ⊙ (W_int·δ), in the register tiles it shares with the forward pass (NarrowKernels.Tile.cs).
internal static partial class NarrowKernels
{
    /// <summary>
    /// <c>δ_prev[i, j] = f′(Z_prev[i, j]) · Σ_o W_int[i, o]·δ[o, j]</c>, f′ from A_prev (or from Z_prev, for the
    /// activations that need it; empty otherwise); with <see cref="Activation.Linear"/> and empty views it is the plain
    /// product (the gradient with respect to the input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardData<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, Activation previous, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(delta.Columns == previousDelta.Columns && weights.Rows == previousDelta.Rows && weights.Columns == delta.Rows);
        if (path == KernelPath.Reference)
        {
            NarrowKernelsReference.BackwardData(delta, weights, previous, previousZ, previousActivation, previousDelta);
            return;
        }

        var visitor = new BackwardDataVisitor<T>(delta, weights, previousZ, previousActivation, previousDelta, path);
        ActivationDispatch.Dispatch<T, BackwardDataVisitor<T>>(previous, ref visitor);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardData<T, TOperator>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivationOperator<T>
    {
        // Output row i at step o reads W_int[i, o]: the next row is the next W row, the next step the next element.
        var epilogue = new BackwardDataEpilogue<T, TOperator>(previousZ, previousActivation, parameter, previousDelta);
        Linear<T, BackwardDataEpilogue<T, TOperator>>(delta, ref weights.DangerousGetReferenceAt(0, 0), (nuint)weights.Stride, 1, previousDelta.Rows, previousDelta.Columns, ref epilogue, path);
    }

    /// <summary>The backward-data pass's start (zero) and store (<c>δ_prev = sum ⊙ f′</c>).</summary>
    private readonly ref struct BackwardDataEpilogue<T, TOperator>(ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, T parameter, MatrixSpan<T> previousDelta) : INarrowEpilogue<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivationOperator<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _previousZ = previousZ;
        private readonly ReadOnlyMatrixSpan<T> _previousActivation = previousActivation;
        private readonly T _parameter = parameter;
        private readonly MatrixSpan<T> _previousDelta = previousDelta;

        public static bool UnitRowStep => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TVector Initial<TVector, TSimd>(nint row)
            where TVector : struct
            where TSimd : ISimd<T, TVector> => TSimd.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store<TVector, TSimd, TColumns>(TVector sum0, TVector sum1, nint row, nuint j)
            where TVector : struct
            where TSimd : ISimd<T, TVector>
            where TColumns : IConstant
        {
            var j1 = j + (nuint)TSimd.Count;
            ref var destination = ref Unsafe.Add(ref _previousDelta.DangerousGetReferenceAt(0, 0), row * _previousDelta.Stride);

            // A linear previous layer (or the network input) has f′ = 1: its activation is never read (it may be empty).
            if (typeof(TOperator) == typeof(LinearOperator<T>))
            {
                TSimd.Store(sum0, ref destination, j);
                if (TColumns.Value > 1)
                {
                    TSimd.Store(sum1, ref destination, j1);
                }

                return;
            }

            // Z is read only by operators whose f′ needs it (their layers store Z); the others read A alone.
            ref var activation = ref Unsafe.Add(ref _previousActivation.DangerousGetReferenceAt(0, 0), row * _previousActivation.Stride);
            ref var preActivation = ref TOperator.NeedsZ ? ref Unsafe.Add(ref _previousZ.DangerousGetReferenceAt(0, 0), row * _previousZ.Stride) : ref activation;
            var p = TSimd.Broadcast(_parameter);
            var a0 = TSimd.Load(ref activation, j);
            TSimd.Store(TSimd.Derivative<TOperator>(TOperator.NeedsZ ? TSimd.Load(ref preActivation, j) : a0, a0, sum0, p), ref destination, j);
            if (TColumns.Value > 1)
            {
                var a1 = TSimd.Load(ref activation, j1);
                TSimd.Store(TSimd.Derivative<TOperator>(TOperator.NeedsZ ? TSimd.Load(ref preActivation, j1) : a1, a1, sum1, p), ref destination, j1);
            }
        }
    }

    /// <summary>The backward-data pass of one layer, for the previous layer's operator.</summary>
    private readonly ref struct BackwardDataVisitor<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousZ, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta, KernelPath path) : IActivationVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _delta = delta;
        private readonly ReadOnlyMatrixSpan<T> _weights = weights;
        private readonly ReadOnlyMatrixSpan<T> _previousZ = previousZ;
        private readonly ReadOnlyMatrixSpan<T> _previousActivation = previousActivation;
        private readonly MatrixSpan<T> _previousDelta = previousDelta;

        public void Visit<TOperator>(T parameter)
            where TOperator : struct, IActivationOperator<T> => BackwardData<T, TOperator>(_delta, _weights, _previousZ, _previousActivation, parameter, _previousDelta, path);

        public void VisitSoftmax() => ThrowNotElementwise();
    }
}
