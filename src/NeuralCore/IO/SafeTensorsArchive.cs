using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace NeuralCore.IO;

/// <summary>
/// The tensors of a <c>.safetensors</c> file by name, in order, with the file's <c>__metadata__</c> string map.
/// </summary>
/// <remarks>
/// Build one with a collection initializer and save it with <see cref="SafeTensors.Write(string, SafeTensorsArchive)"/>:
/// <code>
/// var archive = new SafeTensorsArchive { { "0.weight", SafeTensor.FromMatrix(w.ReadOnlySpan) }, { "0.bias", SafeTensor.FromSpan&lt;float&gt;(b) } };
/// archive.Metadata["format"] = "pt";
/// </code>
/// A file read from disk lists its tensors in data-offset order (the order of their bytes in the file), which for
/// files written by the reference implementation and by NeuralCore is also the order they were written in. Looking up
/// a name that is not there throws a <see cref="SafeTensorsFormatException"/> naming the file and the tensors that
/// exist.
/// </remarks>
public sealed class SafeTensorsArchive : IEnumerable<KeyValuePair<string, SafeTensor>>
{
    /// <summary>The header key that holds the metadata map (and so cannot name a tensor).</summary>
    public const string MetadataKey = "__metadata__";

    private readonly OrderedDictionary<string, SafeTensor> _tensors = new(StringComparer.Ordinal);

    /// <summary>Creates an empty archive (to fill and write).</summary>
    public SafeTensorsArchive()
    {
    }

    internal SafeTensorsArchive(string source) => Source = source;

    /// <summary>The file this archive was read from; <see langword="null"/> for archives built in memory.</summary>
    public string? Source { get; }

    /// <summary>The free-form string map written as <c>__metadata__</c> (empty when the file has none; not written when empty).</summary>
    public IDictionary<string, string> Metadata { get; } = new OrderedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The number of tensors.</summary>
    public int Count => _tensors.Count;

    /// <summary>The tensor names, in order.</summary>
    public IReadOnlyList<string> Names => _tensors.Keys;

    /// <summary>Gets the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name, e.g. <c>0.weight</c>.</param>
    /// <exception cref="SafeTensorsFormatException">There is no such tensor.</exception>
    public SafeTensor this[string name]
    {
        get
        {
            if (TryGetValue(name, out var tensor))
            {
                return tensor;
            }

            var available = Count == 0 ? "the file has no tensors" : "tensors are: " + string.Join(", ", _tensors.Keys);
            throw new SafeTensorsFormatException(Source ?? "<archive>", $"tensor '{name}' not found; {available}.");
        }
    }

    /// <summary>Adds a tensor.</summary>
    /// <param name="name">The tensor name; non-empty, not <see cref="MetadataKey"/>, not already present.</param>
    /// <param name="tensor">The tensor.</param>
    /// <exception cref="ArgumentException">The name is empty, reserved or already present.</exception>
    public void Add(string name, SafeTensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tensor);
        if (name == MetadataKey)
        {
            throw new ArgumentException($"'{MetadataKey}' is the header's metadata key and cannot name a tensor.", nameof(name));
        }

        if (!_tensors.TryAdd(name, tensor))
        {
            throw new ArgumentException($"The archive already holds a tensor named '{name}'.", nameof(name));
        }
    }

    /// <summary>Whether a tensor named <paramref name="name"/> exists.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>Gets the tensor named <paramref name="name"/>, if present.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="tensor">The tensor, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool TryGetValue(string name, [MaybeNullWhen(false)] out SafeTensor tensor) => _tensors.TryGetValue(name, out tensor);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, SafeTensor>> GetEnumerator() => _tensors.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
