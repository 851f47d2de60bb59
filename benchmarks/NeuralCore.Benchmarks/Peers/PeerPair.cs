using Microsoft.ML.OnnxRuntime;
using NeuralCore.IO;

namespace NeuralCore.Benchmarks.Peers;

/// <summary>
/// One network with the same weights in NeuralCore (a <see cref="Predictor{T}"/>) and in ONNX Runtime (a session made
/// from <see cref="OnnxModel"/>.Save's bytes), both on the same thread count, with the
/// inputs and outputs preallocated. Construction checks that the two agree, so no row times a different model.
/// </summary>
public sealed class PeerPair : IDisposable
{
    private readonly NeuralNetwork<float> _network;
    private readonly Predictor<float> _predictor;
    private readonly Matrix<float> _input;
    private readonly Matrix<float> _output;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _ortInputData;
    private readonly float[] _ortOutputData;
    private readonly OrtValue _ortInput;
    private readonly OrtValue _ortOutput;
    private readonly OrtIoBinding _binding;
    private readonly string[] _inputNames = [OnnxModel.InputName];
    private readonly string[] _outputNames = [OnnxModel.OutputName];
    private readonly OrtValue[] _inputValues;

    public PeerPair(PeerNet net, int batch, int threads)
    {
        Net = net;
        Batch = batch;
        Threads = threads;
        _network = new NeuralNetwork<float>(Architecture(net), Initialization.He(7));
        var inputs = _network.InputSize;
        var outputs = _network.OutputSize;
        _predictor = _network.CreatePredictor(batch, new ComputeOptions(null, threads));
        _input = Network.NetworkBenchmarkData.Uniform(batch, inputs, 11);
        _output = new Matrix<float>(batch, outputs);

        using var model = new MemoryStream();
        OnnxModel.Save(_network, model);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (!SpinningOrt)
        {
            // ORT's intra-op threads spin after each run; on a 2-core machine that spinning takes the core the next
            // runner's second thread needs, so the interleaved two-thread rows measured the spin, not the engines.
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        _session = new InferenceSession(model.ToArray(), options);
        _ortInputData = _input.ToArray();
        _ortOutputData = new float[batch * outputs];
        _ortInput = OrtValue.CreateTensorValueFromMemory(_ortInputData, [batch, inputs]);
        _ortOutput = OrtValue.CreateTensorValueFromMemory(_ortOutputData, [batch, outputs]);
        _inputValues = [_ortInput];
        _binding = _session.CreateIoBinding();
        _binding.BindInput(OnnxModel.InputName, _ortInput);
        _binding.BindOutput(OnnxModel.OutputName, _ortOutput);
        WeightBytes = _network.ParameterCount * sizeof(float);
        CheckAgreement();
    }

    public PeerNet Net { get; }

    public int Batch { get; }

    public int Threads { get; }

    /// <summary>Whether ORT's intra-op threads spin between runs: its default, off here unless <c>NC_ORT_SPIN=1</c> (see the constructor).</summary>
    public static bool SpinningOrt { get; } = Environment.GetEnvironmentVariable("NC_ORT_SPIN") == "1";

    /// <summary>The bytes of weights and biases one prediction streams.</summary>
    public long WeightBytes { get; }

    /// <summary>NeuralCore: <see cref="Predictor{T}.Predict(ReadOnlyMatrixSpan{T}, MatrixSpan{T})"/> (one sample through the span overload).</summary>
    public void RunNeuralCore()
    {
        if (Batch == 1)
        {
            _predictor.Predict(_input.ReadOnlySpan.GetRowSpan(0), _output.Span.GetRowSpan(0));
        }
        else
        {
            _predictor.Predict(_input.ReadOnlySpan, _output.Span);
        }
    }

    /// <summary>ONNX Runtime's best case: pre-bound pinned inputs and outputs, <c>RunWithBinding</c> (no allocation per call).</summary>
    public void RunOrtBinding() => _session.RunWithBinding(_runOptions, _binding);

    /// <summary>ONNX Runtime's typical call: <c>Run</c> with names and <see cref="OrtValue"/>s, the outputs allocated by ORT.</summary>
    public void RunOrtTypical()
    {
        using var results = _session.Run(_runOptions, _inputNames, _inputValues, _outputNames);
    }

    public static NetworkArchitecture Architecture(PeerNet net) => net switch
    {
        PeerNet.Moons => Network.NetworkBenchmarkData.Moons,
        PeerNet.Mlp => Network.NetworkBenchmarkData.Mlp,
        PeerNet.Wide => NetworkArchitecture.FromSizes([512, 1024, 1024, 10], [Activation.Relu, Activation.Relu, Activation.Softmax]),
        PeerNet.Huge => NetworkArchitecture.FromSizes([2048, 4096, 4096, 10], [Activation.Relu, Activation.Relu, Activation.Softmax]),
        _ => throw new ArgumentOutOfRangeException(nameof(net), net, "Not a defined peer network."),
    };

    public void Dispose()
    {
        _binding.Dispose();
        _ortInput.Dispose();
        _ortOutput.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
        _predictor.Dispose();
        _input.Dispose();
        _output.Dispose();
        _network.Dispose();
    }

    private void CheckAgreement()
    {
        RunNeuralCore();
        RunOrtBinding();
        var ours = _output.ToArray();
        var worst = 0.0;
        for (var i = 0; i < ours.Length; i++)
        {
            var scale = Math.Max(Math.Abs(ours[i]), Math.Abs(_ortOutputData[i]));
            worst = Math.Max(worst, Math.Abs(ours[i] - _ortOutputData[i]) / Math.Max(scale, 1e-6));
        }

        if (worst > 1e-4)
        {
            throw new InvalidOperationException($"{Net} batch {Batch}: NeuralCore and ONNX Runtime disagree (largest relative difference {worst:G3}); the timings would compare different models.");
        }
    }
}
