using System.CommandLine;

namespace NeuralCore.Cli.Commands;

/// <summary>
/// The one rule for every file a command writes: never an input, never another output of the same run, and never an
/// existing file unless <c>--force</c> says so. Checked before any work, so a refusal costs nothing and changes nothing.
/// </summary>
internal static class OutputFiles
{
    /// <summary><c>--force</c>: overwrite outputs that already exist.</summary>
    public static Option<bool> Force() =>
        new("--force") { Description = "Overwrite output files that already exist (without it an existing output is refused and left as it is)." };

    /// <summary>
    /// Refuses an output that is one of the inputs (exit 2, naming both options), two outputs naming one file, an
    /// output that is a folder, and an existing output without <paramref name="force"/>.
    /// </summary>
    /// <param name="force">Whether <c>--force</c> was given.</param>
    /// <param name="inputs">The files read, by option (a <see langword="null"/> path is an option not given).</param>
    /// <param name="outputs">The files written, by option.</param>
    public static void Check(bool force, IEnumerable<(string Option, string? Path)> inputs, IEnumerable<(string Option, string? Path)> outputs)
    {
        var given = inputs.Where(i => i.Path is not null).ToArray();
        var checkedOutputs = new List<(string Option, string Path)>();
        foreach (var (option, path) in outputs)
        {
            if (path is null)
            {
                continue;
            }

            foreach (var input in given)
            {
                if (SameFile(path, input.Path!))
                {
                    throw new CliException($"{option} {path} is the same file as {input.Option} {input.Path}: an output never replaces an input; choose another {option}.", CliApplication.BadArguments);
                }
            }

            foreach (var other in checkedOutputs)
            {
                if (SameFile(path, other.Path))
                {
                    throw new CliException($"{option} {path} and {other.Option} {other.Path} are the same file; give each output its own name.", CliApplication.BadArguments);
                }
            }

            if (Directory.Exists(path))
            {
                throw new CliException($"{option} {path} is a folder; expected a file name.", CliApplication.BadArguments);
            }

            if (!force && File.Exists(path))
            {
                throw new CliException($"{option} {path} already exists; pass --force to overwrite it.", CliApplication.BadArguments);
            }

            checkedOutputs.Add((option, path));
        }
    }

    /// <summary><c>--plot</c> names an SVG file: that is the one format the plots are drawn in (no rasteriser, so no PNG).</summary>
    public static void RequireSvg(string option, string? path)
    {
        if (path is not null && !string.Equals(Path.GetExtension(path), ".svg", StringComparison.OrdinalIgnoreCase))
        {
            var extension = Path.GetExtension(path);
            throw new CliException(
                $"{option} {path}: plots are written as SVG only, so the name must end in .svg; got {(extension.Length == 0 ? "no extension" : $"'{extension}'")} (convert the SVG with a tool such as rsvg-convert or Inkscape for PNG).",
                CliApplication.BadArguments);
        }
    }

    /// <summary>Whether two paths name one file: the same full path once every symbolic link on the way is followed.</summary>
    public static bool SameFile(string a, string b)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), comparison) || string.Equals(Resolve(a), Resolve(b), comparison);
    }

    /// <summary>
    /// The full path with each existing component that is a link replaced by its final target, so a link to the file
    /// and a path through a linked folder both come out as the real path (the system bounds link chains).
    /// </summary>
    private static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                current = Path.GetFullPath(target.FullName);
            }
        }

        return current;
    }
}
