using NeuralCore.Internals;

namespace NeuralCore.Network.Internals;

/// <summary>The argument checks of every Predict (fp32 and quantized predictors): shapes and overlaps, once per call.</summary>
internal static class PredictionArguments
{
    /// <summary>One sample: <paramref name="input"/> of <paramref name="inputSize"/>, <paramref name="output"/> of <paramref name="outputSize"/>, not overlapping.</summary>
    public static void RequireSample<T>(ReadOnlySpan<T> input, Span<T> output, int inputSize, int outputSize)
    {
        if (input.Length != inputSize)
        {
            throw new ArgumentException($"input must have InputSize = {inputSize} elements; got {input.Length}.", nameof(input));
        }

        if (output.Length != outputSize)
        {
            throw new ArgumentException($"output must have OutputSize = {outputSize} elements; got {output.Length}.", nameof(output));
        }

        if (input.Overlaps(output))
        {
            throw new ArgumentException("output must not overlap input.", nameof(output));
        }
    }

    /// <summary>A batch: [m, <paramref name="inputSize"/>] into [m, <paramref name="outputSize"/>], not overlapping.</summary>
    public static void RequireBatch<T>(ReadOnlyMatrixSpan<T> inputs, MatrixSpan<T> outputs, int inputSize, int outputSize)
        where T : unmanaged
    {
        DataValidation.RequireColumns(inputs.Columns, inputSize, nameof(inputs), "the network's InputSize");
        DataValidation.RequireColumns(outputs.Columns, outputSize, nameof(outputs), "the network's OutputSize");
        DataValidation.RequireSameRows(inputs.Rows, outputs.Rows, nameof(inputs), nameof(outputs));
        ArgumentValidation.Disjoint(inputs, outputs, nameof(inputs), nameof(outputs));
    }
}
