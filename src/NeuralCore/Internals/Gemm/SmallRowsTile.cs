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

/// <summary>One <see cref="SmallRowsTile{TVector}"/> per K-chunk of a large op(B) (<see cref="SmallRowsKernel.Chunks"/>); chunk 0 also receives the sum.</summary>
/// <typeparam name="TVector">The register type.</typeparam>
[InlineArray(SmallRowsKernel.Chunks)]
internal struct SmallRowsChunkTiles<TVector>
    where TVector : struct
{
    private SmallRowsTile<TVector> _element0;
}
