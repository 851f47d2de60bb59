using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
        var model = CliOptions.OptionalPath("--model", $"Describe this model file instead ({ModelFile.SupportedExtensions}): its summary, format, dtype, tensor count, metadata keys and size.");
        var arch = CliOptions.ModelArchitecture();
        var command = new Command("info", "Show the version, runtime, kernel path in use, vector widths and core count, or describe a model file (--model).") { model, arch };
        command.SetAction(parse =>
        {
            if (parse.GetValue(model) is { } path)
            {
                return DescribeModel(context, path, parse.GetValue(arch));
            }

            var o = context.Output;
            var version = typeof(Kernels).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
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

    private static int DescribeModel(CliContext context, string path, string? arch)
    {
        _ = CliOptions.ModelFormatOf("--model", path);
        var info = ModelFile.Inspect(path);
        var o = context.Output;
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
}
