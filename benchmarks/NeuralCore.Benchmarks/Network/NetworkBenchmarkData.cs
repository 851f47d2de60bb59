
namespace NeuralCore.Benchmarks.Network;

/// <summary>Seeded inputs and architectures shared by the network benchmarks.</summary>
internal static class NetworkBenchmarkData
{
    public static readonly NetworkArchitecture Moons = NetworkArchitecture.FromSizes(
        [2, 4, 6, 6, 4, 1], [Activation.Relu, Activation.Relu, Activation.Relu, Activation.Relu, Activation.Sigmoid]);

    public static readonly NetworkArchitecture Autoencoder = NetworkArchitecture.FromSizes(
        [64, 16, 64, 64], [Activation.Sigmoid, Activation.Sigmoid, Activation.Linear]);

    public static readonly NetworkArchitecture Mlp = NetworkArchitecture.FromSizes(
        [784, 256, 128, 10], [Activation.Relu, Activation.Relu, Activation.Softmax]);

    /// <summary>The paths compared: the scalar reference (baseline) and the machine's default.</summary>
    public static IEnumerable<KernelPath> Paths => new[] { KernelPath.Reference, Kernels.Default }.Distinct();

    public static Matrix<float> Uniform(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var matrix = new Matrix<float>(rows, columns);
        var storage = matrix.DangerousGetStorage();
        for (var i = 0; i < storage.Length; i++)
        {
            storage[i] = (float)random.NextDouble();
        }

        return matrix;
    }

    public static Matrix<float> OneHot(int rows, int classes, int seed)
    {
        var random = new Random(seed);
        var matrix = new Matrix<float>(rows, classes);
        for (var r = 0; r < rows; r++)
        {
            matrix[r, random.Next(classes)] = 1;
        }

        return matrix;
    }
}
