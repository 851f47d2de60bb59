namespace NeuralCore;

/// <summary>How an <see cref="QuantizationMode.Int8"/> network quantizes each layer's input.</summary>
public enum ActivationQuantization
{
    /// <summary>Per row, from the row's own range [min(0, min x), max(0, max x)], at every prediction (PyTorch's <c>quantize_dynamic</c> takes one range per input tensor, the whole batch).</summary>
    Dynamic = 0,

    /// <summary>With one range per layer fixed from calibration data; inputs outside it clamp to its ends.</summary>
    Static = 1,
}
