namespace NeuralCore.Network.Internals.Quantized;

/// <summary>
/// The buffers one <see cref="QuantizedPredictor"/> reuses on every call: two fp32 activation buffers, the int8 codes of
/// a layer's input and their per-row scales and zero points. Sized once for <c>capacity</c> rows, so a prediction
/// allocates nothing.
/// </summary>
internal sealed class QuantizedWorkspace
{
    private readonly float[] _buffer0;
    private readonly float[] _buffer1;
    private readonly byte[] _codes;
    private readonly float[] _rowScales;
    private readonly int[] _zeroPoints;

    public QuantizedWorkspace(NetworkArchitecture architecture, int capacity, bool int8)
    {
        var hidden = 0;
        var widestInput = 0;
        for (var l = 0; l < architecture.LayerCount; l++)
        {
            widestInput = Math.Max(widestInput, architecture[l].InputDim);
            if (l < architecture.LayerCount - 1)
            {
                hidden = Math.Max(hidden, architecture[l].OutputDim);
            }
        }

        _buffer0 = new float[checked(capacity * hidden)];
        _buffer1 = new float[checked(capacity * hidden)];
        _codes = int8 ? new byte[checked(capacity * ((widestInput + 3) & ~3))] : [];
        _rowScales = int8 ? new float[capacity] : [];
        _zeroPoints = int8 ? new int[capacity] : [];
    }

    public Span<float> RowScales => _rowScales;

    public Span<int> ZeroPoints => _zeroPoints;

    /// <summary>The hidden activations of layer <paramref name="layer"/>, [rows, columns], alternating between the two buffers.</summary>
    public MatrixSpan<float> Hidden(int layer, int rows, int columns) =>
        new(((layer & 1) == 0 ? _buffer0 : _buffer1).AsSpan(0, rows * columns), rows, columns);

    public MatrixSpan<byte> Codes(int rows, int paddedColumns) => new(_codes.AsSpan(0, rows * paddedColumns), rows, paddedColumns);
}
