using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// The output layer of a sigmoid + binary cross-entropy narrow net in one pass over the batch: per sample
/// <c>z = b + Σ_i W_int[i, 0]·X[i, j]</c>, <c>a = σ(z)</c>, <c>δ = (a − y)/m</c>, the loss term
/// <c>max(z, 0) − z·y + log(1 + e^−|z|)</c> summed in double, the count of <c>(a ≥ ½) == (y ≥ ½)</c>, and (when a
/// destination is given) the previous layer's error <c>δ_prev[i, j] = f′(X[i, j])·(W_int[i, 0]·δ_j)</c>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TPrevious">The previous layer's activation (whose output X is), for f′.</typeparam>
/// <remarks>
/// The sigmoid and the loss share one <c>e = e^−|z|</c> (they are four passes otherwise: the forward kernel, the
/// public fused loss reading Z and A back, the accuracy count). Every value is computed by the same operations as the
/// kernels it replaces, so a, δ, the loss and the count are bit-identical to
/// <c>NarrowKernels.Forward</c> + <c>Losses.EvaluateWithOutputGradient</c> + <c>Metrics.CountCorrect</c> on the
/// same path: z sums the bias then each input with one <c>ISimd.FusedMultiplyAdd</c> (as the forward tiles do), the vector
/// sigmoid is <see cref="SigmoidOperator{T}"/>'s formula with its e shared, the loss is
/// <see cref="SigmoidBinaryCrossEntropyTerm{T}"/>'s, δ is the same true division by m, and
/// <see cref="ElementwiseDriver"/> splits the batch into the same widths as both; δ_prev is what
/// <c>NarrowKernels.BackwardData</c> computes for a one-output layer (one <c>ISimd.FusedMultiplyAdd</c> onto zero, then f′).
/// </remarks>
internal ref struct SigmoidCrossEntropyHeadKernel<T, TPrevious> : IElementwiseKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TPrevious : struct, IActivationOperator<T>
{
    private readonly ref T _x;
    private readonly nuint _xStride;
    private readonly int _inputs;
    private readonly ref T _w;
    private readonly nuint _wStride;
    private readonly T _bias;
    private readonly ref T _y;
    private readonly ref T _a;
    private readonly ref T _delta;
    private readonly T _m;
    private readonly ref T _previousDelta;
    private readonly nuint _previousDeltaStride;
    private readonly ref T _previousZ;
    private readonly nuint _previousZStride;
    private readonly T _previousParameter;
    private readonly bool _backward;
    private Vector512<double> _loss512;
    private Vector256<double> _loss256;
    private Vector128<double> _loss128;
    private double _loss;
    private int _disagree;

    /// <summary>
    /// Creates the kernel over X [inputs, n] (feature-major; n samples, a part of a batch of <paramref name="batch"/>),
    /// W_int's column 0, y/a/δ contiguous [n], and δ_prev [inputs, n] (empty: not computed); the previous layer's Z
    /// [inputs, n] (read only when <typeparamref name="TPrevious"/> needs it) and activation parameter for its f′.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SigmoidCrossEntropyHeadKernel(
        ReadOnlyMatrixSpan<T> input, ReadOnlyMatrixSpan<T> weights, T bias, ref T target, ref T a, ref T delta, MatrixSpan<T> previousDelta, ReadOnlyMatrixSpan<T> previousZ, T previousParameter, int batch)
    {
        _x = ref input.DangerousGetReference();
        _xStride = (nuint)input.Stride;
        _inputs = input.Rows;
        _w = ref weights.DangerousGetReference();
        _wStride = (nuint)weights.Stride;
        _bias = bias;
        _y = ref target;
        _a = ref a;
        _delta = ref delta;
        _m = T.CreateTruncating(batch);
        _backward = !previousDelta.IsEmpty;
        _previousDelta = ref previousDelta.DangerousGetReference();
        _previousDeltaStride = (nuint)previousDelta.Stride;
        _previousZ = ref TPrevious.NeedsZ ? ref previousZ.DangerousGetReference() : ref _x;
        _previousZStride = TPrevious.NeedsZ ? (nuint)previousZ.Stride : _xStride;
        _previousParameter = previousParameter;
    }

    /// <summary>The summed loss (not yet divided by m).</summary>
    public readonly double Loss => DoubleSum.Total(_loss512, _loss256, _loss128, _loss);

    /// <summary>The number of samples whose predicted class (a ≥ ½) disagrees with the target's (y ≥ ½).</summary>
    public readonly int Disagreements => _disagree;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke(nint i)
    {
        var z = Logit<T, SimdScalar<T>>(i);

        var y = Unsafe.Add(ref _y, i);
        var a = SigmoidOperator<T>.Invoke(z, T.Zero);
        Unsafe.Add(ref _a, i) = a;
        var delta = (a - y) / _m;
        Unsafe.Add(ref _delta, i) = delta;
        if (_backward)
        {
            Backward<T, SimdScalar<T>>(delta, i);
        }

        _loss = DoubleSum.Add(_loss, SigmoidBinaryCrossEntropyTerm<T>.Value(z, y, T.Zero, T.Zero));
        _disagree += ThresholdDisagreementKernel<T>.Count(a, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke128(nint i)
    {
        var z = Logit<Vector128<T>, Simd128<T>>(i);

        var y = Vector128.LoadUnsafe(ref _y, (nuint)i);
        var e = VectorMath.Exp(-Vector128.Abs(z));
        var a = SigmoidOperator<T>.FromExp(z, e);
        a.StoreUnsafe(ref _a, (nuint)i);
        var delta = (a - y) / _m;
        delta.StoreUnsafe(ref _delta, (nuint)i);
        if (_backward)
        {
            Backward<Vector128<T>, Simd128<T>>(delta, i);
        }

        _loss128 = DoubleSum.Add(_loss128, SigmoidBinaryCrossEntropyTerm<T>.ValueFromExp(z, y, e));
        _disagree += ThresholdDisagreementKernel<T>.Count(a, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke256(nint i)
    {
        var z = Logit<Vector256<T>, Simd256<T>>(i);

        var y = Vector256.LoadUnsafe(ref _y, (nuint)i);
        var e = VectorMath.Exp(-Vector256.Abs(z));
        var a = SigmoidOperator<T>.FromExp(z, e);
        a.StoreUnsafe(ref _a, (nuint)i);
        var delta = (a - y) / _m;
        delta.StoreUnsafe(ref _delta, (nuint)i);
        if (_backward)
        {
            Backward<Vector256<T>, Simd256<T>>(delta, i);
        }

        _loss256 = DoubleSum.Add(_loss256, SigmoidBinaryCrossEntropyTerm<T>.ValueFromExp(z, y, e));
        _disagree += ThresholdDisagreementKernel<T>.Count(a, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke512(nint i)
    {
        var z = Logit<Vector512<T>, Simd512<T>>(i);

        var y = Vector512.LoadUnsafe(ref _y, (nuint)i);
        var e = VectorMath.Exp(-Vector512.Abs(z));
        var a = SigmoidOperator<T>.FromExp(z, e);
        a.StoreUnsafe(ref _a, (nuint)i);
        var delta = (a - y) / _m;
        delta.StoreUnsafe(ref _delta, (nuint)i);
        if (_backward)
        {
            Backward<Vector512<T>, Simd512<T>>(delta, i);
        }

        _loss512 = DoubleSum.Add(_loss512, SigmoidBinaryCrossEntropyTerm<T>.ValueFromExp(z, y, e));
        _disagree += ThresholdDisagreementKernel<T>.Count(a, y);
    }

    // z = b + Σ_k w_k·x_k, one ISimd.FusedMultiplyAdd per input in k order (as the forward tiles), four inputs per trip:
    // the loop bookkeeping was a third of the head's instructions at the moons net's 4 inputs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly TVector Logit<TVector, TSimd>(nint i)
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        var z = TSimd.Broadcast(_bias);
        ref var x = ref Unsafe.Add(ref _x, i);
        ref var w = ref _w;
        var k = 0;
        for (; k <= _inputs - 4; k += 4)
        {
            z = TSimd.FusedMultiplyAdd(TSimd.Broadcast(w), TSimd.Load(ref x), z);
            z = TSimd.FusedMultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref w, _wStride)), TSimd.Load(ref x, _xStride), z);
            z = TSimd.FusedMultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref w, 2 * _wStride)), TSimd.Load(ref x, 2 * _xStride), z);
            z = TSimd.FusedMultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref w, 3 * _wStride)), TSimd.Load(ref x, 3 * _xStride), z);
            if (k + 4 < _inputs)
            {
                // Only onto an input that exists: a ref past the last row could lie outside the buffer, which a ref must
                // not do even briefly (the GC may see it).
                x = ref Unsafe.Add(ref x, 4 * _xStride);
                w = ref Unsafe.Add(ref w, 4 * _wStride);
            }
        }

        for (; k < _inputs; k++)
        {
            z = TSimd.FusedMultiplyAdd(TSimd.Broadcast(w), TSimd.Load(ref x), z);
            if (k + 1 < _inputs)
            {
                x = ref Unsafe.Add(ref x, _xStride);
                w = ref Unsafe.Add(ref w, _wStride);
            }
        }

        return z;
    }

    // δ_prev[k] = f′(x_k)·(w_k·δ + 0): BackwardData's one-output tile (one ISimd.FusedMultiplyAdd onto zero, then f′).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Backward<TVector, TSimd>(TVector delta, nint i)
        where TVector : struct
        where TSimd : ISimd<T, TVector>
    {
        ref var x = ref Unsafe.Add(ref _x, i);
        ref var zp = ref Unsafe.Add(ref _previousZ, i);
        ref var d = ref Unsafe.Add(ref _previousDelta, i);
        ref var w = ref _w;
        var p = TSimd.Broadcast(_previousParameter);
        var k = 0;
        for (; k <= _inputs - 2; k += 2)
        {
            var x0 = TSimd.Load(ref x);
            var x1 = TSimd.Load(ref x, _xStride);
            var z0 = TPrevious.NeedsZ ? TSimd.Load(ref zp) : x0;
            var z1 = TPrevious.NeedsZ ? TSimd.Load(ref zp, _previousZStride) : x1;
            TSimd.Store(TSimd.Derivative<TPrevious>(z0, x0, TSimd.FusedMultiplyAdd(TSimd.Broadcast(w), delta, TSimd.Zero), p), ref d);
            TSimd.Store(TSimd.Derivative<TPrevious>(z1, x1, TSimd.FusedMultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref w, _wStride)), delta, TSimd.Zero), p), ref d, _previousDeltaStride);
            if (k + 2 < _inputs)
            {
                // Only onto an input that exists (see Logit).
                x = ref Unsafe.Add(ref x, 2 * _xStride);
                zp = ref Unsafe.Add(ref zp, 2 * _previousZStride);
                d = ref Unsafe.Add(ref d, 2 * _previousDeltaStride);
                w = ref Unsafe.Add(ref w, 2 * _wStride);
            }
        }

        if (k < _inputs)
        {
            var x0 = TSimd.Load(ref x);
            var z0 = TPrevious.NeedsZ ? TSimd.Load(ref zp) : x0;
            TSimd.Store(TSimd.Derivative<TPrevious>(z0, x0, TSimd.FusedMultiplyAdd(TSimd.Broadcast(w), delta, TSimd.Zero), p), ref d);
        }
    }
}
