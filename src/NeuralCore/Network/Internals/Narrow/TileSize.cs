namespace NeuralCore.Network.Internals.Narrow;

/// <summary>
/// A tile dimension known to the JIT: the narrow kernels are generic over it, so one source compiles to a body per
/// tile shape with the unused accumulators and their <c>if (TRows.Value &gt; k)</c> blocks folded away.
/// </summary>
internal interface ITileSize
{
    static abstract int Value { get; }
}

/// <summary>A tile dimension of 1.</summary>
internal readonly struct Tile1 : ITileSize
{
    public static int Value => 1;
}

/// <summary>A tile dimension of 2.</summary>
internal readonly struct Tile2 : ITileSize
{
    public static int Value => 2;
}

/// <summary>A tile dimension of 4.</summary>
internal readonly struct Tile4 : ITileSize
{
    public static int Value => 4;
}
