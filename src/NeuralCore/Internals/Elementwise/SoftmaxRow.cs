using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Operators;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Internals.Elementwise;

/// <summary>
/// Softmax of one row with max subtraction, and its backward. Our own rather than TensorPrimitives.SoftMax, which
/// does not subtract the max: <c>SoftMax([1000, 1000, 0])</c> returns NaN there (measured).
/// </summary>
/// <remarks>
/// Forward, three passes over the row: max; e = exp(z − max) stored and summed; e / sum. The row is re-read from L1.
/// Backward, two passes: dot = Σ dA·a; dZ = a·(dA − dot).
/// </remarks>
internal static class SoftmaxRow
{
    public static void Forward<T>(ref T z, ref T a, int length, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (length == 0)
        {
            return;
        }

        if (length <= Vector512<T>.Count && path >= KernelPath.Vector512 && Simd512<T>.HasMaskedMemory)
        {
            ForwardOneVector(ref z, ref a, length);
            return;
        }

        var max = new RowMaxKernel<T>(ref z);
        ElementwiseDriver.Run<T, RowMaxKernel<T>>(ref max, length, path);
        var exp = new ExpSumKernel<T>(ref z, ref a, max.Result);
        ElementwiseDriver.Run<T, ExpSumKernel<T>>(ref exp, length, path);
        var divide = new DivideKernel<T>(ref a, exp.Result);
        ElementwiseDriver.Run<T, DivideKernel<T>>(ref divide, length, path);
    }

    /// <summary>
    /// A row that fits one 512-bit register (a classifier's 10 outputs): the three passes on one masked register,
    /// with no driver calls and no scalar tail (on 10 floats the general path's three driver calls and two scalar
    /// exps were most of its time: benchmarks/results/AMD-EPYC-Zen5-elementwise.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardOneVector<T>(ref T z, ref T a, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var inRow = Simd512<T>.Mask(length);
        var values = Vector512.ConditionalSelect(inRow, Simd512<T>.LoadPartial(ref z, length), Vector512.Create(T.NegativeInfinity));

        // Vector512.Max propagates NaN (IEEE 754 maximum), as T.Max does in the reference.
        var max256 = Vector256.Max(values.GetLower(), values.GetUpper());
        var max128 = Vector128.Max(max256.GetLower(), max256.GetUpper());
        var max = RowMaxKernel<T>.Max(max128, T.NegativeInfinity);

        var e = Vector512.ConditionalSelect(inRow, VectorMath.Exp(values - Vector512.Create(max)), Vector512<T>.Zero);
        Simd512<T>.StorePartial(e / Vector512.Sum(e), ref a, length);
    }

    public static void Backward<T>(ref T a, ref T gradA, ref T gradZ, int length, KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var dot = new DotKernel<T>(ref a, ref gradA);
        ElementwiseDriver.Run<T, DotKernel<T>>(ref dot, length, path);
        var jacobian = new JacobianKernel<T>(ref a, ref gradA, ref gradZ, dot.Result);
        ElementwiseDriver.Run<T, JacobianKernel<T>>(ref jacobian, length, path);
    }

    /// <summary>x_i ← x_i / d, in place; a true division, as the reference does, rather than a reciprocal multiply.</summary>
    private readonly ref struct DivideKernel<T> : IElementwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ref T _x;
        private readonly T _divisor;

        public DivideKernel(ref T x, T divisor)
        {
            _x = ref x;
            _divisor = divisor;
        }

        public void Invoke(nint i) => Unsafe.Add(ref _x, i) /= _divisor;

        public void Invoke128(nint i) => (Vector128.LoadUnsafe(ref _x, (nuint)i) / _divisor).StoreUnsafe(ref _x, (nuint)i);

        public void Invoke256(nint i) => (Vector256.LoadUnsafe(ref _x, (nuint)i) / _divisor).StoreUnsafe(ref _x, (nuint)i);

        public void Invoke512(nint i) => (Vector512.LoadUnsafe(ref _x, (nuint)i) / _divisor).StoreUnsafe(ref _x, (nuint)i);
    }

    private ref struct DotKernel<T> : IElementwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ref T _x;
        private readonly ref T _y;
        private Vector512<T> _sum512;
        private Vector256<T> _sum256;
        private Vector128<T> _sum128;
        private T _sum;

        public DotKernel(ref T x, ref T y)
        {
            _x = ref x;
            _y = ref y;
        }

        public readonly T Result => Vector512.Sum(_sum512) + Vector256.Sum(_sum256) + Vector128.Sum(_sum128) + _sum;

        public void Invoke(nint i) => _sum += Unsafe.Add(ref _x, i) * Unsafe.Add(ref _y, i);

        public void Invoke128(nint i) => _sum128 += Vector128.LoadUnsafe(ref _x, (nuint)i) * Vector128.LoadUnsafe(ref _y, (nuint)i);

        public void Invoke256(nint i) => _sum256 += Vector256.LoadUnsafe(ref _x, (nuint)i) * Vector256.LoadUnsafe(ref _y, (nuint)i);

        public void Invoke512(nint i) => _sum512 += Vector512.LoadUnsafe(ref _x, (nuint)i) * Vector512.LoadUnsafe(ref _y, (nuint)i);
    }

    /// <summary>dZ_i = a_i·(dA_i − dot): the softmax Jacobian applied to dA.</summary>
    private readonly ref struct JacobianKernel<T> : IElementwiseKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ref T _a;
        private readonly ref T _gradA;
        private readonly ref T _gradZ;
        private readonly T _dot;

        public JacobianKernel(ref T a, ref T gradA, ref T gradZ, T dot)
        {
            _a = ref a;
            _gradA = ref gradA;
            _gradZ = ref gradZ;
            _dot = dot;
        }

        public void Invoke(nint i) => Unsafe.Add(ref _gradZ, i) = Unsafe.Add(ref _a, i) * (Unsafe.Add(ref _gradA, i) - _dot);

        public void Invoke128(nint i) =>
            (Vector128.LoadUnsafe(ref _a, (nuint)i) * (Vector128.LoadUnsafe(ref _gradA, (nuint)i) - Vector128.Create(_dot))).StoreUnsafe(ref _gradZ, (nuint)i);

        public void Invoke256(nint i) =>
            (Vector256.LoadUnsafe(ref _a, (nuint)i) * (Vector256.LoadUnsafe(ref _gradA, (nuint)i) - Vector256.Create(_dot))).StoreUnsafe(ref _gradZ, (nuint)i);

        public void Invoke512(nint i) =>
            (Vector512.LoadUnsafe(ref _a, (nuint)i) * (Vector512.LoadUnsafe(ref _gradA, (nuint)i) - Vector512.Create(_dot))).StoreUnsafe(ref _gradZ, (nuint)i);
    }
}
