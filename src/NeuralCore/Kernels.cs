using System.Runtime.Intrinsics;

namespace NeuralCore;

/// <summary>The registry of kernel implementations: which ones this machine can run, and which one runs by default.</summary>
public static class Kernels
{
    /// <summary>The environment variable that narrows <see cref="Default"/>: <c>reference</c>, <c>scalar</c>, <c>v128</c>, <c>v256</c> or <c>v512</c>.</summary>
    public const string EnvironmentVariable = "NEURALCORE_KERNELS";

    /// <summary>The widest path the hardware accelerates, before the environment variable is applied.</summary>
    public static KernelPath Best { get; } =
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : Vector128.IsHardwareAccelerated ? KernelPath.Vector128
        : KernelPath.Scalar;

    /// <summary>The path every public kernel uses when none is passed: <see cref="Best"/>, or the narrower one named by <c>NEURALCORE_KERNELS</c>.</summary>
    /// <remarks>Read once at start-up; a static readonly value the JIT folds into a constant.</remarks>
    public static KernelPath Default { get; } = Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable));

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
        _ => path.ToString(),
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

    private static KernelPath Resolve(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Best;
        }

        if (!TryParse(value, out var requested))
        {
            // An unknown value must not silently change what runs: fail at start-up with the valid names.
            throw new InvalidOperationException(
                $"{EnvironmentVariable}='{value}' is not a kernel path; expected one of: reference, scalar, v128, v256, v512.");
        }

        return Clamp(requested);
    }
}
