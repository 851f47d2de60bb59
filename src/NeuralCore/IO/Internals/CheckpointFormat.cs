using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NeuralCore.IO.Internals;

/// <summary>
/// The members a trainer checkpoint adds to a model file, and its <c>trainer</c> metadata: a JSON document with the
/// counters, the generator state and the options (see <see cref="Trainer{T}.SaveCheckpoint(string)"/>).
/// </summary>
/// <remarks>
/// <code>
/// {"format": "neuralcore-trainer-checkpoint", "version": 1, "element_type": "float32",
///  "steps": 120, "epochs_completed": 4, "random_state": [s0, s1, s2, s3, spare_bits, has_spare],
///  "options": {"loss": …, "optimizer": {"kind": "Adam", "nesterov": false, "learning_rate": 0.01, …}, "epochs": 4, …}}
/// </code>
/// Written with <see cref="Utf8JsonWriter"/> (integers exact, doubles in their shortest round-trip form) and read with
/// <see cref="JsonDocument"/>, neither of which uses reflection. Reading is strict about what a restore uses (the
/// counters, the generator, the optimizer) and ignores the rest, which is there for people and other tools.
/// </remarks>
internal static class CheckpointFormat
{
    /// <summary>The UTF-8 JSON metadata member.</summary>
    public const string TrainerMember = "trainer";

    /// <summary>The optimizer's first state vector (momentum's velocity, Adam's first moment), in the public parameter order.</summary>
    public const string State1Member = "optimizer_state1";

    /// <summary>The optimizer's second state vector (Adam's second moment), in the public parameter order.</summary>
    public const string State2Member = "optimizer_state2";

    /// <summary>The shuffled row order, float64 (exact for every row index), present once Fit has shuffled.</summary>
    public const string PermutationMember = "permutation";

    private const string FormatName = "neuralcore-trainer-checkpoint";
    private const int Version = 1;

    // The optimizer's numeric hyper-parameters: the one list the metadata is written from, read from and compared by.
    private static readonly (string Name, Func<Optimizer, double> Get, Func<Optimizer, double, Optimizer> Set)[] s_hyperParameters =
    [
        ("learning_rate", o => o.LearningRate, (o, v) => o with { LearningRate = v }),
        ("momentum", o => o.Momentum, (o, v) => o with { Momentum = v }),
        ("beta1", o => o.Beta1, (o, v) => o with { Beta1 = v }),
        ("beta2", o => o.Beta2, (o, v) => o with { Beta2 = v }),
        ("epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v }),
        ("weight_decay", o => o.WeightDecay, (o, v) => o with { WeightDecay = v }),
        ("alpha", o => o.Alpha, (o, v) => o with { Alpha = v }),
        ("decoupled_weight_decay", o => o.DecoupledWeightDecay, (o, v) => o with { DecoupledWeightDecay = v }),

        // The schedule as numbers: a kind outside the enum can only differ from the restoring trainer's, so it is refused there.
        ("schedule_kind", o => (int)o.Schedule.Kind, (o, v) => o with { Schedule = o.Schedule with { Kind = (LearningRateScheduleKind)(int)v } }),
        ("schedule_step_size", o => o.Schedule.StepSize, (o, v) => o with { Schedule = o.Schedule with { StepSize = (int)v } }),
        ("schedule_gamma", o => o.Schedule.Gamma, (o, v) => o with { Schedule = o.Schedule with { Gamma = v } }),
        ("schedule_warmup_steps", o => o.Schedule.WarmupSteps, (o, v) => o with { Schedule = o.Schedule with { WarmupSteps = (int)v } }),
        ("schedule_total_steps", o => o.Schedule.TotalSteps, (o, v) => o with { Schedule = o.Schedule with { TotalSteps = (int)v } }),
        ("schedule_minimum_learning_rate", o => o.Schedule.MinimumLearningRate, (o, v) => o with { Schedule = o.Schedule with { MinimumLearningRate = v } }),
    ];

    /// <summary>The metadata JSON of a trainer.</summary>
    public static string Write(TrainingOptions options, string elementType, int steps, int epochsCompleted, ReadOnlySpan<ulong> randomState)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteNumber("version", Version);
            writer.WriteString("element_type", elementType);
            writer.WriteNumber("steps", steps);
            writer.WriteNumber("epochs_completed", epochsCompleted);
            writer.WriteStartArray("random_state");
            foreach (var word in randomState)
            {
                writer.WriteNumberValue(word);
            }

            writer.WriteEndArray();
            writer.WriteStartObject("options");
            writer.WriteString("loss", options.Loss.ToString());
            writer.WriteStartObject("optimizer");
            writer.WriteString("kind", options.Optimizer.Kind.ToString());
            writer.WriteBoolean("nesterov", options.Optimizer.Nesterov);
            foreach (var (name, get, _) in s_hyperParameters)
            {
                writer.WriteNumber(name, get(options.Optimizer));
            }

            writer.WriteEndObject();
            writer.WriteNumber("epochs", options.Epochs);
            writer.WriteNumber("batch_size", options.BatchSize);
            writer.WriteBoolean("shuffle", options.Shuffle);
            writer.WriteNumber("seed", options.Seed);
            if (options.Compute.Path is { } path)
            {
                writer.WriteString("kernel_path", Kernels.GetName(path));
            }
            else
            {
                writer.WriteNull("kernel_path");
            }

            writer.WriteNumber("max_threads", options.Compute.MaxThreads);
            if (options.EarlyStopping is { } stopping)
            {
                writer.WriteStartObject("early_stopping");
                writer.WriteNumber("patience", stopping.Patience);
                writer.WriteString("monitor", stopping.Monitor.ToString());
                writer.WriteNumber("min_delta", stopping.MinDelta);
                writer.WriteBoolean("restore_best_weights", stopping.RestoreBestWeights);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("early_stopping");
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads the metadata member of a checkpoint read from <paramref name="source"/>.</summary>
    /// <exception cref="NpyFormatException">The member is missing, is not JSON, or lacks (or mangles) a value a restore needs.</exception>
    public static Metadata Read(NpzArchive archive, string source)
    {
        var memberSource = $"{source}/{TrainerMember}.npy";
        var text = archive[TrainerMember].ToUtf8String();
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != FormatName)
            {
                throw new NpyFormatException(memberSource, $"not a NeuralCore trainer checkpoint: expected an object with \"format\": \"{FormatName}\".");
            }

            var version = Int32(root, "version", memberSource);
            if (version != Version)
            {
                throw new NpyFormatException(memberSource, $"checkpoint version {version} is not supported; expected {Version}.");
            }

            var elementType = Property(root, "element_type", JsonValueKind.String, memberSource).GetString()!;
            var steps = NonNegative(root, "steps", memberSource);
            var epochs = NonNegative(root, "epochs_completed", memberSource);
            var random = Property(root, "random_state", JsonValueKind.Array, memberSource);
            var state = new ulong[random.GetArrayLength()];
            var i = 0;
            foreach (var word in random.EnumerateArray())
            {
                if (word.ValueKind != JsonValueKind.Number || !word.TryGetUInt64(out state[i++]))
                {
                    throw new NpyFormatException(memberSource, $"\"random_state\" must hold unsigned 64-bit integers; got {word.GetRawText()}.");
                }
            }

            var optimizer = ReadOptimizer(Property(Property(root, "options", JsonValueKind.Object, memberSource), "optimizer", JsonValueKind.Object, memberSource), memberSource);
            return new Metadata(elementType, steps, epochs, state, optimizer);
        }
        catch (JsonException ex)
        {
            throw new NpyFormatException(memberSource, $"the metadata is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// How the optimizer saved in a checkpoint differs from a trainer's, e.g. <c>learning_rate 0.01 in the file, 0.001
    /// here</c>; null when they are the same.
    /// </summary>
    public static string? Difference(Optimizer saved, Optimizer current)
    {
        var differences = new List<string>();
        if (saved.Kind != current.Kind)
        {
            differences.Add($"kind {saved.Kind} in the file, {current.Kind} here");
        }

        if (saved.Nesterov != current.Nesterov)
        {
            differences.Add($"nesterov {saved.Nesterov} in the file, {current.Nesterov} here");
        }

        foreach (var (name, get, _) in s_hyperParameters)
        {
            if (!get(saved).Equals(get(current)))
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {get(saved):R} in the file, {get(current):R} here"));
            }
        }

        if (differences.Count == 0 && saved != current)
        {
            // A setting added to Optimizer after this format: never silently treat the two as the same.
            differences.Add("a setting this checkpoint format does not record");
        }

        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    private static Optimizer ReadOptimizer(JsonElement element, string source)
    {
        var kindName = Property(element, "kind", JsonValueKind.String, source).GetString();
        // Names only: Enum.TryParse would also take "2" or "Sgd, Adam".
        if (!Enum.GetNames<OptimizerKind>().Contains(kindName, StringComparer.Ordinal))
        {
            throw new NpyFormatException(source, $"unknown optimizer kind \"{kindName}\"; expected one of: {string.Join(", ", Enum.GetNames<OptimizerKind>())}.");
        }

        var kind = Enum.Parse<OptimizerKind>(kindName!);
        var nesterov = Property(element, "nesterov", JsonValueKind.True, source, JsonValueKind.False).GetBoolean();
        var optimizer = new Optimizer { Kind = kind, Nesterov = nesterov };
        foreach (var (name, _, set) in s_hyperParameters)
        {
            var value = Property(element, name, JsonValueKind.Number, source);
            if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
            {
                throw new NpyFormatException(source, $"optimizer \"{name}\" must be a finite number; got {value.GetRawText()}.");
            }

            optimizer = set(optimizer, number);
        }

        return optimizer;
    }

    private static JsonElement Property(JsonElement element, string name, JsonValueKind kind, string source, JsonValueKind alternative = JsonValueKind.Undefined)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            throw new NpyFormatException(source, $"missing \"{name}\".");
        }

        if (value.ValueKind != kind && value.ValueKind != alternative)
        {
            throw new NpyFormatException(source, $"\"{name}\" must be {(kind is JsonValueKind.True ? "a boolean" : kind.ToString().ToLowerInvariant())}; got {value.ValueKind.ToString().ToLowerInvariant()}.");
        }

        return value;
    }

    private static int Int32(JsonElement element, string name, string source)
    {
        var value = Property(element, name, JsonValueKind.Number, source);
        if (!value.TryGetInt32(out var number))
        {
            throw new NpyFormatException(source, $"\"{name}\" must be a 32-bit integer; got {value.GetRawText()}.");
        }

        return number;
    }

    private static int NonNegative(JsonElement element, string name, string source)
    {
        var number = Int32(element, name, source);
        if (number < 0)
        {
            throw new NpyFormatException(source, $"\"{name}\" must be ≥ 0; got {number}.");
        }

        return number;
    }

    /// <summary>What a restore reads from the metadata.</summary>
    public sealed record Metadata(string ElementType, int Steps, int EpochsCompleted, ulong[] RandomState, Optimizer Optimizer);
}
