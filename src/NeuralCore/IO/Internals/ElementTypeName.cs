namespace NeuralCore.IO.Internals;

/// <summary>The name of an element type as the file formats and the CLI spell it (<c>float32</c>, not <c>Single</c>).</summary>
internal static class ElementTypeName
{
    public static string Of<T>() =>
        typeof(T) == typeof(float) ? "float32"
        : typeof(T) == typeof(double) ? "float64"
        : typeof(T) == typeof(Half) ? "float16"
        : typeof(T) == typeof(byte) ? "uint8"
        : typeof(T) == typeof(sbyte) ? "int8"
        : typeof(T) == typeof(ushort) ? "uint16"
        : typeof(T).Name;
}
