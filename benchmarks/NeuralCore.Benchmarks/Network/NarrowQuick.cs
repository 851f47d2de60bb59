using System.Diagnostics;
using System.Globalization;
using NeuralCore.Network.Internals;
using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Benchmarks.Network;

/// <summary>
/// A Stopwatch harness for iterating on the narrow engine (<c>dotnet NeuralCore.Benchmarks.dll --quick-narrow</c>):
/// best-of-N timings of the moons epoch, the 900-sample forward pass and their phases. The published figures come
/// from BenchmarkDotNet (TrainingBenchmarks, InferenceBenchmarks).
/// </summary>
public static class NarrowQuick
{
    /// <summary>
    /// <c>--quick-narrow fit</c>: what <c>neuralcore bench train</c> does in a fresh process (TrainStep warmed for
    /// 250 ms, then one timed 10 000-epoch <c>Fit</c>), followed by two more timed <c>Fit</c> calls to show the warm state.
    /// </summary>
    public static void RunFreshFit(double learningRate = 0.01, int epochs = 10_000, int samples = 900)
    {
        using var data = Datasets.MakeMoons<float>(samples, 0.2, seed: 1);
        using var network = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
        // NC_THREADS=2: the two-thread narrow step (ComputeOptions.MaxThreads).
        var threads = int.Parse(Environment.GetEnvironmentVariable("NC_THREADS") ?? "1", CultureInfo.InvariantCulture);
        using var trainer = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(learningRate)) { BatchSize = samples, Epochs = epochs, Shuffle = false, Compute = new ComputeOptions(null, threads) });
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 250)
        {
            trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
        }

        // NC_PREPARE_FIT=1: compile Fit before the first timed call, to show how much of that call is its JIT (figures:
        // benchmarks/results/AMD-EPYC-Zen5-network.md). NC_STAMPS=1 prints each call's Stopwatch window, to cut a
        // `perf record -k CLOCK_MONOTONIC` profile to it.
        if (Environment.GetEnvironmentVariable("NC_PREPARE_FIT") == "1")
        {
            var handle = typeof(Trainer<float>).GetMethod("Fit")!.MethodHandle;
            var sw0 = Stopwatch.StartNew();
            System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(handle, [typeof(float).TypeHandle]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PrepareMethod(Fit): {sw0.Elapsed.TotalMilliseconds:F2} ms"));
        }

        var stamps = Environment.GetEnvironmentVariable("NC_STAMPS") == "1";
        for (var i = 0; i < 3; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var sw = Stopwatch.StartNew();
            trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            sw.Stop();
            if (stamps)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"window {t0} {Stopwatch.GetTimestamp()}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fit {epochs} epochs (SGD {learningRate}, {threads} thread(s)), call {i + 1}: {sw.Elapsed.TotalSeconds:F4} s = {sw.Elapsed.TotalMicroseconds / epochs:F2} µs/epoch"));
        }
    }

    /// <summary>
    /// <c>--quick-narrow saturation [steps]</c>: trains the moons net with Adam (lr 1e-4, full batch, as
    /// <c>TrainingBenchmarks.MoonsEpoch_900FullBatch</c> does for millions of steps) and reports, at intervals, the step
    /// time, how many outputs are subnormal (z &lt; −87.3), 0 or 1, and the step time of the same weights and of the
    /// initial weights under SGD with lr 1e-30 (same code, nothing moves): a slower step on the trained weights is
    /// data-dependent, i.e. subnormal arithmetic.
    /// </summary>
    public static void RunSaturation(int steps)
    {
        using var data = Datasets.MakeMoons<float>(900, 0.2, seed: 1);
        using var network = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
        using var adam = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(1e-4)) { BatchSize = 900 });
        var x = data.Features.ReadOnlySpan;
        var y = data.Targets.ReadOnlySpan;
        double Step(NeuralNetwork<float> weights)
        {
            using var copy = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
            for (var l = 0; l < weights.Architecture.LayerCount; l++)
            {
                copy.SetWeights(l, weights.GetWeights(l));
                copy.SetBias(l, weights.GetBias(l));
            }

            using var frozen = new Trainer<float>(copy, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(1e-30)) { BatchSize = 900 });
            return BestStep(frozen, data);
        }

        // The element-wise cost of subnormal results: sigmoid of 1024 equal values, −80 (normal result) against −88
        // (subnormal), and tanh at 5 against 45 (where e^−2|x| is subnormal but the result is 1).
        foreach (var (activation, value) in new[] { (Activation.Sigmoid, -80f), (Activation.Sigmoid, -88f), (Activation.Tanh, 5f), (Activation.Tanh, 45f) })
        {
            using var z = new Matrix<float>(1, 1024);
            using var a = new Matrix<float>(1, 1024);
            z.DangerousGetStorage().Fill(value);
            Report($"{activation}({value}) × 1024", () => Activations.Forward(activation, z.ReadOnlySpan, a.Span));
        }

        using var initial = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"initial weights, SGD lr 1e-30: {Step(initial):F2} µs/step"));
        var done = 0;
        foreach (var target in new[] { 50_000, steps / 3, steps })
        {
            for (; done < target; done++)
            {
                adam.TrainStep(x, y);
            }

            using var output = network.Predict(x);
            var values = output.ToArray();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"after {done} Adam steps: Adam {BestStep(adam, data):F2} µs/step, these weights under SGD lr 1e-30 {Step(network):F2} µs/step; outputs subnormal {values.Count(v => v != 0 && float.IsSubnormal(v))}, 0 {values.Count(v => v == 0)}, 1 {values.Count(v => v == 1)} of 900"));
        }
    }

    /// <summary>
    /// <c>--quick-narrow tiles [repeats]</c>: the forward and backward-data kernels of every moons layer on fixed
    /// feature-major buffers (separate inputs and outputs, so no call changes the next call's data), then the step and
    /// both predictions; short enough to interleave two builds round by round on a shared machine.
    /// </summary>
    public static void RunTiles(int repeats)
    {
        using var data = Datasets.MakeMoons<float>(900, 0.2, seed: 1);
        using var network = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
        using var trainer = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(1e-30)) { BatchSize = 900, Shuffle = false });
        using var predictor = network.CreatePredictor(900);
        using var single = network.CreatePredictor(1);
        using var output = new Matrix<float>(900, 1);
        var stride = NarrowEngine.Stride(900);
        var path = Kernels.Default;
        int[] sizes = [2, 4, 6, 6, 4, 1];
        using var source = NetworkBenchmarkData.Uniform(6, stride, seed: 2);
        using var z = new Matrix<float>(6, stride);
        using var destination = new Matrix<float>(6, stride);
        for (var l = 0; l < sizes.Length - 1; l++)
        {
            var layer = l;
            var (n, m) = (sizes[l], sizes[l + 1]);
            var activation = layer == sizes.Length - 2 ? Activation.Sigmoid : Activation.Relu;
            Report($"Forward {n}→{m} {activation}, Z stored", () => NarrowKernels.Forward(NarrowEngine.View(source, n, 900, stride), network.WeightsInternal(layer), network.BiasInternal(layer), activation, NarrowEngine.View(z, m, 900, stride), NarrowEngine.View(destination, m, 900, stride), path), repeats: repeats);
        }

        for (var l = 1; l < sizes.Length - 1; l++)
        {
            var layer = l;
            var (n, m) = (sizes[l], sizes[l + 1]);
            Report($"BackwardData {m}→{n} relu", () => NarrowKernels.BackwardData(NarrowEngine.View(source, m, 900, stride), network.WeightsInternal(layer), Activation.Relu, default, NarrowEngine.View(z, n, 900, stride), NarrowEngine.View(destination, n, 900, stride), path), repeats: repeats);
        }

        Report("TrainStep (SGD lr 1e-30, 900 full batch)", () => trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan), repeats: repeats);
        Report("Predict batch 900", () => predictor.Predict(data.Features.ReadOnlySpan, output.Span), repeats: repeats);
        Report("Predict 1 sample", () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                single.Predict(data.Features.ReadOnlySpan.SliceRows(0, 1), output.Span.SliceRows(0, 1));
            }
        }, 1000, repeats);
    }

    private static double BestStep(Trainer<float> trainer, Dataset<float> data)
    {
        var best = double.MaxValue;
        for (var r = 0; r < 8; r++)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 2000; i++)
            {
                trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan);
            }

            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / 2000);
        }

        return best;
    }

    public static void Run()
    {
        using var data = Datasets.MakeMoons<float>(900, 0.2, seed: 1);
        using var network = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1));
        using var trainer = new Trainer<float>(network, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(1e-4)) { BatchSize = 900, Epochs = 1000, Shuffle = false });
        using var predictor = network.CreatePredictor(900);
        using var output = new Matrix<float>(900, 1);

        Report("TrainStep (SGD, 900 full batch)", () => trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan));
        Report("TrainStep, 16 samples (per-call overhead)", () => trainer.TrainStep(data.Features.ReadOnlySpan.SliceRows(0, 16), data.Targets.ReadOnlySpan.SliceRows(0, 16)));
        Report("Fit, per epoch, 16 samples (overhead)", () => trainer.Fit(data.Features.ReadOnlySpan.SliceRows(0, 16), data.Targets.ReadOnlySpan.SliceRows(0, 16)), 1000, repeats: 5);
        Report("Fit, per epoch (1000 epochs)", () => trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan), 1000, repeats: 5);
        Report("Predict batch 900", () => predictor.Predict(data.Features.ReadOnlySpan, output.Span));

        // Single-sample inference (the scalar rung only), 1000 calls per timed window.
        using (var single = network.CreatePredictor(1))
        using (var output1 = new Matrix<float>(1, 1))
        {
            Report("Predict 1 sample", () =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    single.Predict(data.Features.ReadOnlySpan.SliceRows(0, 1), output1.Span);
                }
            }, 1000);
        }

        // Two threads (the narrow step splits batches of NarrowTrainingEngine.NarrowSplitColumns or more), against one, by batch size.
        using (var network2 = new NeuralNetwork<float>(NetworkBenchmarkData.Moons, Initialization.He(1)))
        {
            using var trainer2 = new Trainer<float>(network2, new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Sgd(1e-4)) { BatchSize = 900, Epochs = 1000, Shuffle = false, Compute = new ComputeOptions(null, 2) });
            foreach (var m in new[] { 256, 384, 512, 900 })
            {
                Report($"TrainStep {m}, 1 thread", () => trainer.TrainStep(data.Features.ReadOnlySpan.SliceRows(0, m), data.Targets.ReadOnlySpan.SliceRows(0, m)));
                Report($"TrainStep {m}, 2 threads", () => trainer2.TrainStep(data.Features.ReadOnlySpan.SliceRows(0, m), data.Targets.ReadOnlySpan.SliceRows(0, m)));
            }

            Report("Fit, per epoch, 2 threads", () => trainer2.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan), 1000, repeats: 5);
        }

        // Phases on feature-major layer buffers (stride 912).
        var stride = NarrowEngine.Stride(900);
        using var xf = new Matrix<float>(2, stride);
        using var a1 = new Matrix<float>(6, stride);
        using var a2 = new Matrix<float>(6, stride);
        using var z = new Matrix<float>(1, stride);
        using var d = new Matrix<float>(1, stride);
        using var dp = new Matrix<float>(4, stride);
        using var gw = new Matrix<float>(6, 6);
        var gb = new float[6];
        var path = Kernels.Default;
        Report("ToFeatureMajor 900×2", () => NarrowEngine.ToFeatureMajor(data.Features.ReadOnlySpan, NarrowEngine.View(xf, 2, 900, stride), path));
        Report("Forward 2→4 relu", () => NarrowKernels.Forward(NarrowEngine.View(xf, 2, 900, stride), network.WeightsInternal(0), network.BiasInternal(0), Activation.Relu, default, NarrowEngine.View(a1, 4, 900, stride), path));
        Report("Forward 6→6 relu", () => NarrowKernels.Forward(NarrowEngine.View(a1, 6, 900, stride), network.WeightsInternal(2), network.BiasInternal(2), Activation.Relu, default, NarrowEngine.View(a2, 6, 900, stride), path));
        Report("Forward 4→1 sigmoid", () => NarrowKernels.Forward(NarrowEngine.View(a1, 4, 900, stride), network.WeightsInternal(4), network.BiasInternal(4), Activation.Sigmoid, NarrowEngine.View(z, 1, 900, stride), NarrowEngine.View(a2, 1, 900, stride), path));
        Report("BCE loss+grad 900", () => Losses.EvaluateWithOutputGradient(Loss.BinaryCrossEntropy, Activation.Sigmoid, NarrowEngine.Column(z, 900), NarrowEngine.Column(a2, 900), data.Targets.ReadOnlySpan, NarrowEngine.Column(d, 900)));
        Report("Sigmoid+BCE head 4→1 (fused) 900", () => NarrowKernels.SigmoidCrossEntropyHead(NarrowEngine.View(a1, 4, 900, stride), network.WeightsInternal(4), network.BiasInternal(4)[0], data.Targets.ReadOnlySpan.DangerousGetSpan(), a2.DangerousGetStorage()[..900], d.DangerousGetStorage()[..900], Activation.Relu, default, NarrowEngine.View(dp, 4, 900, stride), 900, path));
        Report("CountCorrect 900", () => Metrics.CountCorrect(NarrowEngine.Column(a2, 900), data.Targets.ReadOnlySpan, path));
        Report("BackwardData 6→6 relu", () => NarrowKernels.BackwardData(NarrowEngine.View(a1, 6, 900, stride), network.WeightsInternal(2), Activation.Relu, default, NarrowEngine.View(a2, 6, 900, stride), NarrowEngine.View(a1, 6, 900, stride), path));
        Report("WeightGradient 6×6", () => NarrowKernels.WeightGradient(NarrowEngine.View(a1, 6, 900, stride), NarrowEngine.View(a2, 6, 900, stride), gw.Span, gb, path));
        Report("WeightGradient 6×6, m = 896 (no tail)", () => NarrowKernels.WeightGradient(NarrowEngine.View(a1, 6, 896, stride), NarrowEngine.View(a2, 6, 896, stride), gw.Span, gb, path));
        Report("TrainStep again", () => trainer.TrainStep(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan));
        Report("Fit, per epoch, again", () => trainer.Fit(data.Features.ReadOnlySpan, data.Targets.ReadOnlySpan), 1000, repeats: 5);
        Report("Predict batch 900 again", () => predictor.Predict(data.Features.ReadOnlySpan, output.Span));
    }

    private static void Report(string what, Action action, int perCall = 1, int repeats = 15)
    {
        // Long enough for tiered compilation to reach the optimised code (it promotes in the background after ~100 ms).
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 300)
        {
            action();
        }

        var best = double.MaxValue;
        for (var r = 0; r < repeats; r++)
        {
            var calls = Math.Max(1, 400 / perCall);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                action();
            }

            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / calls / perCall);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-40} {best,9:F3} µs"));
    }
}
