using BenchmarkDotNet.Running;

// Hidden: a Stopwatch harness for iterating on the GEMM kernels; the published numbers come from BenchmarkDotNet.
if (args is ["--quick-gemm-shapes", ..])
{
    NeuralCore.Benchmarks.Gemm.GemmShapesQuick.Run(args[1..]);
    return;
}

if (args is ["--quick-gemm", ..])
{
    NeuralCore.Benchmarks.Gemm.GemmQuick.Run(args);
    return;
}

if (args is ["--quick-narrow", "fit", ..])
{
    NeuralCore.Benchmarks.Network.NarrowQuick.RunFreshFit(
        args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0.01,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 900);
    return;
}

if (args is ["--quick-narrow", "saturation", ..])
{
    NeuralCore.Benchmarks.Network.NarrowQuick.RunSaturation(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_500_000);
    return;
}

if (args is ["--quick-narrow", "tiles", ..])
{
    NeuralCore.Benchmarks.Network.NarrowQuick.RunTiles(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 15);
    return;
}

if (args is ["--quick-infer", ..])
{
    NeuralCore.Benchmarks.Network.InferenceQuick.Run(args is [_, "predictor", ..]);
    return;
}

if (args is ["--cold-once", var coldModel])
{
    NeuralCore.Benchmarks.Shared.ColdOnce.Run(coldModel, DateTime.UtcNow);
    return;
}

if (args is ["--cold-once-ort", var coldOnnx])
{
    NeuralCore.Benchmarks.Peers.ColdStartQuick.OnceOrt(coldOnnx);
    return;
}

if (args is ["--cold-save", var coldFolder])
{
    NeuralCore.Benchmarks.Peers.ColdStartQuick.Save(coldFolder);
    return;
}

if (args is ["--quick-cold", ..])
{
    NeuralCore.Benchmarks.Peers.ColdStartQuick.Run(args[1..]);
    return;
}

if (args is ["--quick-peers", ..])
{
    NeuralCore.Benchmarks.Peers.PeersQuick.Run(args[1..]);
    return;
}

if (args is ["--quick-int8"])
{
    NeuralCore.Benchmarks.Peers.Int8KernelQuick.Run();
    return;
}

if (args is ["--quick-quantized"])
{
    NeuralCore.Benchmarks.Peers.QuantizedQuick.Run();
    return;
}

if (args is ["--quick-narrow", ..])
{
    NeuralCore.Benchmarks.Network.NarrowQuick.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
