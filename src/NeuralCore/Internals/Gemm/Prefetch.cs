using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// Software prefetch of short spans (one panel row or tile row, at most 128 bytes: two or three cache lines). A no-op
/// where x86 prefetch is not available. A prefetch is only a hint and never faults, so the span's last byte may lie
/// past the end of a buffer, and the address may belong to an array that has since moved; the ref passed in must still
/// point inside its buffer (the GC may see a managed ref, and one outside its object is not allowed).
/// </summary>
internal static class Prefetch
{
    /// <summary>Asks for the lines of <c>[first, first + bytes)</c> in L1 (and L2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ToL1<T>(ref T first, nint bytes) => Lines(ref first, bytes, toL1: true);

    /// <summary>Asks for the lines of <c>[first, first + bytes)</c> in L2, leaving L1 to the data in use.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ToL2<T>(ref T first, nint bytes) => Lines(ref first, bytes, toL1: false);

    // The first, second and last line of the span (the JIT folds toL1, a constant at every call).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Lines<T>(ref T first, nint bytes, bool toL1)
    {
        if (Sse.IsSupported)
        {
            var start = (byte*)Unsafe.AsPointer(ref first);
            Line(start, toL1);
            Line(start + Math.Min(64, bytes - 1), toL1);
            Line(start + bytes - 1, toL1);
        }
    }

    /// <summary>Asks for the line holding <paramref name="address"/> in L1 (a no-op without x86 prefetch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Line(byte* address)
    {
        if (Sse.IsSupported)
        {
            Line(address, toL1: true);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Line(byte* address, bool toL1)
    {
        if (toL1)
        {
            Sse.Prefetch0(address);
        }
        else
        {
            Sse.Prefetch1(address);
        }
    }
}
