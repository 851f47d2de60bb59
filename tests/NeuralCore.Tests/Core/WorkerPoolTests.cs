using System.Runtime.InteropServices;
using NeuralCore.Internals.Threading;

namespace NeuralCore.Tests.Core;

public sealed unsafe class WorkerPoolTests
{
    // Slots per part: [0] runs of the part in this job, [1] 1 when the calling thread ran it, [2] spin iterations of part 0.
    private const int Slots = 3;

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
