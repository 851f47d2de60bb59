using System.Globalization;
using System.Numerics;

namespace NeuralCore.IO.Internals;

/// <summary>Collects the nodes and initializers of an exported graph, naming them uniquely per layer.</summary>
internal sealed class OnnxExportBuilder<T>
    where T : unmanaged
{
    private int _counter;

    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    /// <summary>The prefix of the names of the current layer's nodes, e.g. <c>/layer1</c>.</summary>
    public string Prefix { get; set; } = "";

    public string Node(string opType, params string[] inputs) => Node(opType, inputs, []);

    /// <summary>Adds a node and returns the name of its single output.</summary>
    public string Node(string opType, string[] inputs, OnnxAttribute[] attributes)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}/{opType}_{_counter++}");
        var node = new OnnxNode { Name = name, OpType = opType, Index = Nodes.Count };
        node.Inputs.AddRange(inputs);
        node.Outputs.Add(name + "_output");
        node.Attributes.AddRange(attributes);
        Nodes.Add(node);
        return node.Outputs[0];
    }

    /// <summary>Adds a scalar initializer of the network's type (shape [], which broadcasts against [batch, n]).</summary>
    public string Scalar(double value)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}/const_{_counter++}");
        Initializers.Add(typeof(T) == typeof(float)
            ? OnnxTensor.Create<float>(name, [], [(float)value])
            : OnnxTensor.Create<double>(name, [], [value]));
        return name;
    }

    public static OnnxAttribute FloatAttribute(string name, float value) => new() { Name = name, Type = OnnxFields.Attribute.TypeFloat, F = value, HasF = true };

    public static OnnxAttribute IntAttribute(string name, long value) => new() { Name = name, Type = OnnxFields.Attribute.TypeInt, I = value, HasI = true };
}

/// <summary>Writes a network as an ONNX model: per layer a Gemm (transB = 1, W as its [out, in] initializer) and the activation's nodes.</summary>
internal static class OnnxExporter
{
    /// <summary>The opsets written, and the IR version each needs (the ONNX release that introduced the opset).</summary>
    public static long IrVersion(int opset) => opset switch
    {
        13 or 14 => 7,
        15 or 16 or 17 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(opset), opset, string.Create(
            CultureInfo.InvariantCulture,
            $"ONNX export writes opset {OnnxModel.MinExportOpset} to {OnnxModel.MaxExportOpset}; got {opset}.")),
    };

    public static OnnxModelProto Export<T>(NeuralNetwork<T> network, int opset)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"ONNX export supports float and double networks; got {typeof(T).Name}.");
        }

        var irVersion = IrVersion(opset);
        var builder = new OnnxExportBuilder<T>();
        var current = OnnxModel.InputName;
        for (var l = 0; l < network.LayerCount; l++)
        {
            var spec = network.Architecture[l];
            builder.Prefix = string.Create(CultureInfo.InvariantCulture, $"/layer{l + 1}");
            var weights = new T[spec.OutputDim * spec.InputDim];
            network.CopyWeightsTo(l, new MatrixSpan<T>(weights, spec.OutputDim, spec.InputDim));
            var w = string.Create(CultureInfo.InvariantCulture, $"W{l + 1}");
            var b = string.Create(CultureInfo.InvariantCulture, $"b{l + 1}");
            builder.Initializers.Add(OnnxTensor.Create<T>(w, [spec.OutputDim, spec.InputDim], weights));
            builder.Initializers.Add(OnnxTensor.Create<T>(b, [spec.OutputDim], network.GetBias(l)));
            var z = builder.Node("Gemm", [current, w, b], [OnnxExportBuilder<T>.IntAttribute("transB", 1)]);
            current = OnnxActivations.Emit(builder, spec.Activation, z);
        }

        // The last value is the graph output; renaming it keeps every other name as built.
        foreach (var node in builder.Nodes)
        {
            for (var i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i] == current)
                {
                    node.Outputs[i] = OnnxModel.OutputName;
                }
            }
        }

        var elemType = typeof(T) == typeof(float) ? OnnxFields.Tensor.DataTypeFloat : OnnxFields.Tensor.DataTypeDouble;
        var graph = new OnnxGraph { Name = "NeuralCore" };
        graph.Nodes.AddRange(builder.Nodes);
        graph.Initializers.AddRange(builder.Initializers);
        graph.Inputs.Add(new OnnxValueInfo { Name = OnnxModel.InputName, IsTensor = true, HasType = true, ElemType = elemType, Shape = [new(null, OnnxModel.BatchDimension), new(network.InputSize, null)] });
        graph.Outputs.Add(new OnnxValueInfo { Name = OnnxModel.OutputName, IsTensor = true, HasType = true, ElemType = elemType, Shape = [new(null, OnnxModel.BatchDimension), new(network.OutputSize, null)] });

        var model = new OnnxModelProto
        {
            IrVersion = irVersion,
            ProducerName = OnnxModel.ProducerName,
            ProducerVersion = typeof(OnnxModel).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            Graph = graph,
        };
        model.Opsets.Add(("", opset));
        model.Metadata.Add((OnnxModel.ArchitectureMetadataKey, network.Architecture.ToJson()));
        return model;
    }
}
