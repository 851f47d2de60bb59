using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralCore.Cli.Commands;

/// <summary><c>neuralcore info</c>: version, runtime, the kernel path in use, vector widths, core count.</summary>
internal static class InfoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("info", "Show the version, runtime, kernel path in use, vector widths and core count.");
        command.SetAction(_ =>
        {
            var o = context.Output;
            var version = typeof(Kernels).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            o.WriteLine($"neuralcore   {version}");
            o.WriteLine($"runtime      {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})");
            o.WriteLine($"os           {RuntimeInformation.OSDescription}");
            o.WriteLine($"cpu cores    {Environment.ProcessorCount}");
            o.WriteLine($"kernel path  {Kernels.GetName(Kernels.Default)} (best on this machine: {Kernels.GetName(Kernels.Best)}; override with {Kernels.EnvironmentVariable})");
            o.WriteLine($"available    {string.Join(", ", Kernels.Available.Select(Kernels.GetName))}");
            o.WriteLine($"vector512    {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")} ({Vector512<float>.Count} floats)");
            o.WriteLine($"vector256    {(Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")} ({Vector256<float>.Count} floats)");
            o.WriteLine($"vector128    {(Vector128.IsHardwareAccelerated ? "accelerated" : "not accelerated")} ({Vector128<float>.Count} floats)");
            return CliApplication.Success;
        });
        return command;
    }
}
