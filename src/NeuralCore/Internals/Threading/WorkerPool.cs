using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace NeuralCore.Internals.Threading;

/// <summary>
/// Persistent worker threads for splitting one kernel call into a fixed number of parts, without allocating per
/// call (<c>Parallel.For</c> allocates about 1.5 KB and costs about 3.5 µs per call: docs/design.md, "Threading").
/// </summary>
/// <remarks>
/// The caller runs part 0 itself and workers 1…parts−1 run the rest — or the caller does, when it finishes first: every
/// part is claimed (a compare-and-swap on its ticket) by whichever thread gets to it first, so a worker that the
/// operating system has not scheduled yet (a busy machine) delays nothing, and two threads are never much slower than
/// one. A part computes the same thing whoever runs it. A worker spins for about
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
    private static long s_generation;

    // Per part: its ticket (the job's generation while open, 0 once claimed) and the generation it last
    // finished. Index 0 is the caller's part and unused. Padded apart so two workers' flags share no cache line.
    private static PartState[] s_states = [];

    /// <summary>The most parts a job can be split into on this machine.</summary>
    public static int MaxParts { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Part <paramref name="part"/>'s share of [0, <paramref name="length"/>) in whole granules: the same fixed
    /// partition whoever runs the part, starts on multiples of <paramref name="granule"/>, possibly empty.
    /// </summary>
    public static (int Start, int End) Split(int length, int granule, int part, int parts)
    {
        var granules = (length + granule - 1) / granule;
        var start = Math.Min(length, (int)((long)granules * part / parts) * granule);
        var end = Math.Min(length, (int)((long)granules * (part + 1) / parts) * granule);
        return (start, end);
    }

    /// <summary>Runs <c>body(context, part, parts)</c> for every part in [0, <paramref name="parts"/>) and returns when all are done.</summary>
    /// <param name="body">The work; it must not throw (kernels on validated arguments do not).</param>
    /// <param name="context">Passed through to <paramref name="body"/>.</param>
    /// <param name="parts">The number of parts (1 … <see cref="MaxParts"/>).</param>
    public static void Run(delegate*<nint, int, int, void> body, nint context, int parts)
    {
        Debug.Assert(parts >= 1 && parts <= MaxParts);
        // The gate is re-entrant: a job's part that asked for the pool again on this thread would take it a second
        // time and overwrite the job in flight, so it runs its parts itself like a caller that finds the pool busy.
        if (parts == 1 || s_gate.IsHeldByCurrentThread || !s_gate.TryEnter())
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

            // Open every part's ticket for this generation (after the job fields: the claim's fence publishes them),
            // then wake the workers; each worker only ever claims its own part of the generation it was posted.
            // Generations count up from 1 (0 marks a claimed ticket) and never repeat: 2^63 jobs do not happen, so a
            // part's Finished can only equal this job's generation once this job's part is done.
            var generation = ++s_generation;
            var states = s_states;
            for (var part = 1; part < parts; part++)
            {
                Volatile.Write(ref states[part].Ticket, generation);
            }

            for (var w = 0; w < parts - 1; w++)
            {
                s_workers[w].Post(generation);
            }

            // Which parts this thread claimed (and so must not wait for).
            Span<bool> mine = stackalloc bool[parts];
            try
            {
                body(context, 0, parts);

                // The parts no worker has claimed yet, the caller runs itself.
                for (var part = 1; part < parts; part++)
                {
                    if (Interlocked.CompareExchange(ref states[part].Ticket, 0, generation) == generation)
                    {
                        mine[part] = true;
                        body(context, part, parts);
                    }
                }
            }
            finally
            {
                // Close every ticket still open (when a body threw) and wait for the parts a worker claimed: no worker
                // may run on this call's context once it returns, normally or not.
                for (var part = 1; part < parts; part++)
                {
                    if (!mine[part] && Interlocked.CompareExchange(ref states[part].Ticket, 0, generation) != generation)
                    {
                        WaitFinished(ref states[part], generation);
                    }
                }
            }
        }
        finally
        {
            s_gate.Exit();
        }
    }

    /// <summary>Waits until a worker has finished its claimed part of <paramref name="generation"/>.</summary>
    private static void WaitFinished(ref PartState state, long generation)
    {
        // Poll every pause at first (a part of a training step ends within microseconds of ours), then back off.
        var spinner = default(SpinWait);
        for (var polls = 0; Volatile.Read(ref state.Finished) != generation; polls++)
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

    private static void EnsureWorkers(int count)
    {
        if (s_workers.Length >= count)
        {
            return;
        }

        // Only on the first multi-threaded call (or a larger part count): the one-off allocation of the threads.
        // The states first: a worker reads them as soon as it is posted.
        var states = new PartState[count + 1];
        s_states.CopyTo(states, 0);
        s_states = states;
        var workers = new Worker[count];
        s_workers.CopyTo(workers, 0);
        for (var w = s_workers.Length; w < count; w++)
        {
            workers[w] = new Worker(w + 1);
        }

        s_workers = workers;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PartState
    {
        [FieldOffset(0)]
        public long Ticket;

        [FieldOffset(64)]
        public long Finished;
    }

    [SuppressMessage("Design", "CA1001", Justification = "Workers live as long as the process; their event is never released.")]
    private sealed class Worker
    {
        private readonly int _part;
        private readonly ManualResetEventSlim _wake = new(false);
        private long _posted;
        private long _seen;
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

        public void Post(long generation)
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
                var generation = WaitForJob();
                _seen = generation;

                // The caller may have run this part already (this thread woke late); then there is nothing to do,
                // and the job's fields may belong to a caller that has returned, so they are read only after a claim.
                ref var state = ref s_states[_part];
                if (Interlocked.CompareExchange(ref state.Ticket, 0, generation) == generation)
                {
                    s_body(s_context, _part, s_parts);
                    Volatile.Write(ref state.Finished, generation);
                }
            }
        }

        private long WaitForJob()
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
