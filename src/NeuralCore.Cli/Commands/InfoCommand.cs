using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using NeuralCore.IO;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// <c>neuralcore info</c>: version, runtime, the kernel path in use, vector widths, core count; with <c>--model</c>, the
/// model's summary and the file's format facts instead.
/// </summary>
internal static class InfoCommand
{
    public static Command Create(CliContext context)
    {
        var model = CliOptions.OptionalPath("--model", $"Describe this model file instead ({ModelFile.SupportedExtensions}, or a quantized .npz/.safetensors): its summary, format, dtype, tensor count, metadata keys and size.");
        var arch = CliOptions.ModelArchitecture();
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of aligned text." };
        var command = new Command("info", "Show the version, runtime, kernel path in use, vector widths and core count, or describe a model file (--model).") { model, arch, json }
            .With(("neuralcore info", "this machine: version, runtime, kernel path, vector widths"),
                ("neuralcore info --json", "the same as one JSON object, for scripts"),
                ("neuralcore info --model model.onnx", "a model file: format, dtype, tensors, metadata and the layer summary"));
        command.SetAction(parse =>
        {
            var asJson = parse.GetValue(json);
            if (parse.GetValue(model) is { } path)
            {
                return DescribeModel(context, path, parse.GetValue(arch), asJson);
            }

            var version = typeof(Kernels).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            var o = context.Output;
            if (asJson)
            {
                WriteJson(o, writer =>
                {
                    writer.WriteString("version", version);
                    writer.WriteString("runtime", RuntimeInformation.FrameworkDescription);
                    writer.WriteString("runtimeIdentifier", RuntimeInformation.RuntimeIdentifier);
                    writer.WriteString("os", RuntimeInformation.OSDescription);
                    writer.WriteNumber("cpuCores", Environment.ProcessorCount);
                    writer.WriteString("kernelPath", Kernels.GetName(Kernels.Default));
                    writer.WriteString("bestKernelPath", Kernels.GetName(Kernels.Best));
                    writer.WriteString("kernelPathVariable", Kernels.EnvironmentVariable);
                    writer.WriteStartArray("availableKernelPaths");
                    foreach (var kernel in Kernels.Available)
                    {
                        writer.WriteStringValue(Kernels.GetName(kernel));
                    }

                    writer.WriteEndArray();
                    Vector(writer, "vector512", Vector512.IsHardwareAccelerated, Vector512<float>.Count);
                    Vector(writer, "vector256", Vector256.IsHardwareAccelerated, Vector256<float>.Count);
                    Vector(writer, "vector128", Vector128.IsHardwareAccelerated, Vector128<float>.Count);
                });
                return CliApplication.Success;
            }

            o.WriteLine($"neuralcore   {version}");
            o.WriteLine($"runtime      {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})");
            o.WriteLine($"os           {RuntimeInformation.OSDescription}");
            o.WriteLine($"cpu cores    {Environment.ProcessorCount}");
            o.WriteLine($"kernel path  {Kernels.GetName(Kernels.Default)} (best on this machine: {Kernels.GetName(Kernels.Best)}; override with {Kernels.EnvironmentVariable})");
            o.WriteLine($"available    {string.Join(", ", Kernels.Available.Select(Kernels.GetName))}");
            o.WriteLine(CompiledIsa.Line());
            o.WriteLine($"vector512    {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")} ({Vector512<float>.Count} floats)");
            o.WriteLine($"vector256    {(Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")} ({Vector256<float>.Count} floats)");
            o.WriteLine($"vector128    {(Vector128.IsHardwareAccelerated ? "accelerated" : "not accelerated")} ({Vector128<float>.Count} floats)");
            return CliApplication.Success;
        });
        return command;
    }

    private static void Vector(Utf8JsonWriter writer, string name, bool accelerated, int floats)
    {
        writer.WriteStartObject(name);
        writer.WriteBoolean("accelerated", accelerated);
        writer.WriteNumber("floats", floats);
        writer.WriteEndObject();
    }

    private static void WriteJson(TextWriter output, Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static int DescribeModel(CliContext context, string path, string? arch, bool asJson)
    {
        _ = CliOptions.ModelFormatOf("--model", path);
        CliOptions.RequireFile("--model", path);
        var info = ModelFile.Inspect(path);
        var o = context.Output;
        if (CliOptions.IsQuantizedModel("--model", path))
        {
            return DescribeQuantized(o, path, arch, asJson, info);
        }

        if (asJson)
        {
            NetworkArchitecture architecture;
            if (info.IsFloat64)
            {
                using var network = CliOptions.LoadModel<double>("--model", path, arch);
                architecture = network.Architecture;
            }
            else
            {
                using var network = CliOptions.LoadModel<float>("--model", path, arch);
                architecture = network.Architecture;
            }

            WriteJson(o, writer =>
            {
                writer.WriteString("file", path);
                writer.WriteString("format", ModelFile.GetName(info.Format));
                writer.WriteNumber("size", info.FileSize);
                writer.WriteStartArray("dtypes");
                foreach (var dtype in info.DTypes)
                {
                    writer.WriteStringValue(dtype);
                }

                writer.WriteEndArray();
                writer.WriteNumber("tensors", info.TensorCount);
                writer.WriteStartArray("metadata");
                foreach (var key in info.MetadataKeys)
                {
                    writer.WriteStringValue(key);
                }

                writer.WriteEndArray();
                writer.WriteNumber("parameters", architecture.ParameterCount);
                writer.WritePropertyName("architecture");
                writer.WriteRawValue(architecture.ToJson());
            });
            return CliApplication.Success;
        }

        o.WriteLine($"file         {path}");
        o.WriteLine($"format       {ModelFile.GetName(info.Format)}");
        o.WriteLine($"size         {info.FileSize.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        o.WriteLine($"dtype        {(info.DTypes.Count == 0 ? "none" : string.Join(", ", info.DTypes))}");
        o.WriteLine($"tensors      {info.TensorCount.ToString(CultureInfo.InvariantCulture)}");
        o.WriteLine($"metadata     {(info.MetadataKeys.Count == 0 ? "none" : string.Join(", ", info.MetadataKeys))}");

        // The summary's bytes column counts the stored precision.
        if (info.IsFloat64)
        {
            using var network = CliOptions.LoadModel<double>("--model", path, arch);
            o.WriteLine(network.Summary());
        }
        else
        {
            using var network = CliOptions.LoadModel<float>("--model", path, arch);
            o.WriteLine(network.Summary());
        }

        return CliApplication.Success;
    }

    /// <summary>A quantized model (<c>neuralcore quantize</c>'s output): the file facts, then its mode, weight bytes and layers.</summary>
    private static int DescribeQuantized(TextWriter o, string path, string? arch, bool asJson, ModelFileInfo info)
    {
        if (arch is not null)
        {
            throw new CliException($"--arch: {path} is a quantized model, which records its own architecture; leave --arch out.", CliApplication.BadArguments);
        }

        using var network = QuantizedModelFile.Load(path);
        var mode = QuantizationModeNames.GetName(network.Mode);
        var activations = ActivationQuantizationNames.GetName(network.ActivationQuantization);
        if (asJson)
        {
            WriteJson(o, writer =>
            {
                writer.WriteString("file", path);
                writer.WriteString("format", ModelFile.GetName(info.Format));
                writer.WriteNumber("size", info.FileSize);
                writer.WriteString("quantization", mode);
                writer.WriteString("activations", activations);
                writer.WriteNumber("weightBytes", network.WeightBytes);
                writer.WriteNumber("parameters", network.Architecture.ParameterCount);
                writer.WritePropertyName("architecture");
                writer.WriteRawValue(network.Architecture.ToJson());
            });
            return CliApplication.Success;
        }

        o.WriteLine($"file         {path}");
        o.WriteLine($"format       {ModelFile.GetName(info.Format)}");
        o.WriteLine($"size         {info.FileSize.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        o.WriteLine($"dtype        {(info.DTypes.Count == 0 ? "none" : string.Join(", ", info.DTypes))}");
        o.WriteLine($"tensors      {info.TensorCount.ToString(CultureInfo.InvariantCulture)}");
        var inputs = network.Mode == QuantizationMode.Int8 ? $"{activations} inputs" : "fp32 inputs";
        o.WriteLine($"quantized    {mode} ({inputs}), weights {network.WeightBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        o.WriteLine(network.ToString());
        return CliApplication.Success;
    }
}
