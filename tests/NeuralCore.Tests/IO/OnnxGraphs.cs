using NeuralCore.IO.Internals;

namespace NeuralCore.Tests.IO;

/// <summary>Builds small ONNX models from the internal messages, for tests of graphs torch does not write.</summary>
internal static class OnnxGraphs
{
    internal sealed class GraphBuilder
    {
        public OnnxGraph Graph { get; } = new() { Name = "test" };

        public List<(string, long)> Opsets { get; } = [("", 17)];

        public GraphBuilder Input(string name = "input", int width = 4)
        {
            Graph.Inputs.Add(new OnnxValueInfo { Name = name, IsTensor = true, HasType = true, ElemType = OnnxFields.Tensor.DataTypeFloat, Shape = [new(null, "N"), new(width, null)] });
            return this;
        }

        public GraphBuilder Output(string name = "output", int width = 3)
        {
            Graph.Outputs.Add(new OnnxValueInfo { Name = name, IsTensor = true, HasType = true, ElemType = OnnxFields.Tensor.DataTypeFloat, Shape = [new(null, "N"), new(width, null)] });
            return this;
        }

        public GraphBuilder Weights(string name, params long[] dims)
        {
            var count = dims.Aggregate(1L, (a, d) => a * d);
            Graph.Initializers.Add(OnnxTensor.Create<float>(name, dims, Enumerable.Range(0, (int)count).Select(i => (i % 7) * 0.25f - 0.5f).ToArray()));
            return this;
        }

        public GraphBuilder Node(string op, string[] inputs, string[] outputs, string? name = null, params OnnxAttribute[] attributes)
        {
            var node = new OnnxNode { OpType = op, Name = name ?? $"/{op}_{Graph.Nodes.Count}", Index = Graph.Nodes.Count };
            node.Inputs.AddRange(inputs);
            node.Outputs.AddRange(outputs);
            node.Attributes.AddRange(attributes);
            Graph.Nodes.Add(node);
            return this;
        }

        public byte[] Bytes()
        {
            var model = new OnnxModelProto { IrVersion = 8, ProducerName = "test", Graph = Graph };
            model.Opsets.AddRange(Opsets);
            var writer = new ProtobufWriter();
            model.Write(writer);
            return writer.WrittenSpan.ToArray();
        }
    }

    internal static OnnxAttribute Float(string name, float value) => OnnxExportBuilder<float>.FloatAttribute(name, value);

    internal static OnnxAttribute Int(string name, long value) => OnnxExportBuilder<float>.IntAttribute(name, value);

    /// <summary>input [N, 4] → Gemm(W [3, 4], b [3], transB = 1) → z, with the caller adding what follows.</summary>
    internal static GraphBuilder Dense(string z = "z") =>
        new GraphBuilder().Input().Weights("W", 3, 4).Weights("b", 3).Node("Gemm", ["input", "W", "b"], [z], "/0/Gemm", Int("transB", 1));
}
