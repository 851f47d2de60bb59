using System.Security.Cryptography;
using System.Text;

namespace NeuralCore.IO;

/// <summary>
/// Writes files all-or-nothing: the content goes to a temporary file in the destination folder, which is flushed to
/// disk and then renamed over the destination. A failure at any point deletes the temporary file and leaves an
/// existing destination byte-identical.
/// </summary>
/// <remarks>
/// The temporary file is <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> beside the destination, because a rename is only atomic
/// within one file system. The destination's folder is created if it does not exist.
/// </remarks>
internal static class AtomicFile
{
    /// <summary>Writes a file by calling <paramref name="write"/> with a stream to fill.</summary>
    /// <param name="path">The destination path.</param>
    /// <param name="write">Writes the whole content; an exception it throws cancels the write and propagates.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Write(path, write, static (stream, w) => w(stream));
    }

    /// <summary>Writes a file by calling <paramref name="write"/> with a stream to fill and a state (no closure needed).</summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="path">The destination path.</param>
    /// <param name="state">Passed to <paramref name="write"/>.</param>
    /// <param name="write">Writes the whole content; an exception it throws cancels the write and propagates.</param>
    public static void Write<TState>(string path, TState state, Action<Stream, TState> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var destination = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(destination) ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream, state);

                // Data on disk before the rename, so a crash cannot leave the new name pointing at an empty file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="contents"/> as UTF-8 (no byte-order mark).</summary>
    /// <param name="path">The destination path.</param>
    /// <param name="contents">The text.</param>
    public static void WriteAllText(string path, string contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        Write(path, contents, static (stream, text) =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
            writer.Write(text);
        });
    }

    /// <summary>Writes <paramref name="bytes"/>.</summary>
    /// <param name="path">The destination path.</param>
    /// <param name="bytes">The content.</param>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, bytes, static (stream, b) => stream.Write(b));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original exception matters more; a leftover temp file is named so it is recognisable.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
