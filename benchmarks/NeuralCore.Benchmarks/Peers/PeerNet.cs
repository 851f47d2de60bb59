namespace NeuralCore.Benchmarks.Peers;

/// <summary>The networks NeuralCore and ONNX Runtime are compared on, from a few hundred bytes of weights to beyond L3.</summary>
public enum PeerNet
{
    /// <summary>2-4-6-6-4-1 (relu, sigmoid): the two-moons net, 0.5 KB of weights.</summary>
    Moons,

    /// <summary>784-256-128-10 (relu, relu, softmax): 0.9 MB of weights, in L2.</summary>
    Mlp,

    /// <summary>512-1024-1024-10 (relu, relu, softmax): 6.3 MB of weights, beyond L2.</summary>
    Wide,

    /// <summary>2048-4096-4096-10 (relu, relu, softmax): 100 MB of weights, beyond L3.</summary>
    Huge,
}
