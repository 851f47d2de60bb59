namespace NeuralCore.IO;

/// <summary>The element types NeuralCore reads from and writes to <c>.safetensors</c> files (always little-endian).</summary>
/// <remarks>
/// The names are the safetensors dtype strings. An fp32/fp64 network loads <see cref="F16"/> and <see cref="BF16"/>
/// when the caller passes <see cref="NpyConversion.AllowPrecisionChange"/> (the widening to <see cref="float"/> or
/// <see cref="double"/> is exact); <see cref="I8"/> holds the weight codes of a quantized model
/// (<see cref="QuantizedModelFile"/>) and reads only as <see cref="sbyte"/>, never as a float. Any other safetensors
/// dtype (<c>I64</c>, <c>U8</c>, <c>F8_E4M3</c>, …) is a <see cref="SafeTensorsFormatException"/> naming the tensor and
/// the dtype.
/// </remarks>
public enum SafeTensorsDType
{
#pragma warning disable CA1707 // The names are the format's own dtype strings.
    /// <summary>32-bit IEEE float (<see cref="float"/>), <c>"F32"</c>.</summary>
    F32,

    /// <summary>64-bit IEEE float (<see cref="double"/>), <c>"F64"</c>.</summary>
    F64,

    /// <summary>16-bit IEEE float (<see cref="Half"/>), <c>"F16"</c>.</summary>
    F16,

    /// <summary>bfloat16: the upper 16 bits of a float32 (8 exponent bits, 7 mantissa bits), <c>"BF16"</c>.</summary>
    BF16,

    /// <summary>8-bit signed integer (<see cref="sbyte"/>), <c>"I8"</c>: the codes of an int8 quantized model.</summary>
    I8,
#pragma warning restore CA1707
}
