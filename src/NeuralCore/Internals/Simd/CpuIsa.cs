using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace NeuralCore.Internals.Simd;

/// <summary>
/// What the CPU itself offers, read with CPUID, as opposed to what this process's code was compiled for or the
/// runtime enabled (<c>Vector512.IsHardwareAccelerated</c> and friends). The two differ under NativeAOT without
/// <c>IlcInstructionSet</c> (the compiled code targets x86-64-v2) and under the runtime's <c>DOTNET_Enable*</c>
/// switches; <see cref="Kernels.IsNarrowerThanCpu"/> reports it.
/// </summary>
/// <remarks>
/// CPUID is an unprivileged instruction that the JIT and NativeAOT both expose through <see cref="X86Base.CpuId"/>
/// whatever ISA the code targets, and it ignores the runtime's switches, so it sees the hardware. Each path needs the
/// whole x86-64 level the runtime groups it with (.NET 10 enables AVX2 only with the rest of x86-64-v3, and Vector512
/// only with AVX-512 F/BW/CD/DQ/VL), so a CPU with a partial level is not counted as offering it. That the operating
/// system saves the wider registers (XCR0) is assumed from OSXSAVE: every 64-bit OS that runs .NET 10 does.
/// Without CPUID (Arm64, or x64 under <c>DOTNET_EnableHWIntrinsic=0</c>, which hides it too) the architecture's
/// guaranteed 128-bit SIMD is reported: a lower bound on x64.
/// </remarks>
internal static class CpuIsa
{
    /// <summary>The widest kernel path the CPU offers.</summary>
    public static KernelPath WidestPath()
    {
        if (!X86Base.IsSupported)
        {
            return RuntimeInformation.ProcessArchitecture switch
            {
                // CPUID hidden by DOTNET_EnableHWIntrinsic=0: every x64 CPU .NET 10 runs on has x86-64-v2 (x86: SSE2).
                Architecture.X64 or Architecture.X86 => KernelPath.Vector128,

                // NEON is part of every Arm64 CPU, and .NET has no wider vectors there.
                Architecture.Arm64 => KernelPath.Vector128,

                // Elsewhere nothing is known beyond what the code runs: no claim of a narrower build.
                _ => Kernels.Best,
            };
        }

        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        var (_, _, ecx1, edx1) = X86Base.CpuId(1, 0);
        var (_, ebx7, _, _) = maxLeaf >= 7 ? X86Base.CpuId(7, 0) : default;
        var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x8000_0000), 0);
        var (_, _, ecx81, _) = (uint)maxExtended >= 0x8000_0001 ? X86Base.CpuId(unchecked((int)0x8000_0001), 0) : default;
        return WidestPath(ecx1, edx1, ebx7, ecx81);
    }

    /// <summary>The widest path the given CPUID registers describe (leaf 1 ECX/EDX, leaf 7.0 EBX, leaf 0x80000001 ECX).</summary>
    internal static KernelPath WidestPath(int leaf1Ecx, int leaf1Edx, int leaf7Ebx, int extendedLeaf1Ecx)
    {
        // x86-64-v2: SSE2 (leaf 1 EDX 26), SSE3 (ECX 0), SSSE3 (9), SSE4.1 (19), SSE4.2 (20), POPCNT (23).
        var v2 = Bit(leaf1Edx, 26) && Bit(leaf1Ecx, 0) && Bit(leaf1Ecx, 9) && Bit(leaf1Ecx, 19) && Bit(leaf1Ecx, 20)
            && Bit(leaf1Ecx, 23);

        // x86-64-v3: OSXSAVE (27), AVX (28), FMA (12), MOVBE (22), F16C (29); AVX2 (leaf 7 EBX 5), BMI1 (3), BMI2 (8);
        // LZCNT (0x80000001 ECX 5).
        var v3 = v2 && Bit(leaf1Ecx, 27) && Bit(leaf1Ecx, 28) && Bit(leaf1Ecx, 12) && Bit(leaf1Ecx, 22) && Bit(leaf1Ecx, 29)
            && Bit(leaf7Ebx, 5) && Bit(leaf7Ebx, 3) && Bit(leaf7Ebx, 8) && Bit(extendedLeaf1Ecx, 5);

        // x86-64-v4: AVX-512 F (leaf 7 EBX 16), DQ (17), CD (28), BW (30), VL (31).
        var v4 = v3 && Bit(leaf7Ebx, 16) && Bit(leaf7Ebx, 17) && Bit(leaf7Ebx, 28) && Bit(leaf7Ebx, 30) && Bit(leaf7Ebx, 31);

        return v4 ? KernelPath.Vector512
            : v3 ? KernelPath.Vector256
            : v2 ? KernelPath.Vector128
            : KernelPath.Scalar;
    }

    private static bool Bit(int register, int bit) => (register & (1 << bit)) != 0;
}
