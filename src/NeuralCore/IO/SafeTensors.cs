using NeuralCore.IO.Internals;

namespace NeuralCore.IO;

/// <summary>
/// Reads and writes <c>.safetensors</c> files (Hugging Face's format for PyTorch state_dicts): an 8-byte
/// little-endian header length N, N bytes of UTF-8 JSON naming each tensor's dtype, shape and byte range, then the raw
/// little-endian C-order data.
/// </summary>
/// <remarks>
/// <code>
///   u64 LE N | {"__metadata__": {"k": "v"}, "0.weight": {"dtype": "F32", "shape": [4, 2], "data_offsets": [0, 32]}, …}␣␣␣ | data
///   8 bytes  | N bytes (NeuralCore pads with spaces to a multiple of 8, as the reference writer does)            | offsets relative to here
/// </code>
/// <para>Reading accepts padded and unpadded headers and validates the file as the reference implementation does,
/// before allocating anything the file only claims: N against the bytes that follow and a 100 MB cap; JSON read with
/// <see cref="System.Text.Json.Utf8JsonReader"/> at a bounded depth; unknown or duplicated keys and tensor names
/// refused; every tensor's byte range equal to product(shape) × dtype size (overflow-checked); the ranges, in offset
/// order, tiling the data section exactly — no overlap, no hole, nothing past the end or left over. Any violation is a
/// <see cref="SafeTensorsFormatException"/> naming the file and, where there is one, the tensor.</para>
/// <para>dtypes F32, F64, F16, BF16 and I8 are read (see <see cref="SafeTensorsDType"/>); another dtype is refused naming the
/// tensor and the dtype. Writing produces a byte-deterministic file: tensors in archive order, <c>__metadata__</c>
/// first when not empty, compact JSON. Writes to a path go through <see cref="AtomicFile"/>.</para>
/// <para>To load a network from a PyTorch <c>nn.Sequential</c> state_dict, use <see cref="ModelFile.Load{T}(string, NetworkArchitecture?, NpyConversion)"/>.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header accepted, in bytes (the reference implementation's limit).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Reads every tensor and the metadata of the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The tensors by name, in data-offset order, and the metadata.</returns>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid safetensors file of supported dtypes.</exception>
    public static SafeTensorsArchive Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return SafeTensorsCodec.Read(stream, path);
    }

    /// <summary>Reads every tensor and the metadata from <paramref name="stream"/> (to its end).</summary>
    /// <param name="stream">A readable stream; one that cannot seek is buffered first, since the header is validated against the length.</param>
    /// <param name="sourceName">The name used in error messages; defaults to <c>&lt;stream&gt;</c>.</param>
    /// <returns>The tensors by name, in data-offset order, and the metadata.</returns>
    /// <exception cref="SafeTensorsFormatException">The stream does not hold a valid safetensors file of supported dtypes.</exception>
    public static SafeTensorsArchive Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SafeTensorsCodec.Read(stream, sourceName ?? "<stream>");
    }

    /// <summary>Writes <paramref name="archive"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file path; an existing file is replaced only once the new one is complete.</param>
    /// <param name="archive">The tensors and metadata.</param>
    public static void Write(string path, SafeTensorsArchive archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        AtomicFile.Write(path, archive, static (stream, a) => SafeTensorsCodec.Write(stream, a));
    }

    /// <summary>Writes <paramref name="archive"/> to <paramref name="stream"/> at its current position.</summary>
    /// <param name="stream">A writable stream; it is left open.</param>
    /// <param name="archive">The tensors and metadata.</param>
    public static void Write(Stream stream, SafeTensorsArchive archive)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(archive);
        SafeTensorsCodec.Write(stream, archive);
    }
}
