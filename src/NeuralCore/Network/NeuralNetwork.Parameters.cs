using NeuralCore.Network.Internals;

namespace NeuralCore;

// Public get/set of each layer's weights ([OutputDim, InputDim], as in the seeds and PyTorch) and bias.
public sealed partial class NeuralNetwork<T>
{
    /// <summary>Copies layer <paramref name="layer"/>'s weights, shape [OutputDim, InputDim], into <paramref name="destination"/>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="destination">Shape: [OutputDim, InputDim].</param>
    /// <exception cref="ArgumentOutOfRangeException">The layer index is out of range.</exception>
    /// <exception cref="ArgumentException">The destination has the wrong shape.</exception>
    public void CopyWeightsTo(int layer, MatrixSpan<T> destination)
    {
        var spec = CheckLayer(layer);
        CheckShape(destination.Rows, destination.Columns, spec, nameof(destination));
        var weights = WeightsInternal(layer);
        for (var o = 0; o < spec.OutputDim; o++)
        {
            var row = destination.GetRowSpan(o);
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = weights.DangerousGetReferenceAt(i, o);
            }
        }
    }

    /// <summary>Returns a copy of layer <paramref name="layer"/>'s weights, shape [OutputDim, InputDim] (convenience; allocates).</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>A new array, <c>[o, i]</c> = the weight from input i to unit o.</returns>
    public T[,] GetWeights(int layer)
    {
        var spec = CheckLayer(layer);
        var result = new T[spec.OutputDim, spec.InputDim];
        var weights = WeightsInternal(layer);
        for (var o = 0; o < spec.OutputDim; o++)
        {
            for (var i = 0; i < spec.InputDim; i++)
            {
                result[o, i] = weights[i, o];
            }
        }

        return result;
    }

    /// <summary>Sets layer <paramref name="layer"/>'s weights from a [OutputDim, InputDim] matrix, bit-exactly.</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="source">Shape: [OutputDim, InputDim]; finite values.</param>
    /// <exception cref="ArgumentOutOfRangeException">The layer index is out of range.</exception>
    /// <exception cref="ArgumentException">The shape is wrong or a value is NaN/±∞ (the network is then unchanged).</exception>
    public void SetWeights(int layer, ReadOnlyMatrixSpan<T> source)
    {
        var spec = CheckLayer(layer);
        CheckShape(source.Rows, source.Columns, spec, nameof(source));
        DataValidation.RequireFinite(source, nameof(source));

        // [out, in] → W_int[in, out] in cache tiles (a column-at-a-time copy was 10 ns per weight on a 1024² layer).
        source.TransposeTo(WritableWeightsInternal(layer));
    }

    /// <summary>Sets layer <paramref name="layer"/>'s weights from a [OutputDim, InputDim] array, bit-exactly.</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="source">Shape: [OutputDim, InputDim].</param>
    /// <exception cref="ArgumentException">The shape is wrong or a value is NaN/±∞.</exception>
    public void SetWeights(int layer, T[,] source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var matrix = Matrix<T>.FromArray(source);
        SetWeights(layer, matrix.ReadOnlySpan);
    }

    /// <summary>Copies layer <paramref name="layer"/>'s bias (length OutputDim) into <paramref name="destination"/>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="destination">Length: OutputDim.</param>
    /// <exception cref="ArgumentException">The length is wrong.</exception>
    public void CopyBiasTo(int layer, Span<T> destination)
    {
        var spec = CheckLayer(layer);
        CheckLength(destination.Length, spec, nameof(destination));
        BiasInternal(layer).CopyTo(destination);
    }

    /// <summary>Returns a copy of layer <paramref name="layer"/>'s bias (convenience; allocates).</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>A new array of OutputDim values.</returns>
    public T[] GetBias(int layer)
    {
        CheckLayer(layer);
        return BiasInternal(layer).ToArray();
    }

    /// <summary>Sets layer <paramref name="layer"/>'s bias, bit-exactly.</summary>
    /// <param name="layer">The layer index.</param>
    /// <param name="source">Length: OutputDim; finite values.</param>
    /// <exception cref="ArgumentException">The length is wrong or a value is NaN/±∞ (the network is then unchanged).</exception>
    public void SetBias(int layer, ReadOnlySpan<T> source)
    {
        var spec = CheckLayer(layer);
        CheckLength(source.Length, spec, nameof(source));
        DataValidation.RequireFinite(source, nameof(source));
        source.CopyTo(WritableBiasInternal(layer));
    }

    /// <summary>
    /// Returns every parameter in one array, in the public order: for each layer its weights [OutputDim, InputDim]
    /// row by row, then its bias (convenience; allocates).
    /// </summary>
    /// <returns>A new array of <see cref="ParameterCount"/> values.</returns>
    public T[] GetParameters()
    {
        ThrowIfDisposed();
        var result = new T[ParameterCount];
        Layout.ToPublicOrder<T>(ParameterStorage, result);
        return result;
    }

    private LayerSpec CheckLayer(int layer)
    {
        ThrowIfDisposed();
        if ((uint)layer >= (uint)LayerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer must be in [0, {LayerCount}).");
        }

        return Architecture[layer];
    }

    private static void CheckShape(int rows, int columns, LayerSpec spec, string paramName)
    {
        if (rows != spec.OutputDim || columns != spec.InputDim)
        {
            throw new ArgumentException(
                $"{paramName} must be [output_dim, input_dim] = {spec.OutputDim}×{spec.InputDim} for layer {spec}; got {rows}×{columns}.", paramName);
        }
    }

    private static void CheckLength(int length, LayerSpec spec, string paramName)
    {
        if (length != spec.OutputDim)
        {
            throw new ArgumentException($"{paramName} must have output_dim = {spec.OutputDim} elements for layer {spec}; got {length}.", paramName);
        }
    }
}
