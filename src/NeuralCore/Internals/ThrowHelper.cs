using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NeuralCore.Internals;

/// <summary>
/// Throw sites kept out of hot methods, so those stay small enough to inline (docs/design.md, "Zero-allocation
/// rule"): every message names the argument, the expected and
/// the actual value or shape.
/// </summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowArgumentOutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);

    [DoesNotReturn]
    public static void ThrowIndexOutOfRange(string paramName, int index, int length) =>
        throw new ArgumentOutOfRangeException(
            paramName,
            string.Create(CultureInfo.InvariantCulture, $"{paramName} must be in [0, {length}); got {index}."));

    /// <summary>Throws for a shape that differs from the expected one.</summary>
    [DoesNotReturn]
    public static void ThrowShapeMismatch(string paramName, int expectedRows, int expectedColumns, int actualRows, int actualColumns) =>
        throw new ArgumentException(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{paramName} must be {expectedRows}×{expectedColumns}; got {actualRows}×{actualColumns}."),
            paramName);

    [DoesNotReturn]
    public static void ThrowObjectDisposed(string typeName) => throw new ObjectDisposedException(typeName);
}
