using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

// The forward pass: Z = b + W_intᵀ·X and A = f(Z), per layer, in the register tiles it shares with backward-data (NarrowKernels.Tile.cs).
internal static partial class NarrowKernels
{
    /// <summary><c>Z[o, j] = b[o] + Σ_i W_int[i, o]·X[i, j]</c>, <c>A = f(Z)</c>; Z stored only when <paramref name="z"/> is not empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, Activation activation, MatrixSpan<T> z, MatrixSpan<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(input.Columns == a.Columns && weights.Rows == input.Rows && weights.Columns == a.Rows && bias.Length == a.Rows);
        if (path == KernelPath.Reference)
        {
            NarrowKernelsReference.Forward(input, weights, bias, activation, z, a);
            return;
        }

        var visitor = new ForwardVisitor<T>(input, weights, bias, z, a, path);
        ActivationDispatch.Dispatch<T, ForwardVisitor<T>>(activation, ref visitor);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<T, TOperator>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, T parameter, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivationOperator<T>
    {
        // Output row o at step i reads W_int[i, o]: the next row is the next element, the next step the next W row.
        var epilogue = new ForwardEpilogue<T, TOperator>(bias, z, a, parameter);
        Linear<T, ForwardEpilogue<T, TOperator>>(input, ref weights.DangerousGetReferenceAt(0, 0), 1, (nuint)weights.Stride, a.Rows, a.Columns, ref epilogue, path);
    }

    /// <summary>The forward pass's start (the bias) and store (Z when it is wanted, then <c>A = f(Z)</c>).</summary>
    private readonly ref struct ForwardEpilogue<T, TOperator>(ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, T parameter) : INarrowEpilogue<T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivationOperator<T>
    {
        private readonly ReadOnlySpan<T> _bias = bias;
        private readonly MatrixSpan<T> _z = z;
        private readonly MatrixSpan<T> _a = a;
        private readonly T _parameter = parameter;
        private readonly bool _storeZ = !z.IsEmpty;

        public static bool UnitRowStep => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TVector Initial<TVector, TSimd>(nint row)
            where TVector : struct
            where TSimd : ISimd<T, TVector> => TSimd.Broadcast(Unsafe.Add(ref MemoryMarshal.GetReference(_bias), row));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store<TVector, TSimd, TColumns>(TVector sum0, TVector sum1, nint row, nuint j)
            where TVector : struct
            where TSimd : ISimd<T, TVector>
            where TColumns : IConstant
        {
            if (_storeZ)
            {
                ref var zRow = ref Unsafe.Add(ref _z.DangerousGetReferenceAt(0, 0), row * _z.Stride);
                TSimd.Store(sum0, ref zRow, j);
                if (TColumns.Value > 1)
                {
                    TSimd.Store(sum1, ref zRow, j + (nuint)TSimd.Count);
                }
            }

            ref var aRow = ref Unsafe.Add(ref _a.DangerousGetReferenceAt(0, 0), row * _a.Stride);
            TSimd.Store(TSimd.Activate<TOperator>(sum0, TSimd.Broadcast(_parameter)), ref aRow, j);
            if (TColumns.Value > 1)
            {
                TSimd.Store(TSimd.Activate<TOperator>(sum1, TSimd.Broadcast(_parameter)), ref aRow, j + (nuint)TSimd.Count);
            }
        }
    }

    /// <summary>The forward pass of one layer, for the operator the dispatch picks.</summary>
    private readonly ref struct ForwardVisitor<T>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, KernelPath path) : IActivationVisitor<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlyMatrixSpan<T> _input = input;
        private readonly ReadOnlyMatrixSpan<T> _weights = weights;
        private readonly ReadOnlySpan<T> _bias = bias;
        private readonly MatrixSpan<T> _z = z;
        private readonly MatrixSpan<T> _a = a;

        public void Visit<TOperator>(T parameter)
            where TOperator : struct, IActivationOperator<T> => Forward<T, TOperator>(_input, _weights, _bias, _z, _a, parameter, path);

        public void VisitSoftmax() => ThrowNotElementwise();
    }
}
