namespace NeuralCore.IO;

/// <summary>Whether reading an array as another numeric type than it was stored in is allowed.</summary>
/// <remarks>
/// One switch for one question — may the stored type differ from the requested one? — in every format:
/// <c>.npy</c>/<c>.npz</c> (float32, float64, and the integer dtypes) and <c>.safetensors</c> (F32, F64, F16, BF16).
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

    /// <summary>
    /// Everything <see cref="AllowPrecisionChange"/> allows, and <c>.npy</c> integer data (int8 … uint64, either byte
    /// order) read as <see cref="float"/> or <see cref="double"/> — for class ids and counts saved as NumPy integers.
    /// Only exact conversions: a value with more significant bits than the type holds (24 for float, 53 for double;
    /// 16 777 217 is the first integer float cannot hold) is an <see cref="NpyFormatException"/> naming the element,
    /// never a rounded value. Safetensors and ONNX, which have no integer weights, treat it as
    /// <see cref="AllowPrecisionChange"/>.
    /// </summary>
    AllowIntegers,
}
