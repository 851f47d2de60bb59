using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Tests.Core;

/// <summary>
/// <see cref="Kernels.CpuBest"/> (CPUID) against Linux's own reading of the CPU, and <see cref="Kernels.IsNarrowerThanCpu"/>
/// against the runtime switches this process was started with. In the Kernels category, so .ci/run's ISA-off runs
/// (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0, …) check that the narrowing is detected.
/// </summary>
[Trait("Category", "Kernels")]
public class CpuIsaTests
{
    // CPUID register images: leaf 1 ECX/EDX, leaf 7.0 EBX, leaf 0x80000001 ECX, built from named bits.
    private const int Sse2 = 1 << 26;
    private const int V2Ecx = (1 << 0) | (1 << 9) | (1 << 19) | (1 << 20) | (1 << 23);
    private const int V3Ecx = V2Ecx | (1 << 27) | (1 << 28) | (1 << 12) | (1 << 22) | (1 << 29);
    private const int V3Ebx7 = (1 << 5) | (1 << 3) | (1 << 8);
    private const int Lzcnt = 1 << 5;
    private const int F512 = 1 << 16, Dq512 = 1 << 17, Cd512 = 1 << 28, Bw512 = 1 << 30, Vl512 = 1 << 31;
    private const int V4Ebx7 = V3Ebx7 | F512 | Dq512 | Cd512 | Bw512 | Vl512;

    [Theory]
    [InlineData(V3Ecx, Sse2, V4Ebx7, Lzcnt, KernelPath.Vector512)]
    [InlineData(V3Ecx, Sse2, V4Ebx7 & ~Vl512, Lzcnt, KernelPath.Vector256)] // AVX-512 without VL: not x86-64-v4
    [InlineData(V3Ecx, Sse2, V4Ebx7 & ~Bw512, Lzcnt, KernelPath.Vector256)]
    [InlineData(V3Ecx, Sse2, V3Ebx7, Lzcnt, KernelPath.Vector256)]
    [InlineData(V3Ecx, Sse2, V4Ebx7, 0, KernelPath.Vector128)] // no LZCNT: not x86-64-v3, so AVX-512 does not count
    [InlineData(V3Ecx & ~(1 << 27), Sse2, V4Ebx7, Lzcnt, KernelPath.Vector128)] // the OS does not save AVX state
    [InlineData(V3Ecx & ~(1 << 12), Sse2, V3Ebx7, Lzcnt, KernelPath.Vector128)] // AVX2 without FMA
    [InlineData(V2Ecx, Sse2, 0, 0, KernelPath.Vector128)]
    [InlineData(V2Ecx & ~(1 << 23), Sse2, 0, 0, KernelPath.Scalar)] // no POPCNT: below x86-64-v2
    [InlineData(0, 0, 0, 0, KernelPath.Scalar)]
    public void WidestPath_CountsOnlyWholeX8664Levels(int leaf1Ecx, int leaf1Edx, int leaf7Ebx, int extendedEcx, KernelPath expected) =>
        Assert.Equal(expected, CpuIsa.WidestPath(leaf1Ecx, leaf1Edx, leaf7Ebx, extendedEcx));

    [Fact]
    public void CpuBest_AgreesWithTheLinuxKernelsCpuFlags()
    {
        if (!X86Base.IsSupported)
        {
            // No CPUID (Arm64, or x64 under DOTNET_EnableHWIntrinsic=0): the architecture's guaranteed 128-bit SIMD.
            Assert.Equal(KernelPath.Vector128, Kernels.CpuBest);
            return;
        }

        if (!OperatingSystem.IsLinux())
        {
            Assert.True(Kernels.CpuBest >= Kernels.Best);
            return;
        }

        var flags = File.ReadLines("/proc/cpuinfo").First(line => line.StartsWith("flags", StringComparison.Ordinal))
            .Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        bool All(params string[] names) => names.All(flags.Contains);
        var v2 = All("sse2", "pni", "ssse3", "sse4_1", "sse4_2", "popcnt");
        var v3 = v2 && All("avx", "avx2", "fma", "bmi1", "bmi2", "abm", "movbe", "f16c");
        var v4 = v3 && All("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl");
        var expected = v4 ? KernelPath.Vector512 : v3 ? KernelPath.Vector256 : v2 ? KernelPath.Vector128 : KernelPath.Scalar;
        Assert.Equal(expected, Kernels.CpuBest);
    }

    [Fact]
    public void Best_IsNeverWiderThanTheCpu() => Assert.True(Kernels.Best <= Kernels.CpuBest, $"Best {Kernels.Best}, CpuBest {Kernels.CpuBest}");

    [Fact]
    public void IsNarrowerThanCpu_FollowsTheRuntimeSwitches()
    {
        static bool Off(string isa) => Environment.GetEnvironmentVariable("DOTNET_Enable" + isa) == "0";

        // The widest path the runtime may enable with this process's switches on this CPU, and so the expected Best
        // (under the JIT: NativeAOT has its own narrowing, which the CLI's AOT publish check covers).
        var allowed = Kernels.CpuBest;
        if (Off("HWIntrinsic"))
        {
            allowed = KernelPath.Scalar;
        }
        else if (Off("AVX") || Off("AVX2"))
        {
            allowed = (KernelPath)Math.Min((int)allowed, (int)KernelPath.Vector128);
        }
        else if (Off("AVX512") || (Avx512F.IsSupported && !Vector512.IsHardwareAccelerated))
        {
            // The second case is the JIT's own 256-bit preference on CPUs where 512-bit code lowers the clock.
            allowed = (KernelPath)Math.Min((int)allowed, (int)KernelPath.Vector256);
        }

        Assert.Equal(allowed, Kernels.Best);
        Assert.Equal(allowed < Kernels.CpuBest, Kernels.IsNarrowerThanCpu);
    }
}
