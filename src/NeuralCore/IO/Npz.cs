using System.IO.Compression;
using NeuralCore.IO.Internals;

namespace NeuralCore.IO;

/// <summary>
/// Reads and writes NumPy <c>.npz</c> archives: a zip of <c>.npy</c> members, stored (<c>np.savez</c>) or deflated
/// (<c>np.savez_compressed</c>), each holding an array <see cref="Npy"/> supports.
/// </summary>
/// <remarks>
/// Written archives are deterministic (members in <see cref="NpzArchive"/> order, a fixed 1980-01-01 timestamp), so
/// the same arrays give the same bytes. Writes to a path go through <see cref="AtomicFile"/>.
/// </remarks>
public static class Npz
{
    // DOS timestamps start in 1980; a fixed stamp keeps written archives reproducible.
    private static readonly DateTimeOffset s_timestamp = new(new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), TimeSpan.Zero);

    /// <summary>Reads every member of the archive at <paramref name="path"/>.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The arrays by name, in file order.</returns>
    /// <exception cref="NpyFormatException">The file is not a zip archive, or a member is not a supported array.</exception>
    public static NpzArchive Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadCore(stream, path);
    }

    /// <summary>Reads every member of the archive in <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable stream (zip needs the central directory at the end, so it is buffered if it cannot seek).</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <returns>The arrays by name, in file order.</returns>
    /// <exception cref="NpyFormatException">The stream is not a zip archive, or a member is not a supported array.</exception>
    public static NpzArchive Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadCore(stream, sourceName ?? "<stream>");
    }

    /// <summary>Writes <paramref name="archive"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file path; an existing file is replaced only once the new one is complete.</param>
    /// <param name="archive">The arrays; each becomes the member <c>name.npy</c>.</param>
    /// <param name="compression">Stored (default, like <c>np.savez</c>) or deflated.</param>
    public static void Write(string path, NpzArchive archive, NpzCompression compression = NpzCompression.Stored)
    {
        ArgumentNullException.ThrowIfNull(archive);
        AtomicFile.Write(path, (archive, compression), static (stream, state) => WriteCore(stream, state.archive, state.compression));
    }

    /// <summary>Writes <paramref name="archive"/> to <paramref name="stream"/>; the stream is left open.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="archive">The arrays; each becomes the member <c>name.npy</c>.</param>
    /// <param name="compression">Stored (default, like <c>np.savez</c>) or deflated.</param>
    public static void Write(Stream stream, NpzArchive archive, NpzCompression compression = NpzCompression.Stored)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(archive);
        WriteCore(stream, archive, compression);
    }

    private static NpzArchive ReadCore(Stream stream, string source)
    {
        var result = new NpzArchive(source);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new NpyFormatException(source, $"not a valid .npz (zip) archive: {ex.Message}", ex);
        }

        using (zip)
        {
            // The central directory is read on first use of Entries, so a damaged one throws here, not in the constructor.
            IReadOnlyList<ZipArchiveEntry> entries;
            try
            {
                entries = zip.Entries;
            }
            catch (InvalidDataException ex)
            {
                throw new NpyFormatException(source, $"not a valid .npz (zip) archive: {ex.Message}", ex);
            }

            foreach (var entry in entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }

                // np.load strips '.npy' from member names; other names are kept as they are.
                var name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                var memberSource = $"{source}/{entry.FullName}";
                if (result.Contains(name))
                {
                    throw new NpyFormatException(memberSource, $"the archive holds member '{name}' more than once.");
                }

                NpyArray array;
                try
                {
                    using var member = entry.Open();
                    array = NpyCodec.Read(member, memberSource, requireEnd: true);
                }
                catch (InvalidDataException ex)
                {
                    throw new NpyFormatException(memberSource, $"the member cannot be decompressed: {ex.Message}", ex);
                }

                result.Add(name, array);
            }
        }

        return result;
    }

    private static void WriteCore(Stream stream, NpzArchive archive, NpzCompression compression)
    {
        var level = compression == NpzCompression.Deflated ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in archive)
        {
            var entry = zip.CreateEntry(name + ".npy", level);
            entry.LastWriteTime = s_timestamp;
            using var member = entry.Open();
            NpyCodec.Write(member, array);
        }
    }
}
