namespace NeuralCore.IO.Internals;

/// <summary>What each <see cref="NpyConversion"/> allows: the one place the closed set is dispatched.</summary>
internal static class NpyConversions
{
    /// <summary>Whether float32 ↔ float64 (and F16/BF16 widening) is allowed.</summary>
    public static bool AllowsPrecisionChange(this NpyConversion conversion) => conversion switch
    {
        NpyConversion.Exact => false,
        NpyConversion.AllowPrecisionChange or NpyConversion.AllowIntegers => true,
        _ => throw new ArgumentOutOfRangeException(nameof(conversion), conversion, "unknown NpyConversion value."),
    };

    /// <summary>Whether integer data may be read as float/double (each value exactly).</summary>
    public static bool AllowsIntegers(this NpyConversion conversion) => conversion switch
    {
        NpyConversion.Exact or NpyConversion.AllowPrecisionChange => false,
        NpyConversion.AllowIntegers => true,
        _ => throw new ArgumentOutOfRangeException(nameof(conversion), conversion, "unknown NpyConversion value."),
    };
}
