using System.Globalization;
using System.Text;
using NeuralCore.Cli;
using NeuralCore.IO;

namespace NeuralCore.Tests.Cli;

/// <summary>A temporary folder for CLI tests, the in-process runner, and the synthetic data sets they use.</summary>
internal sealed class CliTestFolder : IDisposable
{
    public const string Classes4 = """[{"input_dim": 2, "output_dim": 16, "activation": "relu"}, {"input_dim": 16, "output_dim": 4, "activation": "softmax"}]""";

    private readonly string _dir = Directory.CreateTempSubdirectory("neuralcore-cli13-").FullName;

    public string PathOf(string name) => Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApplication.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Four well-separated Gaussian blobs (centres (0,0), (4,0), (0,4), (4,4), σ = 0.6), <paramref name="perClass"/>
    /// samples each, shuffled by a seeded generator; class ids 0…3.
    /// </summary>
    public static (double[,] X, int[] Labels) Blobs(int perClass, int seed)
    {
        var random = new Random(seed);
        var n = perClass * 4;
        var order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        var x = new double[n, 2];
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            var label = order[i] % 4;
            labels[i] = label;
            x[i, 0] = (4 * (label % 2)) + (0.6 * Gaussian(random));
            x[i, 1] = (4 * (label / 2)) + (0.6 * Gaussian(random));
        }

        return (x, labels);
    }

    /// <summary>The blobs as one CSV: header <c>x1,x2,label</c>.</summary>
    public void WriteBlobsCsv(string name, double[,] x, int[] labels)
    {
        var text = new StringBuilder("x1,x2,label\n");
        for (var i = 0; i < labels.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{x[i, 0]:R},{x[i, 1]:R},{labels[i]}\n");
        }

        File.WriteAllText(PathOf(name), text.ToString());
    }

    public void WriteMatrix(string name, double[,] values)
    {
        var rows = values.GetLength(0);
        var columns = values.GetLength(1);
        var flat = new double[rows * columns];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(double));
        Npy.Write(PathOf(name), new ReadOnlyMatrixSpan<double>(flat, rows, columns));
    }

    /// <summary>Class ids as NumPy's <c>np.save(np.array(ids))</c> writes them on Linux: a 1-D <c>'&lt;i8'</c> array.</summary>
    public void WriteInt64(string name, long[] values)
    {
        var header = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<i8', 'fortran_order': False, 'shape': ({values.Length},), }}");
        header += new string(' ', 63 - ((10 + header.Length) % 64)) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8) };
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        foreach (var v in values)
        {
            bytes.AddRange(BitConverter.GetBytes(v));
        }

        File.WriteAllBytes(PathOf(name), [.. bytes]);
    }

    /// <summary>The bytes and last-write time of a file: what "untouched" means.</summary>
    public (string Bytes, DateTime Written) Snapshot(string name) => (Convert.ToHexString(File.ReadAllBytes(PathOf(name))), File.GetLastWriteTimeUtc(PathOf(name)));

    /// <summary>Writes <paramref name="bytes"/> and dates the file an hour back, so any rewrite shows in its timestamp.</summary>
    public void WriteOld(string name, byte[] bytes)
    {
        File.WriteAllBytes(PathOf(name), bytes);
        File.SetLastWriteTimeUtc(PathOf(name), DateTime.UtcNow.AddHours(-1));
    }

    public string[] Files() => [.. Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
