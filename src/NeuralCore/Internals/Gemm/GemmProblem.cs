using System.Runtime.CompilerServices;
using System.Numerics;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// A validated GEMM call in element strides: <c>C = f(α·op(A)·op(B) + β·C + bias)</c>, with Z optionally stored
/// before f. Built once at the public edge; the drivers read it and never re-validate.
/// </summary>
/// <remarks>
/// op(A)(i, k) = <c>A[i·ARowStride + k·AKStride]</c>, so a transposed A only swaps the two strides (the kernel
/// broadcasts single elements of A and does not care which way they run). op(B)(k, j) is <c>B[k·BStride + j]</c>,
/// or <c>B[j·BStride + k]</c> when <see cref="BTransposed"/>: the kernel wants rows of op(B) contiguous, so a
/// transposed B is always packed.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal ref struct GemmProblem<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public ref T A;

    public nint ARowStride;

    public nint AKStride;

    public ref T B;

    public nint BStride;

    public bool BTransposed;

    public ref T C;

    public nint CStride;

    public ref T Z;

    public nint ZStride;

    public bool StoreZ;

    /// <summary>Length N (per column) or M (per row, <see cref="BiasPerRow"/>).</summary>
    public ref T Bias;

    public bool HasBias;

    public bool BiasPerRow;

    public T Alpha;

    public T Beta;

    /// <summary>The epilogue activation's parameter (leaky relu's slope; unused by the others).</summary>
    public T ActivationParameter;

    public int M;

    public int N;

    public int K;

    /// <summary>
    /// Few-rows path only: read the K-chunks of a large op(B) last to first (see <see cref="SmallRowsKernel.ChunkBytes"/>).
    /// Set once per call and thread part by <see cref="SmallRows{T, TVector, TSimd}.Run"/>, so every strip of a call
    /// reads in the same direction and consecutive calls alternate; it never changes a result.
    /// </summary>
    public bool ReverseChunks;

    /// <summary>2·M·N·K, the flop count used to decide on threading.</summary>
    public readonly double Flops => 2.0 * M * N * K;

    /// <summary>The bytes of op(B), K·N elements: what the few-rows path streams (its threading and K-chunk decisions).</summary>
    public readonly double BBytes => (double)K * N * Unsafe.SizeOf<T>();
}
