namespace NeuralCore.Network.Internals;

/// <summary>The row stride of every internal matrix (weights, activations, errors) for a given width.</summary>
/// <remarks>
/// Rows of 16 elements or more are padded to a multiple of 16 (64 bytes of float), so every row of a 64-byte-aligned
/// buffer starts aligned and the GEMM's vector loads never straddle cache lines (misaligned Vector512 streaming
/// measured 40% slower from L1: docs/design.md, "Zero-allocation rule"). Narrower rows stay contiguous: padding a width-4
/// row to 16 would quadruple the footprint of the tiny layers, whose whole batch should stay in L1.
/// </remarks>
internal static class RowStride
{
    public const int Alignment = 16;

    public static int For(int width) => width < Alignment ? width : (width + Alignment - 1) / Alignment * Alignment;

    /// <summary>A [rows, columns] view over the start of <paramref name="storage"/> with the internal stride.</summary>
    public static MatrixSpan<T> View<T>(Span<T> storage, int rows, int columns) =>
        new(storage, rows, columns, For(columns));
}
