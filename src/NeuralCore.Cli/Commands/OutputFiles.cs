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

    /// <summary>Whether two paths name one file: the same full path, or (for existing files) the same link target.</summary>
    public static bool SameFile(string a, string b)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), comparison))
        {
            return true;
        }

        // Another spelling of the same file (a symbolic link to it): compare what both resolve to.
        var resolvedA = File.Exists(a) ? new FileInfo(a).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(a) : null;
        var resolvedB = File.Exists(b) ? new FileInfo(b).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(b) : null;
        return resolvedA is not null && string.Equals(resolvedA, resolvedB, comparison);
    }
}
