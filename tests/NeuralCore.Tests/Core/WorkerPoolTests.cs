using System.Runtime.InteropServices;
using NeuralCore.Internals.Threading;

namespace NeuralCore.Tests.Core;

public sealed unsafe class WorkerPoolTests
{
    // Slots per part: [0] runs of the part in this job, [1] 1 when the calling thread ran it, [2] spin iterations of part 0.
    private const int Slots = 3;

    /// <summary>
    /// A part that asks for the pool again (on the calling thread, which holds the re-entrant gate, or on a worker,
    /// which finds it busy) runs the inner parts itself: every inner and outer part runs once, and the outer job's
    /// state is not overwritten.
    /// </summary>
    [Fact]
    public void A_nested_job_runs_its_parts_inline()
    {
        var counts = (int*)NativeMemory.AllocZeroed((nuint)(2 * WorkerPool.MaxParts * sizeof(int)));
        try
        {
            for (var job = 0; job < 200; job++)
            {
                new Span<int>(counts, 2 * WorkerPool.MaxParts).Clear();
                WorkerPool.Run(&Outer, (nint)counts, WorkerPool.MaxParts);
                for (var part = 0; part < WorkerPool.MaxParts; part++)
                {
                    Assert.Equal(1, counts[part]);
                    Assert.Equal(WorkerPool.MaxParts, counts[WorkerPool.MaxParts + part]);
                }
            }
        }
        finally
        {
            NativeMemory.Free(counts);
        }
    }

    private static void Outer(nint context, int part, int parts)
    {
        var counts = (int*)context;
        Interlocked.Increment(ref counts[part]);

        // Each outer part runs one inner job of every part; the inner parts count into [MaxParts + inner part].
        WorkerPool.Run(&Inner, context, parts);
    }

    private static void Inner(nint context, int part, int parts)
    {
        _ = parts;
        Interlocked.Increment(ref ((int*)context)[WorkerPool.MaxParts + part]);
    }

    [Fact]
    public void Every_part_runs_exactly_once_per_job_whoever_claims_it()
    {
        if (WorkerPool.MaxParts < 2)
        {
            return; // one core: the pool never splits (covered by the single-part path of every kernel test)
        }

        var state = (int*)NativeMemory.AllocZeroed((nuint)(WorkerPool.MaxParts * Slots * sizeof(int)));
        try
        {
            var callerRanAWorkerPart = 0;
            var workerRanItsPart = 0;
            var random = new Random(5);
            for (var job = 0; job < 6000; job++)
            {
                var parts = 2 + random.Next(WorkerPool.MaxParts - 1);
                new Span<int>(state, WorkerPool.MaxParts * Slots).Clear();

                // Three regimes: back to back (workers spinning), a long part 0 (workers claim theirs), and a pause
                // that lets the workers park (the caller usually claims their parts before they wake).
                state[2] = job % 3 == 1 ? 20_000 : 0;
                if (job % 3 == 2 && job % 60 == 2)
                {
                    Thread.Sleep(1);
                }

                CallerThread = Environment.CurrentManagedThreadId;
                WorkerPool.Run(&Part, (nint)state, parts);

                for (var part = 0; part < parts; part++)
                {
                    Assert.Equal(1, state[(part * Slots) + 0]);
                }

                for (var part = 1; part < parts; part++)
                {
                    if (state[(part * Slots) + 1] == 1)
                    {
                        callerRanAWorkerPart++;
                    }
                    else
                    {
                        workerRanItsPart++;
                    }
                }
            }

            Assert.True(workerRanItsPart > 0, "no worker ever ran its part");
            Assert.True(callerRanAWorkerPart > 0, "the caller never ran a part whose worker was late");
        }
        finally
        {
            NativeMemory.Free(state);
        }
    }

    [ThreadStatic]
    private static int t_unused;

    private static int CallerThread { get; set; }

    private static void Part(nint context, int part, int parts)
    {
        var state = (int*)context;
        if (part == 0)
        {
            for (var i = 0; i < state[2]; i++)
            {
                t_unused++;
            }
        }

        Interlocked.Increment(ref state[(part * Slots) + 0]);
        if (Environment.CurrentManagedThreadId == CallerThread)
        {
            state[(part * Slots) + 1] = 1;
        }
    }
}
