using System.Runtime.CompilerServices;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// Room on the stack for the accumulators of a <see cref="SmallRowsKernel"/> strip (at most 24: 1 × 16, 3 × 8 or
/// 4 × 6), element <c>r·TVectors + v</c>, so the store phase runs out of line from memory.
/// </summary>
/// <typeparam name="TVector">The register type.</typeparam>
[InlineArray(24)]
internal struct SmallRowsTile<TVector>
    where TVector : struct
{
    private TVector _element0;
}

/// <summary>
/// One <see cref="SmallRowsTile{TVector}"/> per K-chunk of a large op(B) (<see cref="SmallRowsKernel.Chunks"/>) and
/// row group (<see cref="SmallRowsKernel.GroupRows"/>), chunk-major (<c>c·groups + g</c>); chunk 0 also receives the sums.
/// </summary>
/// <typeparam name="TVector">The register type.</typeparam>
[InlineArray(SmallRowsKernel.Chunks * SmallRowsTiles.MaxGroups)]
internal struct SmallRowsTiles<TVector>
    where TVector : struct
{
    private SmallRowsTile<TVector> _element0;
}

/// <summary>The size of <see cref="SmallRowsTiles{TVector}"/>.</summary>
internal static class SmallRowsTiles
{
    /// <summary>The most row groups of one product: the few-rows path's tallest product over the rows of a group.</summary>
    public const int MaxGroups = SmallRowsKernel.MaxRows / SmallRowsKernel.GroupRows;
}
