using System.Buffers;
using System.Text;
using System.Text.Json;

namespace NeuralCore;

// The nn_architecture list of the classic NumPy tutorials, as JSON: [{"input_dim": 2, "output_dim": 4, "activation": "relu"}, …], with a parameterised
// activation's parameter beside it ("negative_slope": 0.2).
//
// Read and written with Utf8JsonReader/Utf8JsonWriter (no reflection, so the library
// stays AOT-compatible). Reading is strict: a missing or unknown property, a non-integer dimension or an unknown
// activation name is an error whose message gives the layer index, so a typo cannot silently change the model.
public sealed partial class NetworkArchitecture
{
    private const string InputDimName = "input_dim";
    private const string OutputDimName = "output_dim";
    private const string ActivationName = "activation";

    /// <summary>Parses the JSON form.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">The text is not valid JSON of the expected form, or the layers are invalid (the message says which and why).</exception>
    public static NetworkArchitecture FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return Parse(Encoding.UTF8.GetBytes(json));
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(ex.Message, nameof(json), ex.InnerException);
        }
    }

    /// <summary>Parses the JSON form from UTF-8 bytes.</summary>
    /// <param name="utf8Json">The UTF-8 JSON.</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">The text is not valid JSON of the expected form, or the layers are invalid.</exception>
    public static NetworkArchitecture FromJson(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return Parse(utf8Json);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(ex.Message, nameof(utf8Json), ex.InnerException);
        }
    }

    private static NetworkArchitecture Parse(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var layers = new List<LayerSpec>();
        try
        {
            Expect(ref reader, JsonTokenType.StartArray, "the architecture must be a JSON array of layer objects");
            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw Error($"layer {layers.Count} must be an object like {{\"input_dim\": 2, \"output_dim\": 4, \"activation\": \"relu\"}}; got {reader.TokenType}.");
                }

                layers.Add(ReadLayer(ref reader, layers.Count));
            }

            if (reader.Read())
            {
                throw Error($"unexpected {reader.TokenType} after the closing ']'.");
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Invalid architecture JSON: {ex.Message}", ex);
        }

        return new NetworkArchitecture(layers);
    }

    /// <summary>Writes the JSON form (indented, properties in the tutorials' order).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the JSON form to <paramref name="writer"/> (for embedding in a larger document, such as a model file).</summary>
    /// <param name="writer">The writer.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        foreach (var layer in _layers)
        {
            writer.WriteStartObject();
            writer.WriteNumber(InputDimName, layer.InputDim);
            writer.WriteNumber(OutputDimName, layer.OutputDim);
            writer.WriteString(ActivationName, ActivationNames.GetName(layer.Activation));

            // A parameter is written only when it differs from the default, so default layers keep the tutorials' form.
            var info = ActivationNames.Describe(layer.Activation.Kind);
            if (info.ParameterName is not null && layer.Activation.Parameter != info.DefaultParameter)
            {
                writer.WriteNumber(info.ParameterName, layer.Activation.Parameter);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static LayerSpec ReadLayer(ref Utf8JsonReader reader, int index)
    {
        int? input = null, output = null;
        ActivationInfo? activation = null;
        string? parameterName = null;
        double parameter = 0;
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var property = reader.GetString();
            Read(ref reader);
            switch (property)
            {
                case InputDimName:
                    input = ReadDimension(ref reader, index, InputDimName);
                    break;
                case OutputDimName:
                    output = ReadDimension(ref reader, index, OutputDimName);
                    break;
                case ActivationName:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Error($"layer {index}: \"activation\" must be a string (one of: {ActivationNames.ValidNames}); got {reader.TokenType}.");
                    }

                    var name = reader.GetString();
                    if (!ActivationNames.TryParseKind(name, out activation))
                    {
                        throw Error($"layer {index}: unknown activation \"{name}\"; expected one of: {ActivationNames.ValidNames}.");
                    }

                    break;
                default:
                    if (property is null || !ActivationNames.All.Any(k => k.ParameterName == property))
                    {
                        throw Error($"layer {index}: unknown property \"{property}\"; expected \"input_dim\", \"output_dim\", \"activation\" and the activation's parameter ({ParameterNames}).");
                    }

                    if (parameterName is not null)
                    {
                        throw Error($"layer {index}: a second parameter \"{property}\" after \"{parameterName}\".");
                    }

                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out parameter))
                    {
                        throw Error($"layer {index}: \"{property}\" must be a number; got {reader.TokenType}.");
                    }

                    parameterName = property;
                    break;
            }
        }

        if (input is null || output is null || activation is null)
        {
            var missing = string.Join(", ", new[] { (input is null, InputDimName), (output is null, OutputDimName), (activation is null, ActivationName) }
                .Where(p => p.Item1).Select(p => $"\"{p.Item2}\""));
            throw Error($"layer {index}: missing {missing}.");
        }

        if (parameterName is null)
        {
            return new LayerSpec(input.Value, output.Value, Activation.FromKind(activation.Kind));
        }

        if (parameterName != activation.ParameterName)
        {
            throw Error(activation.ParameterName is null
                ? $"layer {index}: \"{parameterName}\" given, but {activation.Name} takes no parameter."
                : $"layer {index}: \"{parameterName}\" given, but {activation.Name}'s parameter is \"{activation.ParameterName}\".");
        }

        var error = Activation.ParameterError(activation.Kind, parameter);
        if (error is not null)
        {
            throw Error($"layer {index}: {error}");
        }

        return new LayerSpec(input.Value, output.Value, Activation.Create(activation.Kind, parameter));
    }

    private static string ParameterNames => string.Join(", ", ActivationNames.All.Where(k => k.ParameterName is not null).Select(k => $"\"{k.ParameterName}\" for {k.Name}"));

    private static int ReadDimension(ref Utf8JsonReader reader, int index, string name)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
        {
            throw Error($"layer {index}: \"{name}\" must be an integer; got {(reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : reader.TokenType.ToString())}.");
        }

        return value;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        Read(ref reader);
        if (reader.TokenType != type)
        {
            throw Error($"{what}; got {reader.TokenType}.");
        }
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Error("the JSON ends too early.");
        }
    }

    // Parse errors surface as FormatException internally and become an ArgumentException naming the caller's argument.
    private static FormatException Error(string message) => new($"Invalid architecture JSON: {message}");
}
