namespace NeuralCore.IO;

/// <summary>How the members of a written <c>.npz</c> archive are stored.</summary>
public enum NpzCompression
{
    /// <summary>Uncompressed, like <c>np.savez</c>.</summary>
    Stored,

    /// <summary>Deflate-compressed, like <c>np.savez_compressed</c>.</summary>
    Deflated,
}
