using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace NeuralCore.Internals.Threading;

/// <summary>
/// Persistent worker threads for splitting one kernel call into a fixed number of parts, without allocating per
/// call (<c>Parallel.For</c> allocates about 1.5 KB and costs about 3.5 µs per call: docs/design.md, "Threading").
/// </summary>
/// <remarks>
/// The caller runs part 0 itself and workers 1…parts−1 run the rest. A worker spins for about
/// <see cref="SpinMicroseconds"/> after each job, so back-to-back calls (a training loop) hand off in well under a
/// microsecond, then parks on an event so an idle process costs no CPU. The job is a function pointer plus an
/// opaque context (a pointer to an unmanaged struct on the caller's stack, valid because the caller waits for
/// every part). Which part computes what is fixed by the caller, never by timing, so results are deterministic.
/// One job runs at a time; a caller that finds the pool busy (another thread is using it) runs every part itself.
/// </remarks>
internal static unsafe class WorkerPool
{
    /// <summary>How long an idle worker spins before parking.</summary>
    public const int SpinMicroseconds = 200;

    /// <summary>
    /// How many times the caller polls for the other parts, one pause apart, before backing off (≈ 10–20 µs). Polling
    /// every pause on both sides cut an empty two-part round trip to a fraction of a microsecond
    /// (benchmarks/results/AMD-EPYC-Zen5-network.md); SpinOnce's growing spins and yields had made a µs-scale join wait
    /// up to a µs more.
    /// </summary>
    private const int TightPolls = 512;

    private static readonly Lock s_gate = new();
    private static Worker[] s_workers = [];
    private static delegate*<nint, int, int, void> s_body;
    private static nint s_context;
    private static int s_parts;
    private static int s_pending;
    private static int s_generation;

    /// <summary>The most parts a job can be split into on this machine.</summary>
    public static int MaxParts { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Runs <c>body(context, part, parts)</c> for every part in [0, <paramref name="parts"/>) and returns when all are done.</summary>
    /// <param name="body">The work; it must not throw (kernels on validated arguments do not).</param>
    /// <param name="context">Passed through to <paramref name="body"/>.</param>
    /// <param name="parts">The number of parts (1 … <see cref="MaxParts"/>).</param>
    public static void Run(delegate*<nint, int, int, void> body, nint context, int parts)
    {
        Debug.Assert(parts >= 1 && parts <= MaxParts);
        if (parts == 1 || !s_gate.TryEnter())
        {
            for (var part = 0; part < parts; part++)
            {
                body(context, part, parts);
            }

            return;
        }

        try
        {
            EnsureWorkers(parts - 1);
            s_body = body;
            s_context = context;
            s_parts = parts;
            Volatile.Write(ref s_pending, parts - 1);

            // Each needed worker gets its own ticket, so a worker never picks up a job it is not part of.
            var generation = ++s_generation;
            for (var w = 0; w < parts - 1; w++)
            {
                s_workers[w].Post(generation);
            }

            body(context, 0, parts);

            // Poll every pause at first (a part of a training step ends within microseconds of ours), then back off.
            var spinner = default(SpinWait);
            for (var polls = 0; Volatile.Read(ref s_pending) != 0; polls++)
            {
                if (polls < TightPolls)
                {
                    Thread.SpinWait(1);
                }
                else
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
            }
        }
        finally
        {
            s_gate.Exit();
        }
    }

    private static void EnsureWorkers(int count)
    {
        if (s_workers.Length >= count)
        {
            return;
        }

        // Only on the first multi-threaded call (or a larger part count): the one-off allocation of the threads.
        var workers = new Worker[count];
        s_workers.CopyTo(workers, 0);
        for (var w = s_workers.Length; w < count; w++)
        {
            workers[w] = new Worker(w + 1);
        }

        s_workers = workers;
    }

    [SuppressMessage("Design", "CA1001", Justification = "Workers live as long as the process; their event is never released.")]
    private sealed class Worker
    {
        private readonly int _part;
        private readonly ManualResetEventSlim _wake = new(false);
        private int _posted;
        private int _seen;
        private int _sleeping;

        public Worker(int part)
        {
            _part = part;
            var thread = new Thread(Loop, maxStackSize: 1 << 20)
            {
                IsBackground = true,
                Name = $"NeuralCore worker {part}",
            };
            thread.Start();
        }

        public void Post(int generation)
        {
            // The exchange publishes the job fields written before it (full fence). The worker sets _sleeping
            // before re-reading _posted, and we read _sleeping after writing it (both full fences), so one of us
            // always sees the other: no lost wake-up.
            Interlocked.Exchange(ref _posted, generation);
            if (Volatile.Read(ref _sleeping) != 0)
            {
                _wake.Set();
            }
        }

        private void Loop()
        {
            while (true)
            {
                _seen = WaitForJob();
                s_body(s_context, _part, s_parts);
                Interlocked.Decrement(ref s_pending);
            }
        }

        private int WaitForJob()
        {
            var spinUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * SpinMicroseconds / 1_000_000);
            while (true)
            {
                var posted = Volatile.Read(ref _posted);
                if (posted != _seen)
                {
                    return posted;
                }

                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(1);
                    continue;
                }

                _wake.Reset();
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _posted) == _seen)
                {
                    _wake.Wait();
                }

                Interlocked.Exchange(ref _sleeping, 0);
                spinUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * SpinMicroseconds / 1_000_000);
            }
        }
    }
}
