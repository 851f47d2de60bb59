using System.Numerics;
using NeuralCore.Network.Internals;

namespace NeuralCore;

/// <summary>
/// Compares the gradients from backpropagation with numerical derivatives of the loss (what the autoencoder tutorial did
/// by hand), parameter by parameter, and reports the largest relative error per layer.
/// </summary>
/// <remarks>
/// The numerical derivative is the fourth-order central difference
/// <c>n = [8(L(p+h) − L(p−h)) − (L(p+2h) − L(p−2h))] / 12h</c>, whose truncation error is O(h⁴), so h can be large
/// enough (1e-3 in double) that rounding in L stays far below the gradient. The error is
/// <c>|a − n| / max(|a|, |n|, floor)</c>. Each perturbed parameter is restored bit-exactly. A relu kink within ±2h of
/// a pre-activation makes the loss non-differentiable inside the stencil; it is detected (the h and 2h central
/// differences then disagree far beyond O(h²)) and the step is shrunk tenfold, up to three times in double (once in
/// float, whose rounding noise grows as the step shrinks); when the smaller step gives the larger one's estimate to
/// within its rounding noise, the disagreement was a small gradient's h² term, not a kink, and the larger step's
/// estimate stands; so it does when the disagreement shrinks as h² with the step (no kink). Use
/// <see langword="double"/> for meaningful figures (correct gradients give about 1e-8 or less).
/// </remarks>
public static class GradientCheck
{
    /// <summary>How many times the step is divided by 10 when a kink is detected (double; float tolerates one: its rounding noise grows as 1/h).</summary>
    private const int KinkRetriesDouble = 3;

    /// <summary>
    /// The relative disagreement between the h and 2h estimates that signals a kink: smooth losses stay near
    /// h²·f‴/f′ plus rounding noise, about 1e-6 in double at h = 1e-3 but about 1e-3 in float at h = 1e-2.
    /// </summary>
    private const double KinkToleranceDouble = 1e-5;

    private const double KinkToleranceFloat = 3e-2;

    /// <summary>Runs the check on the mean loss over the whole batch.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="network">The network; its parameters are unchanged afterwards.</param>
    /// <param name="loss">The loss (it must fit the output activation).</param>
    /// <param name="x">Shape: [m, InputSize], finite, m ≥ 1.</param>
    /// <param name="y">Shape: [m, OutputSize], finite; for <see cref="Loss.SparseCrossEntropy"/> [m, 1], class ids.</param>
    /// <param name="options">Step, floor, sampling and kernels.</param>
    /// <returns>The largest relative error per layer.</returns>
    /// <exception cref="ArgumentException">A shape is wrong, a value is NaN/±∞, an option is out of range, or the loss does not fit.</exception>
    public static GradientCheckResult Run<T>(NeuralNetwork<T> network, Loss loss, ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, GradientCheckOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(network, loss, x, y, options, tamperWithGradients: null);

    /// <summary>The check, with a seam for tests to corrupt the backpropagated gradients (proving a wrong one is caught).</summary>
    internal static GradientCheckResult Run<T>(
        NeuralNetwork<T> network, Loss loss, ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, GradientCheckOptions options, Action<NeuralNetwork<T>, Span<T>>? tamperWithGradients)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var isDouble = typeof(T) == typeof(double);
        var step = options.Step == 0 ? (isDouble ? 1e-3 : 1e-2) : options.Step;
        var floor = options.Floor == 0 ? (isDouble ? 1e-6 : 1e-3) : options.Floor;
        if (!(step > 0) || !double.IsFinite(step))
        {
            throw new ArgumentException($"options.Step must be finite and > 0; got {options.Step}.", nameof(options));
        }

        if (!(floor > 0) || !double.IsFinite(floor))
        {
            throw new ArgumentException($"options.Floor must be finite and > 0; got {options.Floor}.", nameof(options));
        }

        if (options.MaxParametersPerLayer < 0)
        {
            throw new ArgumentException($"options.MaxParametersPerLayer must be ≥ 0 (0 = all); got {options.MaxParametersPerLayer}.", nameof(options));
        }

        var training = new TrainingOptions(loss, Optimizer.Sgd(1)) { BatchSize = Math.Max(1, x.Rows), Compute = options.Compute };
        using var trainer = new Trainer<T>(network, training);
        trainer.ComputeGradients(x, y);
        tamperWithGradients?.Invoke(network, trainer.WritableGradientStorage);

        var random = new SeededRandom(options.Seed);
        var parameters = network.ParameterStorage;
        var layout = network.Layout;
        var results = new LayerGradientError[network.LayerCount];
        for (var l = 0; l < network.LayerCount; l++)
        {
            var spec = network.Architecture[l];
            var weightCount = spec.InputDim * spec.OutputDim;
            var stride = layout.WeightStrides[l];
            var weights = Sample(weightCount, options.MaxParametersPerLayer, random);
            var biases = Sample(spec.OutputDim, options.MaxParametersPerLayer, random);
            var weightError = 0.0;
            foreach (var w in weights)
            {
                // w = i·out + o indexes W_int[in, out]; its storage row has the internal stride.
                var index = layout.WeightOffsets[l] + ((w / spec.OutputDim) * stride) + (w % spec.OutputDim);
                weightError = Math.Max(weightError, Compare(trainer, x, y, parameters, index, step, floor));
            }

            var biasError = 0.0;
            foreach (var b in biases)
            {
                biasError = Math.Max(biasError, Compare(trainer, x, y, parameters, layout.BiasOffsets[l] + b, step, floor));
            }

            results[l] = new LayerGradientError(l, weightError, biasError, weights.Length, biases.Length);
        }

        return new GradientCheckResult(results, step, floor);
    }

    private static double Compare<T>(Trainer<T> trainer, ReadOnlyMatrixSpan<T> x, ReadOnlyMatrixSpan<T> y, Span<T> parameters, int index, double step, double floor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var analytic = double.CreateTruncating(trainer.GradientStorage[index]);
        var original = parameters[index];
        var numeric = 0.0;
        var isDouble = typeof(T) == typeof(double);
        var retries = isDouble ? KinkRetriesDouble : 1;
        var tolerance = isDouble ? KinkToleranceDouble : KinkToleranceFloat;
        var epsilon = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        var previousGap = double.NaN;
        var previousNumeric = 0.0;
        for (var attempt = 0; attempt <= retries; attempt++)
        {
            var h = T.CreateTruncating(step);
            parameters[index] = original + h;
            var plus1 = double.CreateTruncating(trainer.LossOnly(x, y));
            parameters[index] = original - h;
            var minus1 = double.CreateTruncating(trainer.LossOnly(x, y));
            parameters[index] = original + h + h;
            var plus2 = double.CreateTruncating(trainer.LossOnly(x, y));
            parameters[index] = original - h - h;
            var minus2 = double.CreateTruncating(trainer.LossOnly(x, y));
            parameters[index] = original;

            // The actual perturbation is the representable (p+h) − p, not h, so float rounding of p+h does not bias n.
            var actual = double.CreateTruncating((original + h) - original);
            var near = (plus1 - minus1) / (2 * actual);
            var far = (plus2 - minus2) / (4 * actual);
            var estimate = ((4 * near) - far) / 3;

            // A small gradient with ordinary curvature also makes h and 2h disagree (their h² terms are large next to
            // it). Then the smaller step's estimate matches the larger one's to within its own rounding noise (a few ε
            // of L over h), and the larger step's, with less noise, is kept; across a kink the two differ far more.
            var noise = 8 * epsilon * Math.Max(Math.Max(Math.Abs(plus1), Math.Abs(minus1)), Math.Max(Math.Abs(plus2), Math.Abs(minus2))) / Math.Abs(actual);
            if (attempt > 0 && Math.Abs(estimate - numeric) <= noise)
            {
                break;
            }

            numeric = estimate;

            // For a smooth loss the h and 2h central differences agree to O(h²). A relu kink within ±2h makes them
            // disagree at O(1); then shrink the step so the stencil no longer straddles the kink.
            // A small gradient under a curved loss can fail the test below without a kink: then its gap fell about
            // 100-fold, as h², when h did tenfold (a kink's gap stays until the stencil clears it, and then drops by far
            // more), and the larger step's estimate stands: a smaller step only adds rounding noise, ε·|L|/h.
            var gap = Math.Abs(near - far);
            if (gap >= previousGap / 1000 && gap <= previousGap / 30)
            {
                numeric = previousNumeric;
                break;
            }

            if (gap <= tolerance * Math.Max(Math.Max(Math.Abs(near), Math.Abs(far)), floor))
            {
                break;
            }

            previousGap = gap;
            previousNumeric = numeric;
            step /= 10;
        }

        return Math.Abs(analytic - numeric) / Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), floor);
    }

    private static int[] Sample(int count, int max, SeededRandom random)
    {
        var indices = new int[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = i;
        }

        if (max == 0 || max >= count)
        {
            return indices;
        }

        // Partial Fisher–Yates: the first `max` entries are a uniform sample without replacement.
        for (var i = 0; i < max; i++)
        {
            var j = i + random.NextInt32(count - i);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        return indices[..max];
    }
}
