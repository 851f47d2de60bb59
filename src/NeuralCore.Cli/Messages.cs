using System.Globalization;

namespace NeuralCore.Cli;

/// <summary>
/// What users read: numbers as people write them (<c>2.49e-9</c>, not <c>2.49E-009</c>) and library messages
/// without .NET's <c>(Parameter 'x')</c> suffix.
/// </summary>
internal static class Messages
{
    /// <summary>
    /// <paramref name="value"/> with <paramref name="digits"/> significant digits, an exponent only for very large or
    /// small values and written <c>e-9</c>; <c>NaN</c>, <c>inf</c> and <c>-inf</c> for the non-finite values.
    /// </summary>
    public static string Number(double value, int digits = 6)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var text = value.ToString(string.Create(CultureInfo.InvariantCulture, $"G{digits}"), CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        // "2.49E-09" → "2.49e-9", "1E+15" → "1e15".
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, e)}e{exponent}");
    }

    /// <summary>The exception's message without the <c> (Parameter 'name')</c> that <see cref="ArgumentException"/> appends.</summary>
    public static string WithoutParameter(Exception exception)
    {
        var message = exception.Message;
        if (exception is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                return message[..^suffix.Length];
            }
        }

        return message;
    }
}
