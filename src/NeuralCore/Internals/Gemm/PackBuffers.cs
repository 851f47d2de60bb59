using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuralCore.Internals.Gemm;

/// <summary>
/// The pack buffers of one thread, 64-byte aligned, allocated on first use and grown only when a larger block
/// is needed, so a steady stream of products allocates nothing. Each thread (caller or pool worker) owns its
/// own, so threads never share or wait on them.
/// </summary>
/// <remarks>
/// The arrays live on the pinned object heap: their address never changes, so the aligned offset computed once
/// stays valid (an unaligned 512-bit load stream from L1 costs up to 40%: docs/design.md, "Zero-allocation rule"). They are too large for
/// the stack (the B block is up to 2 MB), and the pool's arrays are neither aligned nor per thread.
/// </remarks>
internal sealed class PackBuffers
{
    [ThreadStatic]
    private static PackBuffers? t_current;

    private byte[] _b = [];
    private int _bOffset;

    /// <summary>This thread's buffers.</summary>
    public static PackBuffers Current => t_current ??= new PackBuffers();

    /// <summary>Room for <paramref name="length"/> elements of packed B, aligned to 64 bytes.</summary>
    public Span<T> B<T>(int length)
        where T : unmanaged
    {
        var bytes = length * Unsafe.SizeOf<T>();
        if (_b.Length - _bOffset < bytes)
        {
            _b = GC.AllocateUninitializedArray<byte>(bytes + AlignedMemoryPool<byte>.AlignmentBytes, pinned: true);
            _bOffset = AlignedMemoryPool<byte>.AlignedOffset(_b);
        }

        return MemoryMarshal.Cast<byte, T>(_b.AsSpan(_bOffset, bytes));
    }
}
