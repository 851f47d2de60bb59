using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralCore.Internals.Threading;
using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Network.Internals.Engines;

// A narrow-engine step on two threads (ComputeOptions.MaxThreads ≥ 2): the batch's samples split in
// two fixed halves, each taken through the forward pass, the fused head and the backward pass by one thread.
// Every activation, δ and output is computed per sample, so both halves write exactly what one thread would. Only
// the sums over samples change: each half sums its own dW/db (the first into the gradient vector, the second into
// a second one) and its own loss, and the halves are added after both finish. The split point depends only on the
// batch size, so a two-thread training is deterministic (same seed, same bytes), though its sums are rounded in a
// different order than a one-thread training's. When the worker pool is busy (another thread is using it) or the
// machine has one CPU, the calling thread runs both halves itself, with the same result.
// Only the fused sigmoid + binary cross-entropy head splits (the tutorial nets): its δ = (a − y)/m takes the whole
// batch's m, where the public losses take the m of the view they are given.
internal sealed partial class NarrowTrainingEngine<T>
{
    /// <summary>
    /// The smallest batch a narrow step splits across two threads. A half must cover the hand-off to the worker
    /// and back and the per-layer set-up each half repeats (≈ 0.6 µs): two threads win from 384 samples on
    /// (<c>--quick-narrow</c>, benchmarks/results/AMD-EPYC-Zen5-network.md).
    /// </summary>
    public const int NarrowSplitColumns = 384;

    // The second half's buffers: the workspace depends on the stride, so it is released with the batch buffers
    // (ReleaseBatchBuffers); the gradient vector depends only on the parameter layout and lives as long as the engine.
    private NarrowWorkspace? _narrowSecondHalf;
    private Matrix<T>? _partGradients;

    /// <summary>
    /// Tests: run both halves on the calling thread, as a one-CPU machine or a busy worker pool does (the bytes must
    /// not change). It only moves work between threads, so a test setting it cannot change another test's results.
    /// </summary>
    public static bool RunHalvesOnCaller { get; set; }

    /// <summary>
    /// The loss and gradients of one batch on two threads (see the comment at the top of this file); returns the mean loss and
    /// the correct count in <paramref name="correct"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe T NarrowForwardBackwardInParts(ReadOnlyMatrixSpan<T> x, ReadOnlySpan<T> y, int wide, out int correct)
    {
        // One-off, on the first two-thread step (an engine that never splits does not pay for them). The second half
        // writes buffers of its own rather than the other columns of the same rows, so no cache line (nor its
        // prefetched neighbours) is written by both cores.
        _partGradients ??= new Matrix<T>(1, _network.Layout.Length);
        _narrowSecondHalf ??= new NarrowWorkspace(_architecture, _narrowStride);

        var columns = x.Columns;

        // The first half ends on a whole 16-sample vector, so neither half runs a tail before the other's columns.
        var split = (columns + 31) / 32 * 16;
        // The worker reaches this engine through a handle (the job must be unmanaged, see WorkerPool); a handle
        // costs tens of nanoseconds and lives only as long as the step.
        var self = GCHandle.Alloc(this);
        var job = new NarrowJob
        {
            Engine = GCHandle.ToIntPtr(self),
            Features = x.Rows,
            Stride = x.Stride,
            Columns = columns,
            Split = split,
            Wide = wide,
        };

        // x views the engine's own buffers (pinned pool arrays); y may be the caller's memory, so it is pinned for
        // the worker. The job is on this stack, and this thread waits for both parts.
        try
        {
            fixed (T* pinnedY = y)
            {
                job.X = (T*)Unsafe.AsPointer(ref x.DangerousGetReferenceAt(0, 0));
                job.Y = pinnedY;
                if (WorkerPool.MaxParts >= 2 && !RunHalvesOnCaller)
                {
                    WorkerPool.Run(&NarrowPart, (nint)Unsafe.AsPointer(ref job), 2);
                }
                else
                {
                    // One CPU: the same two halves, one after the other, so the bytes do not depend on the machine.
                    NarrowPart((nint)Unsafe.AsPointer(ref job), 0, 2);
                    NarrowPart((nint)Unsafe.AsPointer(ref job), 1, 2);
                }
            }
        }
        finally
        {
            self.Free();
        }

        // The second half's sums onto the first's, in this fixed order (a scalar loop: ~100 parameters on the tutorial nets).
        var gradients = _gradients.DangerousGetStorage();
        var second = _partGradients.DangerousGetStorage();
        for (var i = 0; i < gradients.Length; i++)
        {
            gradients[i] += second[i];
        }

        correct = job.Correct0 + job.Correct1;
        return T.CreateTruncating((job.Loss0 + job.Loss1) / columns);
    }

    /// <summary>The worker entry: part 0 takes the samples [0, Split), part 1 the rest.</summary>
    private static unsafe void NarrowPart(nint context, int part, int parts)
    {
        ref var job = ref Unsafe.AsRef<NarrowJob>((void*)context);
        var engine = Unsafe.As<NarrowTrainingEngine<T>>(GCHandle.FromIntPtr(job.Engine).Target)!;
        var x = new ReadOnlyMatrixSpan<T>(ref Unsafe.AsRef<T>(job.X), job.Features, job.Columns, job.Stride);
        var y = new ReadOnlySpan<T>(job.Y, job.Columns);
        if (part == 0)
        {
            (job.Loss0, job.Correct0) = engine.NarrowHalf(x, y, 0, job.Split, job.Split, engine._narrow!, engine._gradients.DangerousGetStorage(), default);
        }
        else
        {
            (job.Loss1, job.Correct1) = engine.NarrowHalf(x, y, job.Split, job.Columns, job.Wide, engine._narrowSecondHalf!, engine._partGradients!.DangerousGetStorage(), default);
        }
    }

    /// <summary>
    /// Forward, fused head and backward over the samples [<paramref name="start"/>, <paramref name="end"/>) of the
    /// batch (the data layers over [<paramref name="start"/>, <paramref name="wideEnd"/>)) into
    /// <paramref name="work"/>; the gradients of these samples, with the whole batch's 1/m, into <paramref name="gradients"/>,
    /// and ∂L/∂X into <paramref name="inputGradient"/> unless it is empty (one thread only). Returns the summed loss and
    /// the correct count. A one-thread step with the fused head is this over the whole batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double Sum, int Correct) NarrowHalf(ReadOnlyMatrixSpan<T> x, ReadOnlySpan<T> y, int start, int end, int wideEnd, NarrowWorkspace work, Span<T> gradients, MatrixSpan<T> inputGradient)
    {
        var last = _architecture.LayerCount - 1;
        var columns = end - start;
        var wide = wideEnd - start;
        var half = NarrowEngine.SliceColumnsUnchecked(x, start, columns);
        var headDelta = last > 0 ? NarrowEngine.View(work.Delta1, _architecture[last].InputDim, columns, _narrowStride) : default;
        var input = NarrowLayers(half, work, wide, last);
        var result = NarrowHeadPass(NarrowEngine.WithColumns(input, columns), y[start..end], work, x.Columns, headDelta);
        NarrowBackward(half, work, wide, last > 0, gradients, inputGradient);
        return result;
    }

    /// <summary>One two-thread step's arguments and results, on the calling thread's stack.</summary>
    private unsafe struct NarrowJob
    {
        public nint Engine;
        public T* X;
        public int Features;
        public int Stride;
        public T* Y;
        public int Columns;
        public int Split;
        public int Wide;
        public double Loss0;
        public double Loss1;
        public int Correct0;
        public int Correct1;
    }
}
