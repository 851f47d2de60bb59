using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Internals.Elementwise;

/// <summary>The one place that owns the width ladder for element-wise kernels.</summary>
/// <remarks>
/// <code>
///   path = Vector512:  [ 512 512 512 ... 512 ][256][128][s s s]
///   path = Vector256:  [ 256 256 256 ...       256 ][128][s s s]
///   path = Scalar:     [ s s s s s s s s s s s s s s s s s s s ]
/// </code>
/// The widest loop the path allows runs first; the narrower loops then run at most once each and the scalar loop
/// takes the last <c>Vector128&lt;T&gt;.Count − 1</c> elements at most. No vector ever overlaps a previous one, so
/// in-place kernels are safe and accumulating kernels count every element exactly once. The
/// <c>IsHardwareAccelerated</c> checks are JIT-time constants: with AVX-512 switched off, the 512 loop is not even
/// compiled.
/// </remarks>
internal static class ElementwiseDriver
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<T, TKernel>(ref TKernel kernel, nint length, KernelPath path)
        where T : unmanaged
        where TKernel : IElementwiseKernel<T>, allows ref struct
    {
        // A local copy lets the JIT keep the kernel's refs and accumulators in registers across the loop.
        var k = kernel;
        nint i = 0;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            var step = Vector512<T>.Count;

            // Two independent steps per iteration: halves the loop overhead for the cheap kernels (relu mask, SGD).
            for (; i <= length - (2 * step); i += 2 * step)
            {
                k.Invoke512(i);
                k.Invoke512(i + step);
            }

            for (; i <= length - step; i += step)
            {
                k.Invoke512(i);
            }
        }

        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            var step = Vector256<T>.Count;
            for (; i <= length - (2 * step); i += 2 * step)
            {
                k.Invoke256(i);
                k.Invoke256(i + step);
            }

            for (; i <= length - step; i += step)
            {
                k.Invoke256(i);
            }
        }

        if (path >= KernelPath.Vector128 && Vector128.IsHardwareAccelerated)
        {
            var step = Vector128<T>.Count;
            for (; i <= length - (2 * step); i += 2 * step)
            {
                k.Invoke128(i);
                k.Invoke128(i + step);
            }

            for (; i <= length - step; i += step)
            {
                k.Invoke128(i);
            }
        }

        for (; i < length; i++)
        {
            k.Invoke(i);
        }

        kernel = k;
    }
}
