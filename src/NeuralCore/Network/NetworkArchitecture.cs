using System.Globalization;

namespace NeuralCore;

/// <summary>
/// An immutable list of dense layers whose dimensions chain (<c>layers[i].OutputDim == layers[i+1].InputDim</c>):
/// the <c>nn_architecture</c> list format of the classic NumPy tutorials, also readable and writable as that JSON (<see cref="FromJson(string)"/>, <see cref="ToJson"/>).
/// </summary>
public sealed partial class NetworkArchitecture : IEquatable<NetworkArchitecture>
{
    private readonly LayerSpec[] _layers;

    /// <summary>Creates an architecture from its layers.</summary>
    /// <param name="layers">At least one layer; dimensions ≥ 1 that chain; defined activations.</param>
    /// <exception cref="ArgumentException">The list is empty, a dimension is &lt; 1, dimensions do not chain, or an activation is undefined.</exception>
    public NetworkArchitecture(IEnumerable<LayerSpec> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _layers = [.. layers];
        Validate(_layers, nameof(layers));
        foreach (var layer in _layers)
        {
            // A loop, not Enumerable.Max over the LayerSpec struct: that instantiation is JIT-compiled on every cold load.
            MaxWidth = Math.Max(MaxWidth, Math.Max(layer.InputDim, layer.OutputDim));
        }
    }

    /// <summary>Creates an architecture from its layers.</summary>
    /// <param name="layers">At least one layer; see <see cref="NetworkArchitecture(IEnumerable{LayerSpec})"/>.</param>
    public NetworkArchitecture(params ReadOnlySpan<LayerSpec> layers)
        : this((IEnumerable<LayerSpec>)layers.ToArray())
    {
    }

    /// <summary>
    /// The form of the tutorials that list layer sizes: <c>sizes = [2, 10, 1]</c> with one activation per layer (<c>sizes.Length − 1</c> of them).
    /// </summary>
    /// <param name="sizes">The widths from the input to the output (at least two).</param>
    /// <param name="activations">One activation per layer.</param>
    /// <returns>The architecture.</returns>
    /// <exception cref="ArgumentException">The counts do not match, or a size is &lt; 1.</exception>
    public static NetworkArchitecture FromSizes(ReadOnlySpan<int> sizes, ReadOnlySpan<Activation> activations)
    {
        if (sizes.Length < 2 || activations.Length != sizes.Length - 1)
        {
            throw new ArgumentException(
                $"Expected at least two sizes and one activation per layer (sizes.Length − 1 = {Math.Max(0, sizes.Length - 1)}); got {sizes.Length} sizes and {activations.Length} activations.",
                nameof(activations));
        }

        var layers = new LayerSpec[activations.Length];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = new LayerSpec(sizes[i], sizes[i + 1], activations[i]);
        }

        return new NetworkArchitecture(layers);
    }

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<LayerSpec> Layers => _layers;

    /// <summary>The number of layers.</summary>
    public int LayerCount => _layers.Length;

    /// <summary>The width of the network's input (the first layer's <see cref="LayerSpec.InputDim"/>).</summary>
    public int InputSize => _layers[0].InputDim;

    /// <summary>The width of the network's output (the last layer's <see cref="LayerSpec.OutputDim"/>).</summary>
    public int OutputSize => _layers[^1].OutputDim;

    /// <summary>The activation of the last layer.</summary>
    public Activation OutputActivation => _layers[^1].Activation;

    /// <summary>The widest input or output of any layer.</summary>
    public int MaxWidth { get; }

    /// <summary>The number of trainable values: <c>Σ (InputDim·OutputDim + OutputDim)</c>.</summary>
    public long ParameterCount => _layers.Sum(l => ((long)l.InputDim * l.OutputDim) + l.OutputDim);

    /// <summary>Gets the layer at <paramref name="index"/>.</summary>
    /// <param name="index">The layer index, 0 for the first.</param>
    public LayerSpec this[int index] => _layers[index];

    /// <inheritdoc/>
    public bool Equals(NetworkArchitecture? other) => other is not null && _layers.AsSpan().SequenceEqual(other._layers);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as NetworkArchitecture);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var layer in _layers)
        {
            hash.Add(layer);
        }

        return hash.ToHashCode();
    }

    /// <summary>A compact description such as <c>2-4-6-1 (relu, relu, sigmoid)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        string.Join('-', _layers.Select(l => l.InputDim).Append(OutputSize).Select(d => d.ToString(CultureInfo.InvariantCulture)))
        + " (" + string.Join(", ", _layers.Select(l => l.Activation.ToString())) + ")";

    private static void Validate(LayerSpec[] layers, string paramName)
    {
        if (layers.Length == 0)
        {
            throw new ArgumentException("An architecture needs at least one layer; got 0.", paramName);
        }

        for (var i = 0; i < layers.Length; i++)
        {
            var layer = layers[i];
            if (layer.InputDim < 1 || layer.OutputDim < 1)
            {
                throw new ArgumentException(
                    $"Layer {i}: input_dim and output_dim must be ≥ 1; got input_dim = {layer.InputDim}, output_dim = {layer.OutputDim}.",
                    paramName);
            }

            if (!Enum.IsDefined(layer.Activation.Kind))
            {
                throw new ArgumentException(
                    $"Layer {i}: activation kind {(int)layer.Activation.Kind} is not defined; expected one of: {ActivationNames.ValidNames}.",
                    paramName);
            }

            if (i > 0 && layers[i - 1].OutputDim != layer.InputDim)
            {
                throw new ArgumentException(
                    $"Layer dimensions do not chain: layer {i - 1} has output_dim = {layers[i - 1].OutputDim}, so layer {i} must have input_dim = {layers[i - 1].OutputDim}; got {layer.InputDim}.",
                    paramName);
            }
        }
    }
}
