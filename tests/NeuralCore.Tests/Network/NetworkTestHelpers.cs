using NeuralCore.Internals.Reference;
using System.Numerics;

namespace NeuralCore.Tests.Network;

/// <summary>Independent oracles for the network tests: a naive double forward pass from the public parameters, and seeded data.</summary>
internal static class NetworkTestHelpers
{
    public static Activation[] AllActivations => TestActivations.All;

    /// <summary>
    /// Asserts the engine a network got: the narrow one exactly when <paramref name="narrow"/>, unless
    /// <c>NEURALCORE_ENGINE</c> forces one for the whole run (CI's dense pass), which then wins.
    /// </summary>
    public static void AssertEngine<T>(bool narrow, NeuralNetwork<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var forced = NeuralCore.Network.Internals.Engines.NetworkEngines.Parse(Environment.GetEnvironmentVariable(NeuralCore.Network.Internals.Engines.NetworkEngines.EnvironmentVariable));
        var expected = forced ?? (narrow ? NeuralCore.Network.Internals.Engines.EngineKind.Narrow : NeuralCore.Network.Internals.Engines.EngineKind.Dense);
        Assert.Equal(expected, network.Engine);
    }

    /// <summary>Every kernel path this machine runs, as theory data.</summary>
    public static TheoryData<KernelPath> Paths() => [.. Kernels.Available];

    /// <summary>
    /// Every path but the scalar reference, for tests whose oracle is that reference (on the reference path such a
    /// test would compare the code with itself).
    /// </summary>
    public static TheoryData<KernelPath> FastPaths() => [.. Kernels.Available.Where(p => p != KernelPath.Reference)];

    /// <summary>
    /// The gradient check of a double net at the default step (h = 1e-3) and, when a layer's activation is not twice
    /// differentiable (relu, leaky relu, ELU: TestActivations' TwiceDifferentiable) and that figure is not below 1e-6, again at h = 1e-4; the better of the
    /// two. The fourth-order stencil's O(h⁴) error assumes a smooth loss. Across a jump of f′ the check's kink
    /// detector shrinks h, but a jump of f″ alone (ELU at α = 1, where f′ = e^z meets 1), or a kink just outside the
    /// stencil under a curved loss, leaves an O(h·Δf″) error under the detector's threshold (2e−6 at h = 1e−3 in a
    /// 3-5-4 ELU net). That error depends on h and a wrong gradient's does not, so a wrong gradient still fails both.
    /// </summary>
    public static GradientCheckResult CheckGradients(NeuralNetwork<double> network, Loss loss, ReadOnlyMatrixSpan<double> x, ReadOnlyMatrixSpan<double> y, KernelPath path)
    {
        var result = GradientCheck.Run(network, loss, x, y, new GradientCheckOptions { Compute = ComputeOptions.For(path) });
        var kinked = network.Architecture.Layers.Any(l => !TestActivations.Facts(l.Activation.Kind).TwiceDifferentiable);
        if (result.MaxRelativeError < 1e-6 || !kinked)
        {
            return result;
        }

        var smaller = GradientCheck.Run(network, loss, x, y, new GradientCheckOptions { Compute = ComputeOptions.For(path), Step = 1e-4 });
        return smaller.MaxRelativeError < result.MaxRelativeError ? smaller : result;
    }

    /// <summary>Forward pass in double, straight from the definitions and the public [out, in] weights.</summary>
    public static double[,] ReferenceForward<T>(NeuralNetwork<T> network, double[,] x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = x;
        for (var l = 0; l < network.LayerCount; l++)
        {
            var spec = network.Architecture[l];
            var w = network.GetWeights(l);
            var b = network.GetBias(l);
            var rows = a.GetLength(0);
            var z = new double[rows, spec.OutputDim];
            for (var r = 0; r < rows; r++)
            {
                for (var o = 0; o < spec.OutputDim; o++)
                {
                    var sum = double.CreateTruncating(b[o]);
                    for (var i = 0; i < spec.InputDim; i++)
                    {
                        sum += a[r, i] * double.CreateTruncating(w[o, i]);
                    }

                    z[r, o] = sum;
                }
            }

            a = Activate(spec.Activation, z);
        }

        return a;
    }

    public static double[,] Activate(Activation activation, double[,] z)
    {
        var rows = z.GetLength(0);
        var cols = z.GetLength(1);
        var a = new double[rows, cols];
        for (var r = 0; r < rows; r++)
        {
            if (activation == Activation.Softmax)
            {
                var max = double.NegativeInfinity;
                for (var c = 0; c < cols; c++)
                {
                    max = Math.Max(max, z[r, c]);
                }

                var sum = 0.0;
                for (var c = 0; c < cols; c++)
                {
                    sum += Math.Exp(z[r, c] - max);
                }

                for (var c = 0; c < cols; c++)
                {
                    a[r, c] = Math.Exp(z[r, c] - max) / sum;
                }

                continue;
            }

            for (var c = 0; c < cols; c++)
            {
                var v = z[r, c];
                a[r, c] = activation.Kind switch
                {
                    ActivationKind.Linear => v,
                    ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-v)),
                    ActivationKind.Relu => Math.Max(0, v),
                    ActivationKind.LeakyRelu => v > 0 ? v : activation.Parameter * v,
                    ActivationKind.Tanh => Math.Tanh(v),
                    _ => ActivationsReference.Apply(activation, v), // the definitions through Φ, σ, log and exp (checked against 50-digit values)
                };
            }
        }

        return a;
    }

    /// <summary>Uniform values in [-scale, scale) from System.Random (test data only; the library never uses it).</summary>
    public static Matrix<T> RandomMatrix<T>(int rows, int columns, int seed, double scale = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var matrix = new Matrix<T>(rows, columns);
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                matrix[r, c] = T.CreateTruncating(((random.NextDouble() * 2) - 1) * scale);
            }
        }

        return matrix;
    }

    /// <summary>
    /// Targets that fit a loss for <paramref name="columns"/> outputs: probabilities in (0, 1) for BCE, one-hot rows
    /// for CE, one column of class ids for sparse CE (the same classes as CE's rows for the same seed), values in
    /// ±1 for MSE and ±3δ for Huber (both of its parts).
    /// </summary>
    public static Matrix<T> RandomTargets<T>(Loss loss, int rows, int columns, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var matrix = new Matrix<T>(rows, loss.TargetColumns(columns));
        for (var r = 0; r < rows; r++)
        {
            var hot = random.Next(columns);
            for (var c = 0; c < columns; c++)
            {
                var value = loss.Kind switch
                {
                    LossKind.BinaryCrossEntropy => 0.05 + (0.9 * random.NextDouble()),
                    LossKind.CrossEntropy => c == hot ? 1.0 : 0.0,
                    LossKind.SparseCrossEntropy => hot,
                    LossKind.MeanSquaredError => (random.NextDouble() * 2) - 1,
                    LossKind.Huber => ((random.NextDouble() * 2) - 1) * 3 * loss.Parameter,
                    _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Give the new loss its targets."),
                };
                matrix[r, Math.Min(c, matrix.Columns - 1)] = T.CreateTruncating(value);
            }
        }

        return matrix;
    }

    /// <summary>The one-hot rows of class ids [m, 1] for <paramref name="classes"/> classes.</summary>
    public static Matrix<T> OneHot<T>(ReadOnlyMatrixSpan<T> ids, int classes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var matrix = new Matrix<T>(ids.Rows, classes);
        for (var r = 0; r < ids.Rows; r++)
        {
            matrix[r, int.CreateChecked(ids[r, 0])] = T.One;
        }

        return matrix;
    }

    public static double[,] ToDouble<T>(ReadOnlyMatrixSpan<T> source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[source.Rows, source.Columns];
        for (var r = 0; r < source.Rows; r++)
        {
            for (var c = 0; c < source.Columns; c++)
            {
                result[r, c] = double.CreateTruncating(source[r, c]);
            }
        }

        return result;
    }

    public static byte[] ParameterBytes<T>(NeuralNetwork<T> network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = network.GetParameters();
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
