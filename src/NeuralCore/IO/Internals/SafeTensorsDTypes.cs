namespace NeuralCore.IO.Internals;

/// <summary>The one table of supported safetensors dtypes: their names in the header and their sizes.</summary>
internal static class SafeTensorsDTypes
{
    /// <summary>The supported names, as listed in error messages.</summary>
    public const string ValidNames = "F32, F64, F16, BF16 or I8";

    public static string Name(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F32 => "F32",
        SafeTensorsDType.F64 => "F64",
        SafeTensorsDType.F16 => "F16",
        SafeTensorsDType.BF16 => "BF16",
        SafeTensorsDType.I8 => "I8",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Not a safetensors dtype; expected {ValidNames}."),
    };

    public static int ItemSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F32 => 4,
        SafeTensorsDType.F64 => 8,
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Not a safetensors dtype; expected {ValidNames}."),
    };

    /// <summary>Parses a header dtype string (case-sensitive, as the format defines it).</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out SafeTensorsDType dtype)
    {
        switch (name)
        {
            case "F32":
                dtype = SafeTensorsDType.F32;
                return true;
            case "F64":
                dtype = SafeTensorsDType.F64;
                return true;
            case "F16":
                dtype = SafeTensorsDType.F16;
                return true;
            case "BF16":
                dtype = SafeTensorsDType.BF16;
                return true;
            case "I8":
                dtype = SafeTensorsDType.I8;
                return true;
            default:
                dtype = default;
                return false;
        }
    }

    /// <summary>The dtype that holds <typeparamref name="T"/> exactly: F32 for float, F64 for double, F16 for Half, I8 for sbyte.</summary>
    public static SafeTensorsDType Of<T>()
    {
        if (typeof(T) == typeof(float))
        {
            return SafeTensorsDType.F32;
        }

        if (typeof(T) == typeof(double))
        {
            return SafeTensorsDType.F64;
        }

        if (typeof(T) == typeof(Half))
        {
            return SafeTensorsDType.F16;
        }

        if (typeof(T) == typeof(sbyte))
        {
            return SafeTensorsDType.I8;
        }

        throw new NotSupportedException($"Element type {typeof(T).Name} is not supported for safetensors files; use float, double, Half or sbyte.");
    }
}
