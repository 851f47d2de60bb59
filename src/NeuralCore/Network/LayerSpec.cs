namespace NeuralCore;

/// <summary>
/// One dense layer of an architecture, exactly one entry of the NumPy tutorials' <c>nn_architecture</c> list, <c>{"input_dim": 2, "output_dim": 4, "activation": "relu"}</c>:
/// <c>A = f(A_prev·Wᵀ + b)</c> with W of shape [OutputDim, InputDim] and b of length OutputDim.
/// </summary>
/// <param name="InputDim">The width of the layer's input (≥ 1).</param>
/// <param name="OutputDim">The number of units, the width of the layer's output (≥ 1).</param>
/// <param name="Activation">The activation f, with its parameter.</param>
public readonly record struct LayerSpec(int InputDim, int OutputDim, Activation Activation)
{
    /// <inheritdoc/>
    public override string ToString() => $"{InputDim}→{OutputDim} {Activation}";
}
