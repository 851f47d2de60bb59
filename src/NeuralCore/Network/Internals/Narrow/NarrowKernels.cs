using System.Diagnostics.CodeAnalysis;

namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// Fused kernels for narrow layers in the feature-major layout, SIMD lanes along the batch (docs/design.md, the narrow engine):
/// activations are [features, batch] with the batch contiguous, so a 2→4 layer is 8 broadcast-FMAs per 16 samples
/// instead of a 4-wide GEMM row per sample. One call per layer and pass: the bias, the activation and its derivative
/// are fused, and nothing is validated here (the trainer and predictor validate once at their public edge).
/// </summary>
/// <remarks>
/// Weights are read from the network's W_int[in, out] (scalars broadcast), so both engines share one parameter layout.
/// Every width does <c>a·b + c</c> through <c>ISimd.FusedMultiplyAdd</c> (fused where the hardware has FMA: half the
/// arithmetic, and the epoch is arithmetic-bound once the calls are fused; multiply-then-add on every width otherwise,
/// docs/design.md, "Bit-identity rules"), in the reference's order, so all non-reference paths agree bit for bit
/// on the linear part of the forward and backward-data passes and differ from the plain-arithmetic reference by at
/// most one rounding per term. The dW/db sums run across SIMD lanes, so their order depends on the width (see
/// <see cref="WeightGradient{T}"/>'s tiles).
/// <para>One file per pass: Forward, BackwardData, WeightGradient (and the fused SigmoidCrossEntropyHead).
/// The width ladder, once per kernel: each rung takes the columns it can fill (a rung with no whole vector left is
/// not called: single-sample inference goes straight to the scalar rung), the scalar rung the rest. The dispatchers
/// are AggressiveOptimization too: they run once per layer per step, and at Tier 0 in a fresh process.</para>
/// </remarks>
internal static partial class NarrowKernels
{
    [DoesNotReturn]
    private static void ThrowNotElementwise() =>
        throw new ArgumentOutOfRangeException("activation", "The narrow engine runs element-wise activations only (NarrowEngine.IsEligible excludes softmax).");
}
