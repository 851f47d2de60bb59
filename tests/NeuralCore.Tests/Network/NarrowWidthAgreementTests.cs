using System.Numerics;
using NeuralCore.Network.Internals.Narrow;

namespace NeuralCore.Tests.Network;

/// <summary>
/// The narrow kernels' rule: on one machine every non-reference width gives the same bits for the forward and
/// backward-data sums as the scalar path (SIMD lanes and scalar tails use one multiply-add form, fused or not,
/// see ISimd.FusedMultiplyAdd). The ISA-off runs check it on machines without FMA.
/// </summary>
[Trait("Category", "Kernels")]
public sealed class NarrowWidthAgreementTests
{
    // A loop rather than theory data: without SIMD (DOTNET_EnableHWIntrinsic=0) there is no vector path to compare.
    private static readonly KernelPath[] VectorPaths = [.. Kernels.Available.Where(p => p > KernelPath.Scalar)];

    // Every register-tile edge of every width, and the moons batch.
    private static readonly int[] Lengths = [1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 129, 257, 900];

    private static readonly (int In, int Out)[] Shapes = [(1, 1), (2, 4), (4, 6), (6, 6), (6, 4), (4, 1), (5, 3), (9, 13), (31, 3), (32, 32)];

    private static T[] Random<T>(int length, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[Math.Max(1, length)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating((random.NextDouble() * 4) - 2);
        }

        return values;
    }

    private static void Agrees<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var path in VectorPaths)
        {
            Agrees<T>(path);
        }
    }

    private static void Agrees<T>(KernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(29);
        foreach (var (inputs, outputs) in Shapes)
        {
            foreach (var m in Lengths)
            {
                var x = new MatrixSpan<T>(Random<T>(inputs * m, random), inputs, m);
                var weights = new ReadOnlyMatrixSpan<T>(Random<T>(inputs * outputs, random), inputs, outputs);
                var bias = Random<T>(outputs, random);
                var delta = new ReadOnlyMatrixSpan<T>(Random<T>(outputs * m, random), outputs, m);

                // Forward Z (the linear part; the activation's vector and scalar forms may differ in the last bit).
                var z = new T[outputs * m];
                var zScalar = new T[outputs * m];
                NarrowKernels.Forward(x, weights, bias, Activation.Linear, new MatrixSpan<T>(z, outputs, m), new MatrixSpan<T>(new T[outputs * m], outputs, m), path);
                NarrowKernels.Forward(x, weights, bias, Activation.Linear, new MatrixSpan<T>(zScalar, outputs, m), new MatrixSpan<T>(new T[outputs * m], outputs, m), KernelPath.Scalar);
                Assert.True(zScalar.AsSpan().SequenceEqual(z), $"forward Z {inputs}→{outputs} m={m} on {path}");

                // Backward data: δ·Wᵀ, through the identity derivative and through relu's mask.
                foreach (var activation in new[] { Activation.Linear, Activation.Relu })
                {
                    var d = new T[inputs * m];
                    var dScalar = new T[inputs * m];
                    NarrowKernels.BackwardData(delta, weights, activation, default, x, new MatrixSpan<T>(d, inputs, m), path);
                    NarrowKernels.BackwardData(delta, weights, activation, default, x, new MatrixSpan<T>(dScalar, inputs, m), KernelPath.Scalar);
                    Assert.True(dScalar.AsSpan().SequenceEqual(d), $"backward data ({activation}) {inputs}→{outputs} m={m} on {path}");
                }
            }
        }
    }

    [Fact]
    public void Float_ForwardAndBackwardDataSums_AreBitIdenticalToTheScalarPath() => Agrees<float>();

    [Fact]
    public void Double_ForwardAndBackwardDataSums_AreBitIdenticalToTheScalarPath() => Agrees<double>();
}
