namespace NeuralCore;

/// <summary>
/// The implementation a kernel runs: the scalar reference written from the equations, or a SIMD width.
/// </summary>
/// <remarks>
/// <see cref="Kernels.Default"/> is the widest path the hardware accelerates, narrowed by the environment variable
/// <see cref="Kernels.EnvironmentVariable"/>. Tests and benchmarks pass a path explicitly to run every one.
/// </remarks>
public enum KernelPath
{
    /// <summary>The plain scalar reference implementation, written straight from the equations.</summary>
    Reference = 0,

    /// <summary>Scalar code organised like the vector kernels (register tiles, same loop structure), for hardware without SIMD.</summary>
    Scalar = 1,

    /// <summary>128-bit vectors (SSE / NEON).</summary>
    Vector128 = 2,

    /// <summary>256-bit vectors (AVX2 + FMA).</summary>
    Vector256 = 3,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512 = 4,
}
