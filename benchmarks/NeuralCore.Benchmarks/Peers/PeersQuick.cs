using System.Diagnostics;
using System.Globalization;
using NeuralCore.Diagnostics;

namespace NeuralCore.Benchmarks.Peers;

/// <summary>
/// The NeuralCore / ONNX Runtime ratio table in under a minute (<c>dotnet NeuralCore.Benchmarks.dll --quick-peers</c>):
/// Stopwatch timings, the three callers interleaved in every round and the best round kept, beside this machine's
/// streaming limit for each net's weight bytes and its FMA peak, both measured in the same process. The published
/// figures come from BenchmarkDotNet (<see cref="OrtPeerBenchmarks"/>); this is for iterating.
/// </summary>
public static class PeersQuick
{
    private const int Rounds = 7;
    private static readonly TimeSpan s_round = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan s_warmUp = TimeSpan.FromMilliseconds(250);

    public static void Run(string[] args)
    {
        var threadCounts = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 2];
        var peak = FmaPeak.MeasureGflops<float>(Kernels.Default, TimeSpan.FromMilliseconds(300));
        Console.WriteLine($"{Environment.ProcessorCount} cores, kernel path {Kernels.GetName(Kernels.Default)}, FMA peak {peak:F1} GFLOPS per thread");
        Console.WriteLine("streaming limit, 1 thread: " + string.Join(", ", StreamingBandwidth.LevelBytes.ToArray().Select(b => $"{Size(b)} {StreamingBandwidth.MeasureGBps(b, TimeSpan.FromMilliseconds(150)):F0} GB/s")));
        Console.WriteLine();
        Console.WriteLine($"{"net",-22} {"batch",5} {"thr",3} {"ORT bind µs",12} {"ORT run µs",11} {"ours µs",10} {"ORT/ours",9} {"% stream",9} {"% FMA",6}");

        foreach (var net in Enum.GetValues<PeerNet>())
        {
            var bytes = PeerPair.Architecture(net).ParameterCount * sizeof(float);
            var limits = threadCounts.ToDictionary(t => t, t => Bandwidth(bytes, t));
            foreach (var batch in (int[])[1, 8, 64, 1024])
            {
                if (net == PeerNet.Huge && batch == 1024)
                {
                    continue; // ≈ 50 GFLOP per call: a BenchmarkDotNet row, not a quick one.
                }

                foreach (var threads in threadCounts)
                {
                    using var pair = new PeerPair(net, batch, threads);
                    var (binding, typical, ours) = Time(pair);
                    var streamMicros = bytes / limits[threads] / 1e3;
                    var flopMicros = 2.0 * PeerPair.Architecture(net).ParameterCount * batch / (peak * threads) / 1e3;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{Name(net),-22} {batch,5} {threads,3} {binding,12:F2} {typical,11:F2} {ours,10:F2} {binding / ours,8:F2}× {100 * streamMicros / ours,8:F0}% {100 * flopMicros / ours,5:F0}%"));
                }
            }
        }
    }

    private static (double Binding, double Typical, double Ours) Time(PeerPair pair)
    {
        var best = Best(pair.RunOrtBinding, pair.RunOrtTypical, pair.RunNeuralCore);
        return (best[0], best[1], best[2]);
    }

    /// <summary>Each runner's best per-call time (µs) over the rounds, the runners interleaved in every round.</summary>
    internal static double[] Best(params Action[] runners)
    {
        var best = new double[runners.Length];
        Array.Fill(best, double.MaxValue);
        var calls = new int[runners.Length];
        for (var i = 0; i < runners.Length; i++)
        {
            // Long enough for tiered compilation to replace the first-call code (30 calls, then a 100 ms delay).
            var warm = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(warm) < s_warmUp)
            {
                runners[i]();
            }

            var start = Stopwatch.GetTimestamp();
            var n = 0;
            while (Stopwatch.GetElapsedTime(start) < s_round / 2 || n < 3)
            {
                runners[i]();
                n++;
            }

            calls[i] = Math.Max(1, (int)(n * 2));
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < runners.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                for (var c = 0; c < calls[i]; c++)
                {
                    runners[i]();
                }

                best[i] = Math.Min(best[i], Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls[i]);
            }
        }

        return best;
    }

    /// <summary>The read bandwidth (GB/s) of <paramref name="threads"/> threads, each streaming its share of the bytes at once.</summary>
    internal static double Bandwidth(long bytes, int threads)
    {
        if (threads == 1)
        {
            return StreamingBandwidth.MeasureGBps(bytes, TimeSpan.FromMilliseconds(150));
        }

        var results = new double[threads];
        var workers = Enumerable.Range(0, threads)
            .Select(t => new Thread(() => results[t] = StreamingBandwidth.MeasureGBps(Math.Max(64, bytes / threads), TimeSpan.FromMilliseconds(150))))
            .ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        return results.Sum();
    }

    internal static string Name(PeerNet net) => string.Join('-', PeerPair.Architecture(net).Layers.Select(l => l.InputDim).Append(PeerPair.Architecture(net).OutputSize));

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MB" : $"{bytes >> 10} KB";
}
