using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// Fused kernels for narrow layers in the feature-major layout, SIMD lanes along the batch (performance-research.md §4):
/// activations are [features, batch] with the batch contiguous, so a 2→4 layer is 8 broadcast-FMAs per 16 samples
/// instead of a 4-wide GEMM row per sample. One call per layer and pass: the bias, the activation and its derivative
/// are fused, and nothing is validated here (the trainer and predictor validate once at their public edge).
/// </summary>
/// <remarks>
/// Weights are read from the network's W_int[in, out] (scalars broadcast), so both engines share one parameter layout.
/// Every width does <c>a·b + c</c> as one fused multiply-add (half the arithmetic of multiply-then-add; the epoch is
/// arithmetic-bound once the calls are fused), in the reference's order, so all non-reference paths agree bit for bit
/// on the linear part and differ from the plain-arithmetic reference by at most one rounding per term.
/// </remarks>
internal static class NarrowKernels
{
    /// <summary><c>Z[o, j] = b[o] + Σ_i W_int[i, o]·X[i, j]</c>, <c>A = f(Z)</c>; Z stored only when <paramref name="z"/> is not empty.</summary>
    public static void Forward<T>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, Activation activation, MatrixSpan<T> z, MatrixSpan<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(input.Columns == a.Columns && weights.Rows == input.Rows && weights.Columns == a.Rows && bias.Length == a.Rows);
        if (path == KernelPath.Reference)
        {
            NarrowKernelsReference.Forward(input, weights, bias, activation, z, a);
            return;
        }

        switch (activation)
        {
            case Activation.Linear: Forward<T, LinearOperator<T>>(input, weights, bias, z, a, path); break;
            case Activation.Sigmoid: Forward<T, SigmoidOperator<T>>(input, weights, bias, z, a, path); break;
            case Activation.Relu: Forward<T, ReluOperator<T>>(input, weights, bias, z, a, path); break;
            case Activation.LeakyRelu: Forward<T, LeakyReluOperator<T>>(input, weights, bias, z, a, path); break;
            case Activation.Tanh: Forward<T, TanhOperator<T>>(input, weights, bias, z, a, path); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "The narrow engine runs element-wise activations only.");
        }
    }

    /// <summary>
    /// <c>δ_prev[i, j] = f′(A_prev[i, j]) · Σ_o W_int[i, o]·δ[o, j]</c>; with <see cref="Activation.Linear"/> and an empty
    /// <paramref name="previousActivation"/> it is the plain product (the gradient with respect to the input).
    /// </summary>
    public static void BackwardData<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, Activation previous, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(delta.Columns == previousDelta.Columns && weights.Rows == previousDelta.Rows && weights.Columns == delta.Rows);
        if (path == KernelPath.Reference)
        {
            NarrowKernelsReference.BackwardData(delta, weights, previous, previousActivation, previousDelta);
            return;
        }

        switch (previous)
        {
            case Activation.Linear: BackwardData<T, LinearOperator<T>>(delta, weights, previousActivation, previousDelta, path); break;
            case Activation.Sigmoid: BackwardData<T, SigmoidOperator<T>>(delta, weights, previousActivation, previousDelta, path); break;
            case Activation.Relu: BackwardData<T, ReluOperator<T>>(delta, weights, previousActivation, previousDelta, path); break;
            case Activation.LeakyRelu: BackwardData<T, LeakyReluOperator<T>>(delta, weights, previousActivation, previousDelta, path); break;
            case Activation.Tanh: BackwardData<T, TanhOperator<T>>(delta, weights, previousActivation, previousDelta, path); break;
            default: throw new ArgumentOutOfRangeException(nameof(previous), previous, "The narrow engine runs element-wise activations only.");
        }
    }

    /// <summary><c>dW_int[i, o] = Σ_j δ[o, j]·A_prev[i, j]</c> and <c>db[o] = Σ_j δ[o, j]</c> (the 1/m is inside δ).</summary>
    public static void WeightGradient<T>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> weightGradient, Span<T> biasGradient, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Debug.Assert(delta.Columns == previousActivation.Columns && weightGradient.Rows == previousActivation.Rows && weightGradient.Columns == delta.Rows);
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            WeightGradient<T, Vector512<T>, Simd512<T>>(delta, previousActivation, weightGradient, biasGradient);
        }
        else if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            WeightGradient<T, Vector256<T>, Simd256<T>>(delta, previousActivation, weightGradient, biasGradient);
        }
        else if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            WeightGradient<T, Vector128<T>, Simd128<T>>(delta, previousActivation, weightGradient, biasGradient);
        }
        else if (path == KernelPath.Reference)
        {
            NarrowKernelsReference.WeightGradient(delta, previousActivation, weightGradient, biasGradient);
        }
        else
        {
            WeightGradient<T, T, SimdScalar<T>>(delta, previousActivation, weightGradient, biasGradient);
        }
    }

    // The width ladder, once per kernel: each rung takes the columns it can fill, the scalar rung the rest.
    private static void Forward<T, TOperator>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivationOperator<T>
    {
        var j = 0;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            j = ForwardColumns<T, Vector512<T>, Simd512<T>, TOperator>(input, weights, bias, z, a, j);
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            j = ForwardColumns<T, Vector256<T>, Simd256<T>, TOperator>(input, weights, bias, z, a, j);
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            j = ForwardColumns<T, Vector128<T>, Simd128<T>, TOperator>(input, weights, bias, z, a, j);
        }

        ForwardColumns<T, T, SimdScalar<T>, TOperator>(input, weights, bias, z, a, j);
    }

    private static void BackwardData<T, TOperator>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IActivationOperator<T>
    {
        var j = 0;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            j = BackwardColumns<T, Vector512<T>, Simd512<T>, TOperator>(delta, weights, previousActivation, previousDelta, j);
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            j = BackwardColumns<T, Vector256<T>, Simd256<T>, TOperator>(delta, weights, previousActivation, previousDelta, j);
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            j = BackwardColumns<T, Vector128<T>, Simd128<T>, TOperator>(delta, weights, previousActivation, previousDelta, j);
        }

        BackwardColumns<T, T, SimdScalar<T>, TOperator>(delta, weights, previousActivation, previousDelta, j);
    }

    // Forward and backward work on four output (resp. input) rows per pass: four independent FMA chains hide the
    // FMA latency (a single chain over a 6-wide layer is latency-bound: measured 1.8 µs for 6×6×900) and share each
    // load of the input (resp. δ) vector. The per-row order of operations is unchanged, so results are too.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ForwardColumns<T, TVector, TSimd, TOperator>(ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, ReadOnlySpan<T> bias, MatrixSpan<T> z, MatrixSpan<T> a, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
    {
        var columns = a.Columns;
        var inputs = input.Rows;
        var outputs = a.Rows;
        var storeZ = !z.IsEmpty;
        for (; j <= columns - TSimd.Count; j += TSimd.Count)
        {
            var offset = (nuint)j;
            var o = 0;
            for (; o <= outputs - 4; o += 4)
            {
                var s0 = TSimd.Broadcast(bias[o]);
                var s1 = TSimd.Broadcast(bias[o + 1]);
                var s2 = TSimd.Broadcast(bias[o + 2]);
                var s3 = TSimd.Broadcast(bias[o + 3]);
                for (var i = 0; i < inputs; i++)
                {
                    var x = TSimd.Load(ref input.DangerousGetReferenceAt(i, 0), offset);
                    ref var w = ref weights.DangerousGetReferenceAt(i, o);
                    s0 = TSimd.FusedMultiplyAdd(TSimd.Broadcast(w), x, s0);
                    s1 = TSimd.FusedMultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref w, 1)), x, s1);
                    s2 = TSimd.FusedMultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref w, 2)), x, s2);
                    s3 = TSimd.FusedMultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref w, 3)), x, s3);
                }

                StoreForward<T, TVector, TSimd, TOperator>(s0, z, a, o, offset, storeZ);
                StoreForward<T, TVector, TSimd, TOperator>(s1, z, a, o + 1, offset, storeZ);
                StoreForward<T, TVector, TSimd, TOperator>(s2, z, a, o + 2, offset, storeZ);
                StoreForward<T, TVector, TSimd, TOperator>(s3, z, a, o + 3, offset, storeZ);
            }

            for (; o < outputs; o++)
            {
                var sum = TSimd.Broadcast(bias[o]);
                for (var i = 0; i < inputs; i++)
                {
                    sum = TSimd.FusedMultiplyAdd(TSimd.Broadcast(weights.DangerousGetReferenceAt(i, o)), TSimd.Load(ref input.DangerousGetReferenceAt(i, 0), offset), sum);
                }

                StoreForward<T, TVector, TSimd, TOperator>(sum, z, a, o, offset, storeZ);
            }
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreForward<T, TVector, TSimd, TOperator>(TVector sum, MatrixSpan<T> z, MatrixSpan<T> a, int row, nuint offset, bool storeZ)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
    {
        if (storeZ)
        {
            TSimd.Store(sum, ref z.DangerousGetReferenceAt(row, 0), offset);
        }

        TSimd.Store(TSimd.Activate<TOperator>(sum), ref a.DangerousGetReferenceAt(row, 0), offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BackwardColumns<T, TVector, TSimd, TOperator>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> weights, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
    {
        var columns = previousDelta.Columns;
        var inputs = previousDelta.Rows;
        var outputs = delta.Rows;
        for (; j <= columns - TSimd.Count; j += TSimd.Count)
        {
            var offset = (nuint)j;
            var i = 0;
            for (; i <= inputs - 4; i += 4)
            {
                TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
                for (var o = 0; o < outputs; o++)
                {
                    var d = TSimd.Load(ref delta.DangerousGetReferenceAt(o, 0), offset);
                    s0 = TSimd.FusedMultiplyAdd(TSimd.Broadcast(weights.DangerousGetReferenceAt(i, o)), d, s0);
                    s1 = TSimd.FusedMultiplyAdd(TSimd.Broadcast(weights.DangerousGetReferenceAt(i + 1, o)), d, s1);
                    s2 = TSimd.FusedMultiplyAdd(TSimd.Broadcast(weights.DangerousGetReferenceAt(i + 2, o)), d, s2);
                    s3 = TSimd.FusedMultiplyAdd(TSimd.Broadcast(weights.DangerousGetReferenceAt(i + 3, o)), d, s3);
                }

                StoreBackward<T, TVector, TSimd, TOperator>(s0, previousActivation, previousDelta, i, offset);
                StoreBackward<T, TVector, TSimd, TOperator>(s1, previousActivation, previousDelta, i + 1, offset);
                StoreBackward<T, TVector, TSimd, TOperator>(s2, previousActivation, previousDelta, i + 2, offset);
                StoreBackward<T, TVector, TSimd, TOperator>(s3, previousActivation, previousDelta, i + 3, offset);
            }

            for (; i < inputs; i++)
            {
                var sum = TSimd.Zero;
                for (var o = 0; o < outputs; o++)
                {
                    sum = TSimd.FusedMultiplyAdd(TSimd.Broadcast(weights.DangerousGetReferenceAt(i, o)), TSimd.Load(ref delta.DangerousGetReferenceAt(o, 0), offset), sum);
                }

                StoreBackward<T, TVector, TSimd, TOperator>(sum, previousActivation, previousDelta, i, offset);
            }
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBackward<T, TVector, TSimd, TOperator>(TVector sum, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> previousDelta, int row, nuint offset)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
        where TOperator : struct, IActivationOperator<T>
    {
        // A linear previous layer (or the network input) has f′ = 1: its activation is never read (it may be empty).
        var result = typeof(TOperator) != typeof(LinearOperator<T>)
            ? TSimd.Derivative<TOperator>(TSimd.Load(ref previousActivation.DangerousGetReferenceAt(row, 0), offset), sum)
            : sum;
        TSimd.Store(result, ref previousDelta.DangerousGetReferenceAt(row, 0), offset);
    }

    /// <summary>Dot products along the batch; four inputs per pass share each δ load and give four independent FMA chains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradient<T, TVector, TSimd>(ReadOnlyMatrixSpan<T> delta, ReadOnlyMatrixSpan<T> previousActivation, MatrixSpan<T> weightGradient, Span<T> biasGradient)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        var columns = delta.Columns;
        var inputs = previousActivation.Rows;
        var vectorEnd = columns - (columns % TSimd.Count);
        for (var o = 0; o < delta.Rows; o++)
        {
            ref var d = ref delta.DangerousGetReferenceAt(o, 0);
            var biasSum = TSimd.Zero;
            for (var j = 0; j < vectorEnd; j += TSimd.Count)
            {
                biasSum = TSimd.Add(biasSum, TSimd.Load(ref d, (nuint)j));
            }

            var bias = TSimd.Sum(biasSum);
            for (var j = vectorEnd; j < columns; j++)
            {
                bias += Unsafe.Add(ref d, j);
            }

            biasGradient[o] = bias;
            var i = 0;
            for (; i <= inputs - 4; i += 4)
            {
                ref var a0 = ref previousActivation.DangerousGetReferenceAt(i, 0);
                ref var a1 = ref previousActivation.DangerousGetReferenceAt(i + 1, 0);
                ref var a2 = ref previousActivation.DangerousGetReferenceAt(i + 2, 0);
                ref var a3 = ref previousActivation.DangerousGetReferenceAt(i + 3, 0);
                TVector s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
                for (var j = 0; j < vectorEnd; j += TSimd.Count)
                {
                    var dv = TSimd.Load(ref d, (nuint)j);
                    s0 = TSimd.FusedMultiplyAdd(dv, TSimd.Load(ref a0, (nuint)j), s0);
                    s1 = TSimd.FusedMultiplyAdd(dv, TSimd.Load(ref a1, (nuint)j), s1);
                    s2 = TSimd.FusedMultiplyAdd(dv, TSimd.Load(ref a2, (nuint)j), s2);
                    s3 = TSimd.FusedMultiplyAdd(dv, TSimd.Load(ref a3, (nuint)j), s3);
                }

                T t0 = TSimd.Sum(s0), t1 = TSimd.Sum(s1), t2 = TSimd.Sum(s2), t3 = TSimd.Sum(s3);
                for (var j = vectorEnd; j < columns; j++)
                {
                    var dj = Unsafe.Add(ref d, j);
                    t0 += dj * Unsafe.Add(ref a0, j);
                    t1 += dj * Unsafe.Add(ref a1, j);
                    t2 += dj * Unsafe.Add(ref a2, j);
                    t3 += dj * Unsafe.Add(ref a3, j);
                }

                weightGradient.DangerousGetReferenceAt(i, o) = t0;
                weightGradient.DangerousGetReferenceAt(i + 1, o) = t1;
                weightGradient.DangerousGetReferenceAt(i + 2, o) = t2;
                weightGradient.DangerousGetReferenceAt(i + 3, o) = t3;
            }

            for (; i < inputs; i++)
            {
                ref var ai = ref previousActivation.DangerousGetReferenceAt(i, 0);
                var s = TSimd.Zero;
                for (var j = 0; j < vectorEnd; j += TSimd.Count)
                {
                    s = TSimd.FusedMultiplyAdd(TSimd.Load(ref d, (nuint)j), TSimd.Load(ref ai, (nuint)j), s);
                }

                var t = TSimd.Sum(s);
                for (var j = vectorEnd; j < columns; j++)
                {
                    t += Unsafe.Add(ref d, j) * Unsafe.Add(ref ai, j);
                }

                weightGradient.DangerousGetReferenceAt(i, o) = t;
            }
        }
    }
}
