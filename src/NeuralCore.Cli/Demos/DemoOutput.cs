using NeuralCore.Cli.Plotting;
using NeuralCore.IO;

namespace NeuralCore.Cli.Demos;

/// <summary>
/// The demo's output folder: created before training (so a bad <c>--out</c> fails in a moment, not after the run),
/// written atomically (<see cref="Figure.Save"/> and <see cref="ModelFile.Save{T}(NeuralNetwork{T}, string)"/> both go through
/// <see cref="AtomicFile"/>), every path written reported, and file-system failures turned into one-line messages
/// that name <c>--out</c>.
/// </summary>
internal sealed class DemoOutput
{
    private readonly List<string> _written = [];

    private DemoOutput(string folder) => Folder = folder;

    /// <summary>The folder, as the user gave it (paths are printed relative to it).</summary>
    public string Folder { get; }

    /// <summary>The paths written so far.</summary>
    public IReadOnlyList<string> Written => _written;

    /// <summary>Creates <paramref name="folder"/> if it is missing.</summary>
    /// <param name="folder">The <c>--out</c> value.</param>
    /// <returns>The output.</returns>
    /// <exception cref="CliException">The folder cannot be created (exit code 1).</exception>
    public static DemoOutput Create(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new CliException($"--out: cannot create the folder '{folder}': {ex.Message}", ex);
        }

        return new DemoOutput(folder);
    }

    /// <summary>Saves <paramref name="figure"/> as <c>&lt;folder&gt;/&lt;name&gt;</c>.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="name">The file name, e.g. <c>moons.svg</c>.</param>
    public void Save(Figure figure, string name) => Write(name, path => figure.Save(path));

    /// <summary>Saves <paramref name="network"/> as <c>&lt;folder&gt;/&lt;name&gt;</c> (an <c>.npz</c> model file).</summary>
    /// <param name="network">The trained network.</param>
    /// <param name="name">The file name, e.g. <c>moons.npz</c>.</param>
    public void Save(NeuralNetwork<float> network, string name) => Write(name, path => ModelFile.Save(network, path));

    private void Write(string name, Action<string> write)
    {
        var path = Path.Combine(Folder, name);
        try
        {
            write(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--out: cannot write '{path}': {ex.Message}", ex);
        }

        _written.Add(path);
    }
}
