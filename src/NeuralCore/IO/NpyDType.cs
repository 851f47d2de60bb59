namespace NeuralCore.IO;

/// <summary>The element types NeuralCore reads and writes in <c>.npy</c> files (always little-endian).</summary>
public enum NpyDType
{
#pragma warning disable CA1720 // The names mirror NumPy's dtype names (float32, float64, uint8) on purpose.
    /// <summary>32-bit IEEE float, NumPy <c>'&lt;f4'</c> (<see cref="float"/>).</summary>
    Float32,

    /// <summary>64-bit IEEE float, NumPy <c>'&lt;f8'</c> (<see cref="double"/>).</summary>
    Float64,

    /// <summary>Unsigned byte, NumPy <c>'|u1'</c> (<see cref="byte"/>); used for UTF-8 text such as a model's architecture JSON.</summary>
    UInt8,
#pragma warning restore CA1720
}
