using System.Runtime.CompilerServices;

namespace NeuralCore.Internals.Gemm;

/// <summary>Room for the 8 × 2 accumulators of a micro-kernel tile on the stack (see <see cref="MicroKernel"/>).</summary>
/// <typeparam name="TVector">The register type.</typeparam>
[InlineArray(16)]
internal struct AccumulatorTile<TVector>
    where TVector : struct
{
    private TVector _element0;
}
