namespace NeuralCore.IO.Internals;

/// <summary>A parsed <c>.npy</c> header: element type, byte order (big-endian integers only), memory order and a 1-D or 2-D shape.</summary>
internal sealed record NpyHeaderInfo(NpyDType DType, bool BigEndian, bool FortranOrder, int[] Shape);
