using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals.Elementwise;
using NeuralCore.Internals.Reference;
using NeuralCore.Internals.Threading;
using NeuralCore.Network.Internals;
using NeuralCore.Network.Internals.Quantized;

namespace NeuralCore;

/// <summary>
/// A prediction workspace of a <see cref="QuantizedNetwork"/>, used by one thread at a time: its activation buffers and input codes,
/// sized for <see cref="Capacity"/> rows, so predictions allocate nothing. The network is only read, so any number of
/// predictors may run on it at once; one predictor must not be used by two threads at the same time.
/// </summary>
public sealed unsafe class QuantizedPredictor : IDisposable
{
    /// <summary>
    /// A batch is split over threads (<see cref="ComputeOptions.MaxThreads"/>) only from this many rows: each part
    /// then gets at least 8, two register tiles, where the products are compute-bound. Fewer rows are bound by
    /// streaming the weights, which every part would stream again: their products split by columns instead
    /// (<see cref="Internals.Quantized.Int8Gemm.ThreadingBytes"/>).
    /// </summary>
    internal const int SplitRows = 16;

    private readonly QuantizedNetwork _network;
    private readonly QuantizedWorkspace[] _workspaces;
    private readonly KernelPath _path;
    private readonly int _threads;

    internal QuantizedPredictor(QuantizedNetwork network, int capacity, ComputeOptions options)
    {
        _network = network;
        Capacity = capacity;
        _path = options.ResolvePath();
        _threads = Math.Clamp(options.MaxThreads, 1, WorkerPool.MaxParts);
        var parts = capacity < SplitRows ? 1 : _threads;

        // Part 0 also runs the unsplit chunks (fewer than SplitRows rows, any capacity); a split uses at least two
        // parts, so the others hold at most half a chunk.
        var int8 = network.Mode == QuantizationMode.Int8;
        _workspaces = new QuantizedWorkspace[parts];
        _workspaces[0] = new QuantizedWorkspace(network.Architecture, capacity, int8);
        for (var p = 1; p < parts; p++)
        {
            _workspaces[p] = new QuantizedWorkspace(network.Architecture, PartLength(capacity, 2), int8);
        }
    }

    /// <summary>The rows processed per pass; larger batches run in chunks of this size.</summary>
    public int Capacity { get; }

    /// <summary>Predicts one sample.</summary>
    /// <param name="input">Length: the network's InputSize.</param>
    /// <param name="output">Length: the network's OutputSize.</param>
    /// <exception cref="ArgumentException">A length is wrong, or the spans overlap.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        PredictionArguments.RequireSample(input, output, _network.InputSize, _network.OutputSize);

        _network.ThrowIfDisposed();
        Run(new ReadOnlyMatrixSpan<float>(input, 1, input.Length), new MatrixSpan<float>(output, 1, output.Length));
    }

    /// <summary>Predicts a batch, one sample per row, in chunks of <see cref="Capacity"/> rows.</summary>
    /// <param name="inputs">Shape: [m, InputSize].</param>
    /// <param name="outputs">Shape: [m, OutputSize]; must not overlap <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException">A shape is wrong, or the views overlap.</exception>
    public void Predict(ReadOnlyMatrixSpan<float> inputs, MatrixSpan<float> outputs)
    {
        PredictionArguments.RequireBatch(inputs, outputs, _network.InputSize, _network.OutputSize);
        _network.ThrowIfDisposed();
        for (var start = 0; start < inputs.Rows; start += Capacity)
        {
            var count = Math.Min(Capacity, inputs.Rows - start);
            Run(inputs.SliceRows(start, count), outputs.SliceRows(start, count));
        }
    }

    /// <summary>Nothing to return (the buffers are managed); kept so predictors are used like <see cref="Predictor{T}"/>.</summary>
    public void Dispose()
    {
    }

    /// <summary>
    /// The rows a split part gets at most: parts are <see cref="WorkerPool.Split"/>'s shares in granules of
    /// <see cref="PartGranule"/> rows, so at most the rows shared out, rounded up to a multiple of it.
    /// </summary>
    private static int PartLength(int rows, int parts) => (((rows + parts - 1) / parts) + PartGranule - 1) / PartGranule * PartGranule;

    /// <summary>
    /// Parts start on multiples of 4 rows, which keeps the split's bits those of one pass: the activations run over a
    /// contiguous chunk as one flat span whose last (length mod 4) elements take scalar code, whose bits differ from
    /// the vector code's for the transcendental ones (tanh, gelu, …). Parts starting on multiples of 4 rows start on
    /// multiples of 4 elements (Vector128's count) whatever the width, so each element takes the same code as unsplit.
    /// </summary>
    private const int PartGranule = 4;

    /// <summary>The parts a chunk of <paramref name="rows"/> rows is split into: at most one per 8 rows.</summary>
    private int PartsFor(int rows) => Math.Min(_workspaces.Length, rows / 8);

    /// <summary>One chunk of rows: on the calling thread, or split by rows over the worker pool.</summary>
    /// <remarks>
    /// Every output of a quantized product is computed the same way whatever the rows beside it (an exact int32 sum,
    /// or one fma chain in k order), and the activations are row-local (see <see cref="PartGranule"/> for why parts
    /// start on multiples of 4 rows), so a split gives the bits of the unsplit pass. The parts run the default
    /// (VNNI where the CPU has it) 256-bit int8 form: the test-only <c>Int8Gemm.AvoidVnni</c> stays on its thread.
    /// </remarks>
    private void Run(ReadOnlyMatrixSpan<float> x, MatrixSpan<float> output)
    {
        if (_workspaces.Length == 1 || x.Rows < SplitRows)
        {
            // Few rows: each product may still split its columns (Int8Gemm.ThreadingBytes).
            Forward(x, output, _workspaces[0], _threads);
            return;
        }

        // Workers cannot receive refs or spans: the caller pins both matrices (it waits for every part) and hands
        // them, with a handle to this predictor, to the parts in a job on its own stack.
        var self = GCHandle.Alloc(this);
        try
        {
            fixed (float* input = &x.DangerousGetReferenceAt(0, 0), result = &output.DangerousGetReferenceAt(0, 0))
            {
                var job = new SplitJob
                {
                    Predictor = GCHandle.ToIntPtr(self),
                    Input = input,
                    InputStride = x.Stride,
                    InputColumns = x.Columns,
                    Output = result,
                    OutputStride = output.Stride,
                    OutputColumns = output.Columns,
                    Rows = x.Rows,
                };
                WorkerPool.Run(&RunPart, (nint)(&job), PartsFor(x.Rows));
            }
        }
        finally
        {
            self.Free();
        }
    }

    /// <summary>Part <paramref name="part"/> of a split chunk: its rows through every layer, with its own workspace.</summary>
    private static void RunPart(nint context, int part, int parts)
    {
        var job = (SplitJob*)context;
        var predictor = (QuantizedPredictor)GCHandle.FromIntPtr(job->Predictor).Target!;
        var (start, end) = WorkerPool.Split(job->Rows, PartGranule, part, parts);
        var rows = end - start;
        if (rows <= 0)
        {
            return;
        }

        var x = new ReadOnlyMatrixSpan<float>(ref Unsafe.AsRef<float>(job->Input + ((nint)start * job->InputStride)), rows, job->InputColumns, job->InputStride);
        var y = new MatrixSpan<float>(ref Unsafe.AsRef<float>(job->Output + ((nint)start * job->OutputStride)), rows, job->OutputColumns, job->OutputStride);
        predictor.Forward(x, y, predictor._workspaces[part], threads: 1);
    }

    private void Forward(ReadOnlyMatrixSpan<float> x, MatrixSpan<float> output, QuantizedWorkspace workspace, int threads)
    {
        var layers = _network.Layers;
        var last = layers.Length - 1;
        var input = x;
        for (var l = 0; l <= last; l++)
        {
            var layer = layers[l];
            var destination = l == last ? output : workspace.Hidden(l, x.Rows, layer.Spec.OutputDim);
            layer.Multiply(input, destination, workspace, _path, threads);
            if (_path == KernelPath.Reference)
            {
                ActivationsReference.Forward(layer.Spec.Activation, destination, destination);
            }
            else
            {
                ActivationKernels.Forward(layer.Spec.Activation, destination, destination, _path);
            }

            input = destination;
        }
    }

    /// <summary>A split chunk's operands, for the worker pool's parts.</summary>
    private struct SplitJob
    {
        public nint Predictor;
        public float* Input;
        public int InputStride;
        public int InputColumns;
        public float* Output;
        public int OutputStride;
        public int OutputColumns;
        public int Rows;
    }
}
