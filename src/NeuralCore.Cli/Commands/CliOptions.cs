using System.CommandLine;
using System.Globalization;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>Options and file helpers shared by the commands (one definition, one message per mistake).</summary>
internal static class CliOptions
{
    public static Option<string> DType() => Choice("--dtype", "Element type: float32 or float64.", "float32", "float32", "float64");

    /// <summary>
    /// An option taking one of <paramref name="values"/> in any case (<c>--dtype Float64</c>); the value read is the
    /// canonical lower-case spelling, and anything else is a usage error listing the valid ones.
    /// </summary>
    public static Option<string> Choice(string name, string description, string? defaultValue, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var given = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                var match = values.FirstOrDefault(v => string.Equals(v, given, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    result.AddError($"{name} must be one of {string.Join(", ", values)}; got '{given}'.");
                    return string.Empty;
                }

                return match;
            },
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.CompletionSources.Add(values);
        return option;
    }

    public static Option<bool> ColumnMajor() =>
        new("--column-major") { Description = "The data files hold one column per sample (features × samples), as in the classic NumPy tutorials." };

    public static Option<string> RequiredPath(string name, string description) =>
        new(name) { Description = description, Required = true };

    public static Option<string?> OptionalPath(string name, string description) =>
        new(name) { Description = description };

    public static Option<ulong> Seed() =>
        new("--seed") { Description = "Seed for initialisation, shuffling and generated data.", DefaultValueFactory = _ => 0UL };

    /// <summary><c>--loss</c>: the names of <see cref="LossNames"/> (any case), each with what it needs in the help.</summary>
    public static Option<string> Loss(bool required) =>
        new Option<string>("--loss") { Description = $"Loss: {string.Join(", ", LossNames.All.Select(LossHelp))}.", Required = required }
            .AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, [.. LossNames.All.Select(l => l.Name)]);

    /// <summary>
    /// <c>--optimizer</c>, named as <see cref="OptimizerNames"/> names them (case-insensitive); an unknown name is a
    /// usage error listing the valid ones, never a fallback.
    /// </summary>
    public static Option<OptimizerKind> Optimizer() =>
        new("--optimizer")
        {
            Description = $"Optimizer: {OptimizerNames.ValidNames}.",
            HelpName = OptimizerNames.ValidNames.Replace(", ", "|", StringComparison.Ordinal),
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

    /// <summary>The parameterised activations' JSON properties, from the one definition: <c>leaky_relu takes "negative_slope" (default 0.01)</c>.</summary>
    public static string ActivationParameters => string.Join(
        "; ",
        ActivationNames.All.Where(k => k.ParameterName is not null)
            .Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Name} takes \"{k.ParameterName}\" (default {k.DefaultParameter})")));

    /// <summary><c>--huber-delta</c>: the parameter of the one parameterised loss, named after it and its parameter.</summary>
    public static Option<double?> LossParameter() =>
        new($"--{ParameterisedLoss.Name}-{ParameterisedLoss.ParameterName}")
        {
            Description = string.Create(CultureInfo.InvariantCulture, $"The {ParameterisedLoss.ParameterName} of --loss {ParameterisedLoss.Name} (> 0; default {ParameterisedLoss.DefaultParameter}): where it turns from quadratic to linear."),
        };

    /// <summary>
    /// The loss a command uses: <c>--loss</c> (with <c>--huber-delta</c>) or the output layer's default. Cross-entropy
    /// on targets of one class id per sample for several outputs is sparse cross-entropy (<c>FromClassIds</c>).
    /// </summary>
    public static (Loss Loss, bool FromClassIds) ResolveLoss(string? name, double? parameter, NetworkArchitecture architecture, int targetColumns)
    {
        var defaultLoss = NeuralCore.Loss.DefaultFor(architecture.OutputActivation);
        var loss = name is null
            ? (parameter is null ? defaultLoss : ParseLoss(LossNames.GetName(defaultLoss), parameter))
            : ParseLoss(name, parameter);
        return loss.Kind == LossKind.CrossEntropy && targetColumns == 1 && architecture.OutputSize > 1
            ? (NeuralCore.Loss.SparseCrossEntropy, true)
            : (loss, false);
    }

    /// <summary>The loss named by <c>--loss</c>, with <c>--huber-delta</c> when given.</summary>
    public static Loss ParseLoss(string name, double? parameter = null)
    {
        if (!LossNames.TryParseKind(name, out var info))
        {
            throw new CliException($"--loss must be one of: {LossNames.ValidNames}; got '{name}'.", CliApplication.BadArguments);
        }

        if (parameter is not { } value)
        {
            return NeuralCore.Loss.FromKind(info.Kind);
        }

        var option = $"--{ParameterisedLoss.Name}-{ParameterisedLoss.ParameterName}";
        if (info.Kind != ParameterisedLoss.Kind)
        {
            throw new CliException($"{option} applies to --loss {ParameterisedLoss.Name} only; got --loss {info.Name}.", CliApplication.BadArguments);
        }

        try
        {
            return NeuralCore.Loss.Create(info.Kind, value);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{option} must be a finite number > 0; got {value}."), CliApplication.BadArguments);
        }
    }

    private static LossInfo ParameterisedLoss => LossNames.All.Single(l => l.ParameterName is not null);

    private static string LossHelp(LossInfo info)
    {
        var needs = new List<string>();
        if (info.RequiredOutput is { } output)
        {
            needs.Add($"{ActivationNames.GetName(output)} output");
        }

        if (info.TargetsAreClassIds)
        {
            needs.Add("y holds one class id 0…C−1 per sample");
        }

        if (info.ParameterName is not null)
        {
            needs.Add($"see --{info.Name}-{info.ParameterName}");
        }

        return needs.Count == 0 ? info.Name : $"{info.Name} ({string.Join("; ", needs)})";
    }

    /// <summary><c>--arch</c> for commands that read a model: the architecture of a state_dict that does not record one.</summary>
    public static Option<string?> ModelArchitecture() =>
        OptionalPath("--arch", $"Architecture JSON (a file, or the JSON itself when it starts with '[') for a .safetensors state_dict without '{ModelFile.ArchitectureMetadataKey}' metadata (when the file has it, the two must agree).");

    /// <summary>Whether an <c>--arch</c> value is the JSON itself rather than a file name.</summary>
    public static bool IsInlineArchitecture(string value) => value.AsSpan().TrimStart().StartsWith("[", StringComparison.Ordinal);

    /// <summary>The file an <c>--arch</c> value names, or <see langword="null"/> when it is inline JSON or not given.</summary>
    public static string? ArchitectureFile(string? value) => value is null || IsInlineArchitecture(value) ? null : value;

    /// <summary>A file given to <paramref name="option"/> must exist: the message names the option, not a .NET exception.</summary>
    public static void RequireFile(string option, string path)
    {
        if (Directory.Exists(path))
        {
            throw new CliException($"{option} {path}: is a folder; expected a file.");
        }

        if (!File.Exists(path))
        {
            throw new CliException($"{option} {path}: file not found.");
        }
    }

    /// <summary>The model format <paramref name="path"/> names by its extension; an unknown one is a usage error naming <paramref name="option"/>.</summary>
    public static ModelFormat ModelFormatOf(string option, string path)
    {
        try
        {
            return ModelFile.GetFormat(path);
        }
        catch (ArgumentException)
        {
            var extension = Path.GetExtension(path);
            throw new CliException(
                $"{option} {path}: {(extension.Length == 0 ? "no extension" : $"extension '{extension}'")} is not a model format; expected one of {ModelFile.SupportedExtensions}.",
                CliApplication.BadArguments);
        }
    }

    /// <summary>Loads a model given to <paramref name="option"/> (any format, by extension), with the <c>--arch</c> file when given.</summary>
    public static NeuralNetwork<T> LoadModel<T>(string option, string path, string? architecturePath)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        _ = ModelFormatOf(option, path);
        RequireFile(option, path);
        var architecture = architecturePath is null ? null : ReadArchitecture(architecturePath);

        // The CLI's --dtype is the explicit request: the file's float32/float64/float16/bfloat16 tensors convert to it.
        return ModelFile.Load<T>(path, architecture, NpyConversion.AllowPrecisionChange);
    }

    /// <summary>Whether the model file given to <paramref name="option"/> is a quantized model (an .npz with a quantization member, or a .safetensors file with that metadata key).</summary>
    public static bool IsQuantizedModel(string option, string path)
    {
        _ = ModelFormatOf(option, path);
        RequireFile(option, path);
        return QuantizedModelFile.IsQuantized(path);
    }

    /// <summary>Reads an <c>--arch</c> value: a JSON file, or the JSON itself when it starts with <c>[</c>; a bad one is a user error naming it.</summary>
    public static NetworkArchitecture ReadArchitecture(string path)
    {
        if (IsInlineArchitecture(path))
        {
            try
            {
                return NetworkArchitecture.FromJson(path);
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"--arch (inline JSON): {Messages.WithoutParameter(ex)}", CliApplication.BadArguments);
            }
        }

        RequireFile("--arch", path);
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
            throw new CliException($"--arch {path}: {Messages.WithoutParameter(ex)}");
        }
    }

    /// <summary>
    /// Reads a data matrix from <c>.npy</c> (1-D arrays become one column) or <c>.csv</c> (every column; a header row
    /// is detected), converting float32/float64 — and integer dtypes such as NumPy's int64 class ids, exactly — to
    /// <typeparamref name="T"/>, and transposes column-major (features × samples) data.
    /// </summary>
    public static Matrix<T> ReadMatrix<T>(string option, string path, bool columnMajor)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        RequireFile(option, path);
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
            throw new CliException($"{option} {path}: expected a .npy or .csv file; got {(extension.Length == 0 ? "no extension" : $"'{extension}'")}.", CliApplication.BadArguments);
        }

        Matrix<T> matrix;
        try
        {
            // Integers (class ids, pixel counts) convert only when exact: a value float32 would round is an error naming it.
            matrix = Npy.ReadMatrix<T>(path, NpyVectorShape.Column, NpyConversion.AllowIntegers);
        }
        catch (NpyFormatException ex)
        {
            throw new CliException($"{option} {ex.Message}");
        }

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
    public static void WriteMatrix<T>(string option, string path, ReadOnlyMatrixSpan<T> values)
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
                throw new CliException($"{option} {path}: expected a .npy or .csv file name.", CliApplication.BadArguments);
        }
    }

    /// <summary>
    /// Rejects NaN/±∞ in data read from <paramref name="option"/>, naming the first row and column (counted from 0, as
    /// NumPy does): what <paramref name="purpose"/> needs, and how to get past it when there is a way.
    /// </summary>
    public static void RequireFinite<T>(string option, string path, ReadOnlyMatrixSpan<T> data, string purpose)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (var r = 0; r < data.Rows; r++)
        {
            var row = data.GetRowSpan(r);
            for (var c = 0; c < row.Length; c++)
            {
                if (!T.IsFinite(row[c]))
                {
                    throw new CliException($"{option} {path}: row {r}, column {c} (counting from 0) is {Messages.Number(double.CreateTruncating(row[c]))}; {purpose}.");
                }
            }
        }
    }

    public static string Shape(int rows, int columns) => string.Create(CultureInfo.InvariantCulture, $"{rows}×{columns}");
}
