using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace NeuralCore.IO;

/// <summary>
/// The arrays of a <c>.npz</c> file by name, in file order (names are the member names without <c>.npy</c>).
/// </summary>
/// <remarks>
/// Build one with a collection initializer and save it with <see cref="Npz.Write(string, NpzArchive, NpzCompression)"/>:
/// <code>
/// var archive = new NpzArchive { { "W1", NpyArray.FromMatrix(w1.ReadOnlySpan) }, { "b1", NpyArray.FromSpan&lt;float&gt;(b1) } };
/// </code>
/// Looking up a name that is not there throws an <see cref="NpyFormatException"/> naming the file, the member and
/// the members that exist, because for a file read from disk a missing member is a problem with the file.
/// </remarks>
public sealed class NpzArchive : IEnumerable<KeyValuePair<string, NpyArray>>
{
    private readonly OrderedDictionary<string, NpyArray> _arrays = new(StringComparer.Ordinal);

    /// <summary>Creates an empty archive (to fill and write).</summary>
    public NpzArchive()
    {
    }

    internal NpzArchive(string source) => Source = source;

    /// <summary>The file this archive was read from; <see langword="null"/> for archives built in memory.</summary>
    public string? Source { get; }

    /// <summary>The number of arrays.</summary>
    public int Count => _arrays.Count;

    /// <summary>The array names, in order.</summary>
    public IReadOnlyList<string> Names => _arrays.Keys;

    /// <summary>Gets the array named <paramref name="name"/>.</summary>
    /// <param name="name">The member name without <c>.npy</c>, e.g. <c>W1</c>.</param>
    /// <exception cref="NpyFormatException">There is no such member.</exception>
    public NpyArray this[string name]
    {
        get
        {
            if (TryGetValue(name, out var array))
            {
                return array;
            }

            var available = Count == 0 ? "the archive is empty" : "members are: " + string.Join(", ", _arrays.Keys);
            throw new NpyFormatException(Source ?? "<archive>", $"member '{name}' not found; {available}.");
        }
    }

    /// <summary>Adds an array.</summary>
    /// <param name="name">The member name without <c>.npy</c>; must be non-empty and not already present.</param>
    /// <param name="array">The array.</param>
    /// <exception cref="ArgumentException">The name is empty or already present.</exception>
    public void Add(string name, NpyArray array)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(array);
        if (!_arrays.TryAdd(name, array))
        {
            throw new ArgumentException($"The archive already holds a member named '{name}'.", nameof(name));
        }
    }

    /// <summary>Whether a member named <paramref name="name"/> exists.</summary>
    /// <param name="name">The member name without <c>.npy</c>.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool Contains(string name) => _arrays.ContainsKey(name);

    /// <summary>Gets the array named <paramref name="name"/>, if present.</summary>
    /// <param name="name">The member name without <c>.npy</c>.</param>
    /// <param name="array">The array, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool TryGetValue(string name, [MaybeNullWhen(false)] out NpyArray array) => _arrays.TryGetValue(name, out array);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, NpyArray>> GetEnumerator() => _arrays.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
