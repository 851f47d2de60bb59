using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>info</c>'s line on the CPU's widest path against the one this process's code runs, with what to do when the
/// code is narrower (<see cref="Kernels.IsNarrowerThanCpu"/>).
/// </summary>
internal static class CompiledIsa
{
    /// <summary>The line, with its <c>cpu offers</c> label.</summary>
    public static string Line()
    {
        // Without CPUID (DOTNET_EnableHWIntrinsic=0 hides it) x64's guaranteed 128 bits are all that is known.
        var cpu = Kernels.GetName(Kernels.CpuBest) + (X86Base.IsSupported || RuntimeInformation.ProcessArchitecture != Architecture.X64 ? "" : " or wider");
        if (!Kernels.IsNarrowerThanCpu)
        {
            return $"cpu offers   {cpu} (this build uses all of it)";
        }

        var built = Kernels.GetName(Kernels.Best);
        var why = !RuntimeFeature.IsDynamicCodeCompiled
            ? "NativeAOT compiled for a narrower ISA: publish with <IlcInstructionSet>x86-64-v3</IlcInstructionSet> for v256, x86-64-v4 or native for v512"
            : Avx512F.IsSupported && !Vector512.IsHardwareAccelerated
                ? "the JIT prefers 256-bit vectors on this CPU: DOTNET_PreferredVectorBitWidth=512 lifts it"
                : $"the runtime's settings switch the wider ISA off: {SwitchesOff()}";
        return $"cpu offers   {cpu}, but this process runs at most {built}: narrower than the CPU ({why})";
    }

    /// <summary>The runtime's ISA switches set to 0 in this process's environment (DOTNET_ and the older COMPlus_ prefix).</summary>
    private static string SwitchesOff()
    {
        var off = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => (name.StartsWith("DOTNET_Enable", StringComparison.Ordinal) || name.StartsWith("COMPlus_Enable", StringComparison.Ordinal))
                && Environment.GetEnvironmentVariable(name) == "0")
            .Order(StringComparer.Ordinal)
            .Select(name => name + "=0");
        var list = string.Join(" ", off);
        return list.Length == 0 ? "DOTNET_Enable*=0 or a runtimeconfig knob" : list;
    }
}
