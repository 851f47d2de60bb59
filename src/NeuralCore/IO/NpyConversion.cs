namespace NeuralCore.IO;

/// <summary>Whether reading an array as another floating-point type than it was stored in is allowed.</summary>
public enum NpyConversion
{
    /// <summary>The requested element type must match the stored dtype exactly; anything else is an <see cref="NpyFormatException"/>.</summary>
    Exact,

    /// <summary>
    /// Float32 data may be read as <see cref="double"/> (exact) and float64 data as <see cref="float"/> (rounded to
    /// nearest, overflow to ±∞). Byte data is never converted.
    /// </summary>
    AllowPrecisionChange,
}
