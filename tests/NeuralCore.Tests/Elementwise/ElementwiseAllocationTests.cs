using System.Numerics;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>After warm-up, every element-wise kernel allocates nothing on any path.</summary>
[Trait("Category", "Kernels")]
public sealed class ElementwiseAllocationTests
{
    [Theory]
    [MemberData(nameof(FastPathData), MemberType = typeof(ElementwiseTestData))]
    public void EveryKernel_AllocatesZeroBytes_AfterWarmUp(KernelPath path)
    {
        RunAll<float>(path);
        RunAll<double>(path);
    }

    private static void RunAll<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int rows = 7;
        const int columns = 37;
        var z = Random<T>(rows * columns, -3, 3, seed: 1);
        var a = new T[z.Length];
        var gradient = Random<T>(z.Length, -1, 1, seed: 2);
        var target = Random<T>(z.Length, 0, 1, seed: 3);
        var output = new T[z.Length];
        var bias = new T[columns];
        var velocity = new T[z.Length];
        var second = new T[z.Length];
        var options = ComputeOptions.For(path);

        // Allocated once here: Enum.GetValues and array literals allocate on every call.
        var activations = TestActivations.All;
        var losses = TestLosses.All;
        var fusedPairs = new[]
        {
            (Loss.BinaryCrossEntropy, Activation.Sigmoid), (Loss.CrossEntropy, Activation.Softmax), (Loss.MeanSquaredError, Activation.Tanh),
            (Loss.SparseCrossEntropy, Activation.Softmax), (Loss.CreateHuber(0.4), Activation.Linear), (Loss.SparseCrossEntropy, Activation.Sigmoid), (Loss.MeanSquaredError, Activation.Gelu),
        };
        var ids = LossTests.ClassIds<T>(rows, columns, seed: 4);

        void Once()
        {
            var zView = new ReadOnlyMatrixSpan<T>(z, rows, columns);
            foreach (var activation in activations)
            {
                Activations.Forward(activation, zView, new MatrixSpan<T>(a, rows, columns), options);
                Activations.Backward(activation, zView, new ReadOnlyMatrixSpan<T>(a, rows, columns), new ReadOnlyMatrixSpan<T>(gradient, rows, columns), new MatrixSpan<T>(output, rows, columns), options);
            }

            Activations.Forward(Activation.Sigmoid, zView, new MatrixSpan<T>(a, rows, columns), options);
            foreach (var loss in losses)
            {
                _ = Losses.Evaluate(loss, new ReadOnlyMatrixSpan<T>(a, rows, columns), Target(loss), new MatrixSpan<T>(output, rows, columns), options);
            }

            foreach (var (loss, activation) in fusedPairs)
            {
                _ = Losses.EvaluateWithOutputGradient(
                    loss, activation, zView, new ReadOnlyMatrixSpan<T>(a, rows, columns), Target(loss), new MatrixSpan<T>(output, rows, columns), options);
            }

            Reductions.SumColumns(new ReadOnlyMatrixSpan<T>(output, rows, columns), T.One, bias, options);
            ParameterUpdates.Sgd<T>(a, gradient, T.CreateTruncating(0.01), T.Zero, options);
            ParameterUpdates.Momentum<T>(a, gradient, velocity, T.CreateTruncating(0.01), T.CreateTruncating(0.9), true, T.Zero, options);
            ParameterUpdates.Adam<T>(a, gradient, velocity, second, T.CreateTruncating(0.01), T.CreateTruncating(0.9), T.CreateTruncating(0.999), T.CreateTruncating(1e-8), 3, T.Zero, options);
            ParameterUpdates.RmsProp<T>(a, gradient, second, T.CreateTruncating(0.01), T.CreateTruncating(0.99), T.CreateTruncating(1e-8), T.Zero, options);
            ParameterUpdates.AdamW<T>(a, gradient, velocity, second, T.CreateTruncating(0.01), T.CreateTruncating(0.9), T.CreateTruncating(0.999), T.CreateTruncating(1e-8), 3, T.CreateTruncating(0.01), options);
        }

        ReadOnlyMatrixSpan<T> Target(Loss loss) =>
            loss.TargetsAreClassIds ? new ReadOnlyMatrixSpan<T>(ids, rows, 1) : new ReadOnlyMatrixSpan<T>(target, rows, columns);

        for (var i = 0; i < 3; i++)
        {
            Once();
        }

        // The quietest of five windows (see GemmAllocationTests): an allocation in every call shows in every window.
        var quietest = long.MaxValue;
        for (var window = 0; window < 5; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                Once();
            }

            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, quietest);
    }
}
