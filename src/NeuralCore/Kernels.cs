using System.Diagnostics.CodeAnalysis;
using System.Runtime.Intrinsics;
using NeuralCore.Internals;
using NeuralCore.Internals.Simd;

namespace NeuralCore;

/// <summary>The registry of kernel implementations: which ones this machine can run, and which one runs by default.</summary>
/// <remarks>
/// <para>
/// Which paths run is decided by what the process's code was compiled for, not only by the CPU: <see cref="Best"/>
/// comes from <c>Vector512.IsHardwareAccelerated</c> and its narrower siblings, while <see cref="CpuBest"/> is what
/// the CPU reports through CPUID. When the first is narrower, <see cref="IsNarrowerThanCpu"/> is
/// <see langword="true"/> and the kernels run slower than the machine allows (the 512-bit path does up to twice the
/// 256-bit one's work per cycle on CPUs with full-width AVX-512).
/// </para>
/// <para>
/// The usual cause is a NativeAOT publish (<c>PublishAot</c>) without <c>IlcInstructionSet</c>: the ahead-of-time
/// compiler then targets x86-64-v2 (128-bit vectors) so the binary runs on any x64 CPU. Set it in the application's
/// project file for the CPUs it will run on: <c>&lt;IlcInstructionSet&gt;x86-64-v3&lt;/IlcInstructionSet&gt;</c> for
/// the 256-bit path (AVX2, FMA: Intel since Haswell, AMD since Excavator, not older Atom/Celeron/Pentium), or <c>x86-64-v4</c> (AVX-512) or <c>native</c> (the
/// build machine's CPU) for the 512-bit path. A binary built for a level runs only on CPUs that have it.
/// Under the JIT the runtime's switches narrow it too (<c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>,
/// <c>DOTNET_EnableHWIntrinsic=0</c>), as does the JIT's own choice of 256-bit vectors on CPUs where 512-bit code
/// lowers the clock (<c>DOTNET_PreferredVectorBitWidth=512</c> overrides it). <c>neuralcore info</c> prints both.
/// </para>
/// </remarks>
public static class Kernels
{
    /// <summary>The environment variable that narrows <see cref="Default"/>, set to a path's name as <see cref="GetName"/> spells it (<c>scalar</c>, <c>v256</c>, …).</summary>
    public const string EnvironmentVariable = "NEURALCORE_KERNELS";

    /// <summary>The widest path the hardware accelerates, before the environment variable is applied.</summary>
    public static KernelPath Best { get; } =
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    /// <summary>
    /// The widest path this CPU offers, read from CPUID, whatever the code was compiled for or the runtime's switches
    /// allow. Without CPUID (Arm64, or x64 under <c>DOTNET_EnableHWIntrinsic=0</c>, which hides it) it is
    /// <see cref="KernelPath.Vector128"/>, the SIMD every such CPU has (on x64 a lower bound).
    /// </summary>
    /// <remarks>
    /// A path counts only with its whole x86-64 level, as the runtime enables it: <see cref="KernelPath.Vector256"/>
    /// needs x86-64-v3 (AVX2, FMA, BMI1/2, LZCNT, MOVBE, F16C), <see cref="KernelPath.Vector512"/> x86-64-v4
    /// (AVX-512 F, BW, CD, DQ, VL) and <see cref="KernelPath.Vector128"/> x86-64-v2.
    /// </remarks>
    public static KernelPath CpuBest { get; } = CpuIsa.WidestPath();

    /// <summary>
    /// Whether <see cref="Best"/>, the widest path this process's compiled code accelerates, is narrower than
    /// <see cref="CpuBest"/>, the widest the CPU offers: typically a NativeAOT binary published without
    /// <c>IlcInstructionSet</c> (see <see cref="Kernels"/> for the fix).
    /// </summary>
    public static bool IsNarrowerThanCpu => Best < CpuBest;

    /// <summary>The path every public kernel uses when none is passed: <see cref="Best"/>, or the narrower one named by <c>NEURALCORE_KERNELS</c>.</summary>
    /// <remarks>
    /// The variable is read once, at first use, into a static readonly value the JIT folds into a constant. An unknown
    /// value throws here, at every use, rather than in a type initializer, where the failure would leave
    /// <see cref="Kernels"/> unusable for the rest of the process.
    /// </remarks>
    /// <exception cref="ArgumentException"><c>NEURALCORE_KERNELS</c> is set to a name that is not a kernel path.</exception>
    public static KernelPath Default
    {
        get
        {
            var path = EnvironmentDefault.Path;
            if (path == EnvironmentDefault.Invalid)
            {
                ThrowUnknownName(EnvironmentDefault.Value);
            }

            return path;
        }
    }

    /// <summary>Every path this machine can run, from the reference up to <see cref="Best"/>.</summary>
    public static IReadOnlyList<KernelPath> Available { get; } = [.. Enum.GetValues<KernelPath>().Where(IsSupported)];

    /// <summary>Whether this machine can run <paramref name="path"/> (the reference and scalar paths run everywhere).</summary>
    /// <param name="path">The path.</param>
    /// <returns><see langword="true"/> when the path is accelerated here.</returns>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Reference or KernelPath.Scalar => true,
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated,
        KernelPath.Vector256 => Vector256.IsHardwareAccelerated,
        KernelPath.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>The short name of a path as used by <c>NEURALCORE_KERNELS</c> and the CLI (<c>v512</c>, <c>reference</c>, …).</summary>
    /// <param name="path">The path.</param>
    /// <returns>The name.</returns>
    public static string GetName(KernelPath path) => path switch
    {
        KernelPath.Reference => "reference",
        KernelPath.Scalar => "scalar",
        KernelPath.Vector128 => "v128",
        KernelPath.Vector256 => "v256",
        KernelPath.Vector512 => "v512",
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "Not a kernel path."),
    };

    /// <summary>Parses a name from <see cref="GetName"/>.</summary>
    /// <param name="name">The name (case-insensitive).</param>
    /// <param name="path">The path, when the name is known.</param>
    /// <returns><see langword="true"/> when the name is known.</returns>
    public static bool TryParse(string? name, out KernelPath path)
    {
        foreach (var candidate in Enum.GetValues<KernelPath>())
        {
            if (string.Equals(GetName(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                path = candidate;
                return true;
            }
        }

        path = default;
        return false;
    }

    /// <summary>The path to run when <paramref name="requested"/> is asked for: it, or the widest supported one below it.</summary>
    /// <param name="requested">The path asked for.</param>
    /// <returns>A path this machine runs.</returns>
    public static KernelPath Clamp(KernelPath requested)
    {
        var path = requested;
        while (!IsSupported(path))
        {
            path--;
        }

        return path;
    }

    /// <summary>The path a value of <c>NEURALCORE_KERNELS</c> selects: <see cref="Best"/> when empty, else the named path clamped to this machine.</summary>
    /// <param name="value">The variable's value, or <see langword="null"/> when it is not set.</param>
    /// <returns>A path this machine runs.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a kernel path's name.</exception>
    internal static KernelPath Resolve(string? value)
    {
        if (!TryResolve(value, out var path))
        {
            ThrowUnknownName(value);
        }

        return path;
    }

    private static bool TryResolve(string? value, out KernelPath path)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            path = Best;
            return true;
        }

        // An unknown value must not silently change what runs: the caller throws with the valid names.
        if (!TryParse(value, out var requested))
        {
            path = default;
            return false;
        }

        path = Clamp(requested);
        return true;
    }

    [DoesNotReturn]
    private static void ThrowUnknownName(string? value) =>
        ThrowHelper.ThrowArgument(
            EnvironmentVariable,
            $"{EnvironmentVariable}='{value}' is not a kernel path; expected one of: {string.Join(", ", Enum.GetValues<KernelPath>().Select(GetName))}.");

    /// <summary>
    /// The environment's choice, resolved without throwing (so this type's initializer cannot fail) the first time
    /// <see cref="Default"/> is read.
    /// </summary>
    private static class EnvironmentDefault
    {
        /// <summary>Stands for a value that names no path.</summary>
        public const KernelPath Invalid = (KernelPath)(-1);

        public static readonly string? Value = Environment.GetEnvironmentVariable(EnvironmentVariable);

        public static readonly KernelPath Path = TryResolve(Value, out var path) ? path : Invalid;
    }
}
