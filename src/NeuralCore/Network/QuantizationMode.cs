namespace NeuralCore;

/// <summary>How a <see cref="QuantizedNetwork"/> stores its weights; names: <see cref="QuantizationModeNames"/>.</summary>
public enum QuantizationMode
{
#pragma warning disable CA1720 // The names are the formats' names (int8, bfloat16), as NpyDType mirrors NumPy's.
    /// <summary>
    /// Signed 8-bit weight codes with one scale per output (symmetric); each layer's input quantized to 7-bit codes
    /// (per row on the fly, or with calibrated ranges) and summed exactly in int32; bias and output in fp32.
    /// </summary>
    Int8 = 0,

    /// <summary>bfloat16 weights (rounded to nearest even), widened to fp32 in registers; fp32 inputs, sums and bias.</summary>
    BFloat16 = 1,
#pragma warning restore CA1720
}
