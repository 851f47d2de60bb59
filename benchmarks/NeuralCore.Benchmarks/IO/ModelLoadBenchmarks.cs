using BenchmarkDotNet.Attributes;
using NeuralCore.IO;

namespace NeuralCore.Benchmarks.IO;

/// <summary>
/// Load time of one model file per format (<see cref="ModelFormat"/>: <c>.npz</c>, <c>.safetensors</c>, <c>.onnx</c>),
/// float32, from the OS file cache through <see cref="ModelFile.Load{T}(string, NpyConversion)"/> (the dispatch the CLI
/// uses): the 784-256-128-10 MLP (0.9 MB) and a 1024-1024-512-10 net (6.3 MB). The allocation column is the file's
/// read buffers plus the network.
/// </summary>
[MemoryDiagnoser]
public class ModelLoadBenchmarks
{
    private string _directory = null!;
    private string _path = null!;

    [Params(ModelFormat.Npz, ModelFormat.SafeTensors, ModelFormat.Onnx)]
    public ModelFormat Format { get; set; }

    [Params("784-256-128-10", "1024-1024-512-10")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var sizes = Model.Split('-').Select(int.Parse).ToArray();
        var activations = Enumerable.Repeat(Activation.Relu, sizes.Length - 2).Append(Activation.Softmax).ToArray();
        _directory = Directory.CreateTempSubdirectory("neuralcore-load-").FullName;
        _path = Path.Combine(_directory, "model" + ModelFile.GetExtension(Format));
        using var network = new NeuralNetwork<float>(NetworkArchitecture.FromSizes(sizes, activations), Initialization.He(1));
        ModelFile.Save(network, _path);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public int Load()
    {
        using var network = ModelFile.Load<float>(_path);
        return network.LayerCount;
    }
}
