namespace NeuralCore.IO;

/// <summary>
/// The element types NeuralCore reads in <c>.npy</c> files. Float32, Float64, UInt8, Int8 and UInt16 (the codes and bfloat16 bits of a quantized model) are also written (always
/// little-endian); the other integer types are read only, as data: class ids, counts, pixel values.
/// </summary>
/// <remarks>
/// Integer arrays are read in either byte order (big-endian data is swapped on reading, so <see cref="NpyArray.DataBytes"/>
/// is always little-endian) and become <see cref="float"/> or <see cref="double"/> values only when asked with
/// <see cref="NpyConversion.AllowIntegers"/>, and only when each value converts exactly.
/// </remarks>
public enum NpyDType
{
#pragma warning disable CA1720 // The names mirror NumPy's dtype names (float32, float64, uint8) on purpose.
    /// <summary>32-bit IEEE float, NumPy <c>'&lt;f4'</c> (<see cref="float"/>).</summary>
    Float32,

    /// <summary>64-bit IEEE float, NumPy <c>'&lt;f8'</c> (<see cref="double"/>).</summary>
    Float64,

    /// <summary>Unsigned byte, NumPy <c>'|u1'</c> (<see cref="byte"/>); used for UTF-8 text such as a model's architecture JSON.</summary>
    UInt8,

    /// <summary>Signed byte, NumPy <c>'|i1'</c>.</summary>
    Int8,

    /// <summary>16-bit signed integer, NumPy <c>'&lt;i2'</c> or <c>'&gt;i2'</c>.</summary>
    Int16,

    /// <summary>16-bit unsigned integer, NumPy <c>'&lt;u2'</c> or <c>'&gt;u2'</c>.</summary>
    UInt16,

    /// <summary>32-bit signed integer, NumPy <c>'&lt;i4'</c> or <c>'&gt;i4'</c>.</summary>
    Int32,

    /// <summary>32-bit unsigned integer, NumPy <c>'&lt;u4'</c> or <c>'&gt;u4'</c>.</summary>
    UInt32,

    /// <summary>64-bit signed integer, NumPy <c>'&lt;i8'</c> or <c>'&gt;i8'</c> (NumPy's default integer on Linux and macOS).</summary>
    Int64,

    /// <summary>64-bit unsigned integer, NumPy <c>'&lt;u8'</c> or <c>'&gt;u8'</c>.</summary>
    UInt64,
#pragma warning restore CA1720
}
