namespace NeuralCore.IO;

/// <summary>
/// The model file formats <see cref="ModelFile"/> reads and writes, chosen by the file extension
/// (<see cref="ModelFile.GetFormat(string)"/>).
/// </summary>
public enum ModelFormat
{
    /// <summary>
    /// <c>.npz</c>: NumPy arrays <c>architecture</c> (UTF-8 JSON), <c>W1</c> … <c>WL</c> [out, in] and <c>b1</c> …
    /// <c>bL</c>, float32 or float64 (also what trainer checkpoints hold).
    /// </summary>
    Npz,

    /// <summary>
    /// <c>.safetensors</c>: a PyTorch <c>nn.Sequential</c> state_dict (<c>0.weight</c> [out, in], <c>0.bias</c>, <c>2.weight</c>, …),
    /// F32 or F64 (F16/BF16 read with conversion), the architecture in the <c>__metadata__</c> key
    /// <see cref="ModelFile.ArchitectureMetadataKey"/> or given by the caller.
    /// </summary>
    SafeTensors,

    /// <summary>
    /// <c>.onnx</c>: an ONNX model whose graph is a chain of Gemm (or MatMul + Add) and activation nodes
    /// (<see cref="OnnxModel"/>); written at opset <see cref="OnnxModel.DefaultOpset"/> with the architecture in the
    /// metadata.
    /// </summary>
    Onnx,
}
