namespace NeuralCore.IO;

/// <summary>Whether reading an array as another floating-point type than it was stored in is allowed.</summary>
/// <remarks>
/// One switch for one question — may the stored float type differ from the requested one? — in every format:
/// <c>.npy</c>/<c>.npz</c> (float32, float64) and <c>.safetensors</c> (F32, F64, F16, BF16).
/// </remarks>
public enum NpyConversion
{
    /// <summary>
    /// The requested element type must match the stored dtype exactly (float32/F32 as <see cref="float"/>,
    /// float64/F64 as <see cref="double"/>); anything else is an <see cref="NpyFormatException"/> or
    /// <see cref="SafeTensorsFormatException"/>.
    /// </summary>
    Exact,

    /// <summary>
    /// Float32 data may be read as <see cref="double"/> (exact) and float64 data as <see cref="float"/> (rounded to
    /// nearest, overflow to ±∞); safetensors F16 and BF16 data may be read as either (exact: both widen). Byte data is
    /// never converted.
    /// </summary>
    AllowPrecisionChange,
}
