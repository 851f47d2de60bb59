using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuralCore.Network.Internals;

/// <summary>
/// Where each layer's parameters live in the network's one flat, aligned parameter vector.
/// </summary>
/// <remarks>
/// <code>
/// [ W₀ (in₀ rows of stride(out₀)) | pad | b₀ (out₀) | pad | W₁ … | b₁ … ]   each block starts on a 16-element boundary
/// </code>
/// Weights are stored transposed relative to the public/PyTorch [out, in] form: W_int[in, out] = Wᵀ. Then the
/// forward product is Z = A_prev·W_int (both operands read along their rows, the broadcast GEMM kernel with no
/// transposition), dW_int = A_prevᵀ·δ, and only the backward dA_prev = δ·W_intᵀ reads W transposed
/// (src/NeuralCore/Network/DESIGN.md, "Layout"). One flat vector means one optimizer call, one snapshot copy and one finiteness
/// scan per step instead of one per layer. Padding elements stay zero in parameters and gradients, so every update
/// rule leaves them at zero. Weight rows use the internal <see cref="RowStride"/> (padded to 16 from width 16 up).
/// </remarks>
internal sealed class ParameterLayout
{
    /// <summary>Block starts are rounded up to this many elements (64 bytes of float).</summary>
    public const int BlockAlignment = 16;

    private readonly NetworkArchitecture _architecture;

    public ParameterLayout(NetworkArchitecture architecture)
    {
        _architecture = architecture;
        var count = architecture.LayerCount;
        WeightOffsets = new int[count];
        BiasOffsets = new int[count];
        WeightStrides = new int[count];
        long offset = 0;
        for (var i = 0; i < count; i++)
        {
            var layer = architecture[i];
            WeightOffsets[i] = checked((int)offset);
            WeightStrides[i] = RowStride.For(layer.OutputDim);
            offset = Align(offset + ((long)layer.InputDim * WeightStrides[i]));
            BiasOffsets[i] = checked((int)offset);
            offset = Align(offset + layer.OutputDim);
        }

        Length = checked((int)Math.Max(offset, 1));
    }

    /// <summary>The start of each layer's W_int[in, out].</summary>
    public int[] WeightOffsets { get; }

    /// <summary>The row stride of each layer's W_int.</summary>
    public int[] WeightStrides { get; }

    /// <summary>The start of each layer's bias.</summary>
    public int[] BiasOffsets { get; }

    /// <summary>The length of the flat vector, padding included.</summary>
    public int Length { get; }

    /// <summary>
    /// Layer <paramref name="layer"/>'s W_int[in, out] in <paramref name="storage"/> (the parameter vector or a gradient
    /// vector of <see cref="Length"/>), unchecked: this layout sized the vector, and the trainer builds these views
    /// several times per layer per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MatrixSpan<T> Weights<T>(Span<T> storage, int layer)
        where T : unmanaged
    {
        Debug.Assert(storage.Length >= Length);
        var spec = _architecture[layer];
        return new MatrixSpan<T>(ref Unsafe.Add(ref MemoryMarshal.GetReference(storage), WeightOffsets[layer]), spec.InputDim, spec.OutputDim, WeightStrides[layer]);
    }

    /// <summary>Layer <paramref name="layer"/>'s bias in <paramref name="storage"/> (see <see cref="Weights"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Bias<T>(Span<T> storage, int layer)
        where T : unmanaged
        => storage.Slice(BiasOffsets[layer], _architecture[layer].OutputDim);

    /// <summary>
    /// Copies a vector in this layout (parameters, or optimizer state shaped like them) into the public order, padding
    /// left out: per layer its weights [OutputDim, InputDim] row by row, then its bias. <paramref name="destination"/>
    /// holds the architecture's <see cref="NetworkArchitecture.ParameterCount"/> values.
    /// </summary>
    public void ToPublicOrder<T>(ReadOnlySpan<T> storage, Span<T> destination)
        where T : unmanaged
    {
        RequirePublicLength(destination.Length, nameof(destination));
        var position = 0;
        for (var l = 0; l < _architecture.LayerCount; l++)
        {
            var spec = _architecture[l];
            for (var o = 0; o < spec.OutputDim; o++)
            {
                for (var i = 0; i < spec.InputDim; i++)
                {
                    destination[position++] = storage[WeightOffsets[l] + (i * WeightStrides[l]) + o];
                }
            }

            storage.Slice(BiasOffsets[l], spec.OutputDim).CopyTo(destination[position..]);
            position += spec.OutputDim;
        }
    }

    /// <summary>The inverse of <see cref="ToPublicOrder"/>; the padding of <paramref name="storage"/> is set to zero.</summary>
    public void FromPublicOrder<T>(ReadOnlySpan<T> source, Span<T> storage)
        where T : unmanaged
    {
        RequirePublicLength(source.Length, nameof(source));
        storage.Clear();
        var position = 0;
        for (var l = 0; l < _architecture.LayerCount; l++)
        {
            var spec = _architecture[l];
            for (var o = 0; o < spec.OutputDim; o++)
            {
                for (var i = 0; i < spec.InputDim; i++)
                {
                    storage[WeightOffsets[l] + (i * WeightStrides[l]) + o] = source[position++];
                }
            }

            source.Slice(position, spec.OutputDim).CopyTo(storage.Slice(BiasOffsets[l], spec.OutputDim));
            position += spec.OutputDim;
        }
    }

    private void RequirePublicLength(int length, string paramName)
    {
        if (length != _architecture.ParameterCount)
        {
            throw new ArgumentException($"{paramName} must hold the {_architecture.ParameterCount} parameters; got {length}.", paramName);
        }
    }

    private static long Align(long value) => (value + BlockAlignment - 1) / BlockAlignment * BlockAlignment;
}
