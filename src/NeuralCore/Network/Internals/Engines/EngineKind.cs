namespace NeuralCore.Network.Internals.Engines;

/// <summary>The closed set of network engines (see <see cref="NetworkEngines"/>).</summary>
internal enum EngineKind
{
    /// <summary>Row-major data through the GEMM kernels with fused epilogues: any architecture.</summary>
    Dense,

    /// <summary>Feature-major data through the fused narrow kernels: layers ≤ 32 wide, element-wise activations, one output.</summary>
    Narrow,
}
