namespace NeuralCore.IO;

/// <summary>What a model file holds, as the format records it (from <see cref="ModelFile.Inspect(string)"/>).</summary>
/// <remarks>
/// The facts are the format's own: for <see cref="ModelFormat.SafeTensors"/> the tensors and the <c>__metadata__</c>
/// keys; for <see cref="ModelFormat.Npz"/> the arrays, with the members that are not a layer's weights or bias
/// (<c>architecture</c>, a checkpoint's optimizer state, …) as the metadata keys.
/// </remarks>
public sealed class ModelFileInfo
{
    internal ModelFileInfo(ModelFormat format, long fileSize, int tensorCount, IReadOnlyList<string> dtypes, IReadOnlyList<string> metadataKeys, bool isFloat64)
    {
        Format = format;
        FileSize = fileSize;
        TensorCount = tensorCount;
        DTypes = dtypes;
        MetadataKeys = metadataKeys;
        IsFloat64 = isFloat64;
    }

    /// <summary>The format.</summary>
    public ModelFormat Format { get; }

    /// <summary>The file's size in bytes.</summary>
    public long FileSize { get; }

    /// <summary>The number of tensors (arrays) with weights or biases.</summary>
    public int TensorCount { get; }

    /// <summary>The distinct dtypes of the weights and biases, spelled as the format spells them (<c>F32</c>, <c>&lt;f8</c>, …).</summary>
    public IReadOnlyList<string> DTypes { get; }

    /// <summary>The metadata keys (see the remarks), in file order.</summary>
    public IReadOnlyList<string> MetadataKeys { get; }

    /// <summary>Whether the weights are stored as float64, so that loading them as <see cref="double"/> is exact (and as <see cref="float"/> rounds).</summary>
    public bool IsFloat64 { get; }
}
