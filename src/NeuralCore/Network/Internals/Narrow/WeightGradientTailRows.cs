using System.Runtime.CompilerServices;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// The zero-padded last column vector of a dW tile's rows (up to 4 δ rows, then up to 4 activation rows), which the
/// tile's loop body reads for its final trip instead of the matrices.
/// </summary>
/// <typeparam name="TVector">The register type.</typeparam>
[InlineArray(8)]
internal struct WeightGradientTailRows<TVector>
    where TVector : struct
{
    private TVector _element0;
}
