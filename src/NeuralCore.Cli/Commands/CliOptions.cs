using System.CommandLine;
using System.Globalization;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>Options and file helpers shared by the commands (one definition, one message per mistake).</summary>
internal static class CliOptions
{
    public static Option<string> DType() =>
        new Option<string>("--dtype") { Description = "Element type: float32 or float64.", DefaultValueFactory = _ => "float32" }
            .AcceptOnlyFromAmong("float32", "float64");

    public static Option<bool> ColumnMajor() =>
        new("--column-major") { Description = "The data files hold one column per sample (features × samples), as in the seed tutorials." };

    public static Option<string> RequiredPath(string name, string description) =>
        new(name) { Description = description, Required = true };

    public static Option<string?> OptionalPath(string name, string description) =>
        new(name) { Description = description };

    public static Option<ulong> Seed() =>
        new("--seed") { Description = "Seed for initialisation, shuffling and generated data.", DefaultValueFactory = _ => 0UL };

    public static Option<string> Loss(bool required) =>
        new Option<string>("--loss") { Description = "Loss: mse, bce (sigmoid output) or ce (softmax output).", Required = required }
            .AcceptOnlyFromAmong("mse", "bce", "ce");

    /// <summary>
    /// <c>--optimizer</c>, named as <see cref="OptimizerNames"/> names them (case-insensitive); an unknown name is a
    /// usage error listing the valid ones, never a fallback.
    /// </summary>
    public static Option<OptimizerKind> Optimizer() =>
        new("--optimizer")
        {
            Description = $"Optimizer: {OptimizerNames.ValidNames}.",
            Required = true,
            CustomParser = result =>
            {
                var name = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (OptimizerNames.TryParse(name, out var kind))
                {
                    return kind;
                }

                result.AddError($"--optimizer must be one of {OptimizerNames.ValidNames}; got '{name}'.");
                return default;
            },
        };

    public static Loss ParseLoss(string name) => name switch
    {
        "mse" => NeuralCore.Loss.MeanSquaredError,
        "bce" => NeuralCore.Loss.BinaryCrossEntropy,
        "ce" => NeuralCore.Loss.CrossEntropy,
        _ => throw new CliException($"--loss must be mse, bce or ce; got '{name}'.", CliApplication.BadArguments),
    };

    /// <summary>The parameterised activations' JSON properties, from the one definition: <c>leaky_relu takes "negative_slope" (default 0.01)</c>.</summary>
    public static string ActivationParameters => string.Join(
        "; ",
        ActivationNames.All.Where(k => k.ParameterName is not null)
            .Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Name} takes \"{k.ParameterName}\" (default {k.DefaultParameter})")));

    /// <summary>The loss that fits an output activation: bce for sigmoid, ce for softmax, mse otherwise.</summary>
    public static Loss DefaultLoss(Activation output) => output.Kind switch
    {
        ActivationKind.Sigmoid => NeuralCore.Loss.BinaryCrossEntropy,
        ActivationKind.Softmax => NeuralCore.Loss.CrossEntropy,
        _ => NeuralCore.Loss.MeanSquaredError,
    };

    /// <summary>Reads an architecture JSON file; a bad file is a user error naming it.</summary>
    public static NetworkArchitecture ReadArchitecture(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: cannot read the architecture file: {ex.Message}");
        }

        try
        {
            return NetworkArchitecture.FromJson(json);
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
    }

    /// <summary>
    /// Reads a data matrix from <c>.npy</c> (1-D arrays become one column) or <c>.csv</c> (every column; a header row
    /// is detected), converting float32/float64 to <typeparamref name="T"/>, and transposes seed-layout data.
    /// </summary>
    public static Matrix<T> ReadMatrix<T>(string path, bool columnMajor)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var layout = columnMajor ? DataLayout.FeaturesInRows : DataLayout.SamplesInRows;
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".csv")
        {
            var data = DataLoader.ReadCsv<T>(path, new CsvReadOptions { Layout = layout });
            data.Targets.Dispose();
            return data.Features;
        }

        if (extension != ".npy")
        {
            throw new CliException($"{path}: expected a .npy or .csv file; got '{extension}'.");
        }

        var matrix = Npy.ReadMatrix<T>(path, NpyVectorShape.Column, NpyConversion.AllowPrecisionChange);
        if (!columnMajor)
        {
            return matrix;
        }

        using (matrix)
        {
            return Datasets.FromColumnMajor(matrix.ReadOnlySpan);
        }
    }

    /// <summary>Writes a matrix as <c>.npy</c> or <c>.csv</c> by the extension (atomically).</summary>
    public static void WriteMatrix<T>(string path, ReadOnlyMatrixSpan<T> values)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".npy":
                Npy.Write(path, values);
                break;
            case ".csv":
                CsvFile.Write(path, values);
                break;
            default:
                throw new CliException($"--out {path}: expected a .npy or .csv file name.", CliApplication.BadArguments);
        }
    }

    public static string Shape(int rows, int columns) => string.Create(CultureInfo.InvariantCulture, $"{rows}×{columns}");
}
