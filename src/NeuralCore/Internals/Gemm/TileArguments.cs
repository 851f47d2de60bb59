using System.Numerics;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// What one micro-kernel call needs: where its A rows, B panel and C tile are, and what the store phase does.
/// The driver fills it once per call and moves the references per tile; the kernel copies the fields to locals.
/// </summary>
/// <remarks>
/// Store phase, per output vector: <c>v = α·acc (+ β·C when LoadC)</c>; on the final K block
/// <c>v += bias; Z = v (when StoreZ); v = f(v)</c>; then <c>C = v</c>. Intermediate K blocks store raw partial
/// sums with α applied and β = 1 on the later blocks, so each element sees the same additions in the same order
/// whichever thread or tile path computes it.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
internal ref struct TileArguments<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>op(A)(row 0 of the tile, first k of the block).</summary>
    public ref T A;

    /// <summary>Elements between op(A) rows.</summary>
    public nint ARowStride;

    /// <summary>Elements between consecutive k in op(A).</summary>
    public nint AKStride;

    /// <summary>op(B)(first k of the block, first column of the tile); rows of the panel are contiguous.</summary>
    public ref T B;

    /// <summary>Elements between the panel's k rows.</summary>
    public nint BKStride;

    public ref T C;

    public nint CStride;

    public ref T Z;

    public nint ZStride;

    /// <summary>The bias at the tile's first column (per-column bias) or first row (per-row bias).</summary>
    public ref T Bias;

    /// <summary>The K block length.</summary>
    public nint KBlock;

    public T Alpha;

    public T Beta;

    /// <summary>The epilogue activation's parameter.</summary>
    public T ActivationParameter;

    /// <summary>Whether the store reads C (β ≠ 0 on the first block, or a later block adding to partial sums).</summary>
    public bool LoadC;

    /// <summary>Whether this is the last K block: apply bias, store Z, apply the activation.</summary>
    public bool Final;

    public bool HasBias;

    public bool BiasPerRow;

    public bool StoreZ;

    /// <summary>The valid columns of an N-tail tile (the partial kernel instantiation uses masked moves).</summary>
    public int Columns;
}
