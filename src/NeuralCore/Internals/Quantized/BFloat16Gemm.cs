using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Reference;
using NeuralCore.Internals.Simd;
using NeuralCore.Internals.Threading;

namespace NeuralCore.Internals.Quantized;

/// <summary>
/// bfloat16 storage: conversions (round to nearest even) and the product of fp32 rows with bf16 weights, widened to
/// fp32 in registers (a 16-bit shift) and summed with fp32 fma.
/// </summary>
/// <remarks>
/// <code>
/// y_mn = (Σ_k x_mk · W_kn) + bias_n      one fma chain per output, from 0, in k order
/// </code>
/// Every path gives the reference's bits (<see cref="QuantizedReference.MultiplyBFloat16"/>): the lanes run along n,
/// so each output is the same chain on every width; the fma follows the <see cref="Simd.HardwareFma"/> rule.
/// The conversions are integer arithmetic on the bits, so they too are the reference's bits on every path.
/// </remarks>
internal static unsafe class BFloat16Gemm
{
    /// <summary>destination_i = bf16(source_i), round to nearest even; NaN stays NaN (quieted, sign kept).</summary>
    /// <remarks>Paths wider than the machine's run as the widest it has; the tail of each width runs on the next narrower one, then scalar code.</remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="path"/> is not a kernel path.</exception>
    public static void FromSingle(ReadOnlySpan<float> source, Span<ushort> destination, KernelPath path)
    {
        ArgumentValidation.KernelPath(path, nameof(path));
        CheckLength(source.Length, destination.Length);
        if (path == KernelPath.Reference)
        {
            for (var i = 0; i < source.Length; i++)
            {
                destination[i] = QuantizedReference.ToBFloat16(source[i]);
            }

            return;
        }

        var n = (nuint)source.Length;
        nuint at = 0;
        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            for (; at + (2 * (nuint)Vector512<float>.Count) <= n; at += 2 * (nuint)Vector512<float>.Count)
            {
                Vector512.Narrow(Round(Vector512.LoadUnsafe(ref s, at)), Round(Vector512.LoadUnsafe(ref s, at + (nuint)Vector512<float>.Count))).StoreUnsafe(ref d, at);
            }
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            for (; at + (2 * (nuint)Vector256<float>.Count) <= n; at += 2 * (nuint)Vector256<float>.Count)
            {
                Vector256.Narrow(Round(Vector256.LoadUnsafe(ref s, at)), Round(Vector256.LoadUnsafe(ref s, at + (nuint)Vector256<float>.Count))).StoreUnsafe(ref d, at);
            }
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            for (; at + (2 * (nuint)Vector128<float>.Count) <= n; at += 2 * (nuint)Vector128<float>.Count)
            {
                Vector128.Narrow(Round(Vector128.LoadUnsafe(ref s, at)), Round(Vector128.LoadUnsafe(ref s, at + (nuint)Vector128<float>.Count))).StoreUnsafe(ref d, at);
            }
        }

        for (; at < n; at++)
        {
            Unsafe.Add(ref d, at) = Round(Unsafe.Add(ref s, at));
        }
    }

    /// <summary>destination_i = float(source_i), exact.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="path"/> is not a kernel path.</exception>
    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination, KernelPath path)
    {
        ArgumentValidation.KernelPath(path, nameof(path));
        CheckLength(source.Length, destination.Length);
        if (path == KernelPath.Reference)
        {
            for (var i = 0; i < source.Length; i++)
            {
                destination[i] = QuantizedReference.FromBFloat16(source[i]);
            }

            return;
        }

        var n = (nuint)source.Length;
        nuint at = 0;
        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(destination));

        // A register of bf16 fills two of fp32: zero-extend each half, then shift the bits into the high half.
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            for (; at + (nuint)Vector512<ushort>.Count <= n; at += (nuint)Vector512<ushort>.Count)
            {
                var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref s, at));
                Vector512.ShiftLeft(lower, 16).StoreUnsafe(ref d, at);
                Vector512.ShiftLeft(upper, 16).StoreUnsafe(ref d, at + (nuint)Vector512<uint>.Count);
            }
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            for (; at + (nuint)Vector256<ushort>.Count <= n; at += (nuint)Vector256<ushort>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref s, at));
                Vector256.ShiftLeft(lower, 16).StoreUnsafe(ref d, at);
                Vector256.ShiftLeft(upper, 16).StoreUnsafe(ref d, at + (nuint)Vector256<uint>.Count);
            }
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            for (; at + (nuint)Vector128<ushort>.Count <= n; at += (nuint)Vector128<ushort>.Count)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref s, at));
                Vector128.ShiftLeft(lower, 16).StoreUnsafe(ref d, at);
                Vector128.ShiftLeft(upper, 16).StoreUnsafe(ref d, at + (nuint)Vector128<uint>.Count);
            }
        }

        for (; at < n; at++)
        {
            Unsafe.Add(ref d, at) = (uint)Unsafe.Add(ref s, at) << 16;
        }
    }

    /// <summary>y = x · W + bias with W in bf16.</summary>
    /// <remarks>
    /// The widest path the machine has up to <paramref name="path"/> whose register fits in a row of y (N = 10 runs
    /// on 256 bits, N &lt; 4 on scalar code); see <see cref="BFloat16Kernel"/> for the strips and the tail.
    /// </remarks>
    /// <param name="x">[M, K].</param>
    /// <param name="w">[K, N] bf16 bits, row-major (in × out, the network's internal layout).</param>
    /// <param name="bias">Length N.</param>
    /// <param name="y">Receives [M, N]; must not overlap x.</param>
    /// <param name="path">The kernel path.</param>
    /// <param name="maxThreads">The threads (at most the cores) a product of at least <see cref="Int8Gemm.ThreadingBytes"/> of weights and 64 columns is split over, by columns (the same bits).</param>
    /// <exception cref="ArgumentException">The shapes do not match ([M, K] · [K, N] + [N] → [M, N]), or y overlaps x or bias.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="path"/> is not a kernel path.</exception>
    public static void Multiply(ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<ushort> w, ReadOnlySpan<float> bias, MatrixSpan<float> y, KernelPath path, int maxThreads = 1)
    {
        ArgumentValidation.KernelPath(path, nameof(path));
        if (w.Rows != x.Columns || w.Columns != y.Columns)
        {
            ThrowHelper.ThrowShapeMismatch(nameof(w), x.Columns, y.Columns, w.Rows, w.Columns);
        }

        if (y.Rows != x.Rows)
        {
            ThrowHelper.ThrowShapeMismatch(nameof(y), x.Rows, w.Columns, y.Rows, y.Columns);
        }

        if (bias.Length != y.Columns)
        {
            ThrowHelper.ThrowArgument(nameof(bias), string.Create(CultureInfo.InvariantCulture, $"{nameof(bias)} must have length N = {y.Columns} (w's columns); got {bias.Length}."));
        }

        ArgumentValidation.Disjoint(x, y, nameof(x), nameof(y));
        ArgumentValidation.Disjoint(bias, y, nameof(bias), nameof(y));
        if (path == KernelPath.Reference)
        {
            QuantizedReference.MultiplyBFloat16(x, w, bias, y);
            return;
        }

        if (y.IsEmpty)
        {
            return;
        }

        var parts = Math.Min(maxThreads, WorkerPool.MaxParts);
        if (parts <= 1 || 2L * w.Rows * w.Columns < Int8Gemm.ThreadingBytes || y.Columns < 2 * 32)
        {
            RunWidest(x, w, bias, y, path);
            return;
        }

        // Workers cannot receive refs or spans: the caller pins every operand (it waits for all parts) and passes
        // pointers in a job on its own stack. Each part is the product of a block of columns, in whole 32-column
        // groups (the paired 512-bit loads), and each output is the same fma chain in any block.
        fixed (float* input = &x.DangerousGetReferenceAt(0, 0), b = bias, result = &y.DangerousGetReferenceAt(0, 0))
        fixed (ushort* weights = &w.DangerousGetReferenceAt(0, 0))
        {
            var job = new ColumnJob
            {
                X = input,
                XStride = x.Stride,
                Rows = x.Rows,
                K = x.Columns,
                W = weights,
                WStride = w.Stride,
                Bias = b,
                Y = result,
                YStride = y.Stride,
                Columns = y.Columns,
                Path = path,
            };
            WorkerPool.Run(&RunPart, (nint)(&job), parts);
        }
    }

    /// <summary>Part <paramref name="part"/> of a split product: its share of the 32-column groups, as a product of its own.</summary>
    private static void RunPart(nint context, int part, int parts)
    {
        var job = (ColumnJob*)context;
        var (first, end) = WorkerPool.Split(job->Columns, 32, part, parts);
        if (first >= end)
        {
            return;
        }

        var columns = end - first;
        RunWidest(
            new ReadOnlyMatrixSpan<float>(ref *job->X, job->Rows, job->K, job->XStride),
            new ReadOnlyMatrixSpan<ushort>(ref job->W[first], job->K, columns, job->WStride),
            new ReadOnlySpan<float>(job->Bias + first, columns),
            new MatrixSpan<float>(ref job->Y[first], job->Rows, columns, job->YStride),
            job->Path);
    }

    /// <summary>A split product's operands, pinned by the caller for the parts.</summary>
    private struct ColumnJob
    {
        public float* X;
        public int XStride;
        public int Rows;
        public int K;
        public ushort* W;
        public int WStride;
        public float* Bias;
        public float* Y;
        public int YStride;
        public int Columns;
        public KernelPath Path;
    }

    /// <summary>The product on the widest width up to <paramref name="path"/> whose register fits in a row of y.</summary>
    private static void RunWidest(ReadOnlyMatrixSpan<float> x, ReadOnlyMatrixSpan<ushort> w, ReadOnlySpan<float> bias, MatrixSpan<float> y, KernelPath path)
    {
        // One-row strips take as many accumulators as the registers hold beside a broadcast and a widened vector
        // (32 zmm: 16; 16 ymm/xmm: 8); taller tiles 4 rows × 4 or × 2 vectors, plus the 4 broadcasts.
        var n = y.Columns;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            BFloat16Kernel.Run<Vector512<float>, Simd512<float>, BFloat16Widen512>(x, w, bias, y, rowVectors: 16, tileVectors: 4);
        }
        else if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            BFloat16Kernel.Run<Vector256<float>, Simd256<float>, BFloat16Widen256>(x, w, bias, y, rowVectors: 8, tileVectors: 2);
        }
        else if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            BFloat16Kernel.Run<Vector128<float>, Simd128<float>, BFloat16Widen128>(x, w, bias, y, rowVectors: 8, tileVectors: 2);
        }
        else
        {
            BFloat16Kernel.Run<float, SimdScalar<float>, BFloat16WidenScalar>(x, w, bias, y, rowVectors: 8, tileVectors: 2);
        }
    }

    /// <summary>The bf16 bits of each lane (see <see cref="QuantizedReference.ToBFloat16"/>), still in 32-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Round(Vector512<float> value)
    {
        var bits = value.AsUInt32();
        var rounded = Vector512.ShiftRightLogical(bits + Vector512.Create(0x7FFFu) + (Vector512.ShiftRightLogical(bits, 16) & Vector512<uint>.One), 16);
        var quiet = Vector512.ShiftRightLogical(bits, 16) | Vector512.Create(0x0040u);

        // x == x is false exactly for NaN, whose rounding could carry into the sign or turn it into an infinity.
        return Vector512.ConditionalSelect(Vector512.Equals(value, value).AsUInt32(), rounded, quiet);
    }

    /// <inheritdoc cref="Round(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Round(Vector256<float> value)
    {
        var bits = value.AsUInt32();
        var rounded = Vector256.ShiftRightLogical(bits + Vector256.Create(0x7FFFu) + (Vector256.ShiftRightLogical(bits, 16) & Vector256<uint>.One), 16);
        var quiet = Vector256.ShiftRightLogical(bits, 16) | Vector256.Create(0x0040u);
        return Vector256.ConditionalSelect(Vector256.Equals(value, value).AsUInt32(), rounded, quiet);
    }

    /// <inheritdoc cref="Round(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Round(Vector128<float> value)
    {
        var bits = value.AsUInt32();
        var rounded = Vector128.ShiftRightLogical(bits + Vector128.Create(0x7FFFu) + (Vector128.ShiftRightLogical(bits, 16) & Vector128<uint>.One), 16);
        var quiet = Vector128.ShiftRightLogical(bits, 16) | Vector128.Create(0x0040u);
        return Vector128.ConditionalSelect(Vector128.Equals(value, value).AsUInt32(), rounded, quiet);
    }

    /// <summary>The scalar path's conversion: the vector lanes' arithmetic, with a select the JIT may make branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort Round(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        var rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
        var quiet = (bits >> 16) | 0x0040u;
        return (ushort)(float.IsNaN(value) ? quiet : rounded);
    }

    private static void CheckLength(int source, int destination)
    {
        if (destination < source)
        {
            ThrowHelper.ThrowArgument(nameof(destination), string.Create(CultureInfo.InvariantCulture, $"{nameof(destination)} must hold the {source} values of source; got length {destination}."));
        }
    }
}
