using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace NeuralCore;

/// <summary>A plain-text table of the layers, for logs and the command line.</summary>
public sealed partial class NeuralNetwork<T>
{
    /// <summary>
    /// A plain-text table with one row per layer (index, input → output width, activation, parameter count, and their
    /// bytes at <c>sizeof(T)</c> each) and a total row, columns aligned with spaces, lines separated by <c>\n</c>:
    /// <code>
    /// layer  input → output  activation  parameters  bytes
    /// 0      2 → 4           relu                12     48
    /// 1      4 → 1           sigmoid              5     20
    /// total                                      17     68
    /// </code>
    /// </summary>
    /// <remarks>Counts use a comma every three digits (invariant culture); bytes count the parameters, not the padding of the internal layout.</remarks>
    /// <returns>The table, without a trailing newline.</returns>
    public string Summary()
    {
        string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
        var size = Unsafe.SizeOf<T>();
        List<string[]> rows = [["layer", "input → output", "activation", "parameters", "bytes"]];
        for (var l = 0; l < LayerCount; l++)
        {
            var spec = Architecture[l];
            var parameters = ((long)spec.InputDim * spec.OutputDim) + spec.OutputDim;
            rows.Add([Count(l), $"{Count(spec.InputDim)} → {Count(spec.OutputDim)}", ActivationNames.GetName(spec.Activation), Count(parameters), Count(parameters * size)]);
        }

        rows.Add(["total", string.Empty, string.Empty, Count(ParameterCount), Count(ParameterCount * size)]);

        // Text columns left-aligned, the two count columns (headers included) right-aligned.
        var widths = new int[5];
        foreach (var row in rows)
        {
            for (var c = 0; c < widths.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            if (text.Length != 0)
            {
                text.Append('\n');
            }

            var line = new StringBuilder();
            for (var c = 0; c < widths.Length; c++)
            {
                if (c != 0)
                {
                    line.Append("  ");
                }

                line.Append(c >= 3 ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
            }

            text.Append(line.ToString().TrimEnd());
        }

        return text.ToString();
    }
}
