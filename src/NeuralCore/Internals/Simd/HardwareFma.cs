using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NeuralCore.Internals.Simd;

/// <summary>
/// Whether fused multiply-add is one instruction here for every width the kernels use, scalar included (x86 FMA3,
/// Arm64 AdvSimd). A JIT-time constant, so each <see cref="ISimd{T, TVector}.FusedMultiplyAdd"/> compiles to one
/// form, the same on every width (see the rule there and docs/design.md, "Bit-identity rules").
/// </summary>
internal static class HardwareFma
{
    /// <summary><see langword="true"/> when the hardware fuses; otherwise the runtime's fma is a software routine per lane.</summary>
    public static bool IsSupported => Fma.IsSupported || AdvSimd.Arm64.IsSupported;
}
