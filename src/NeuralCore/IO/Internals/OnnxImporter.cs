using System.Globalization;
using System.Numerics;

namespace NeuralCore.IO.Internals;

/// <summary>
/// Turns an ONNX graph into a <see cref="NeuralNetwork{T}"/> by walking it from its data input: each dense layer is a
/// <c>Gemm</c> or a <c>MatMul</c> (+ <c>Add</c> of a bias), followed by an activation (one op or one of the patterns
/// in <see cref="OnnxActivations"/>), with <c>Identity</c> and <c>Flatten</c> of the 2-D tensor passed through. Anything
/// else is an <see cref="OnnxFormatException"/> naming the node; nothing is approximated or dropped.
/// </summary>
internal static class OnnxImporter
{
    /// <summary>The lowest default-domain opset read (Gemm's optional C, Flatten of any axis: opset 11).</summary>
    public const int MinOpset = 11;

    /// <summary>The highest default-domain opset read (ONNX 1.17); later opsets may change the ops' semantics.</summary>
    public const int MaxOpset = 22;

    public static NeuralNetwork<T> Import<T>(OnnxModelProto model, string source, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var graph = model.Graph ?? throw new OnnxFormatException(source, "the model has no graph.");
        var opset = DefaultOpset(model, source);
        var view = new OnnxGraphView(graph, source);
        var elemType = CheckInput<T>(view, conversion);

        var layers = new List<LayerSpec>();
        var weights = new List<T[]>();
        var biases = new List<T[]>();
        var width = InputWidth(view.Input);
        var current = view.Input.Name;
        while (true)
        {
            current = PassThrough(view, current);
            if (current == view.Output.Name)
            {
                break;
            }

            var node = SingleConsumer(view, current);
            var layer = node.OpType switch
            {
                "Gemm" when IsDefaultDomain(node) => ReadGemm<T>(view, node, current, conversion),
                "MatMul" when IsDefaultDomain(node) => ReadMatMul<T>(view, node, current, conversion),
                _ => throw view.Error(node, $"expected a dense layer (Gemm, or MatMul followed by Add of a bias) reading '{current}'; "
                    + (OnnxActivations.IsActivationOp(node.OpType) && IsDefaultDomain(node)
                        ? "an activation must follow a dense layer."
                        : $"op type '{node.OpType}'{(IsDefaultDomain(node) ? "" : $" of domain '{node.Domain}'")} is not supported; after a layer, supported: {OnnxActivations.Supported}.")),
            };

            if (width is { } w && w != layer.InputDim)
            {
                throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"the weights take {layer.InputDim} inputs, but '{current}' has {w} features: the dimensions do not chain."));
            }

            var z = PassThrough(view, layer.Output);
            var (activation, next) = OnnxActivations.Match(view, z, opset, node);
            layers.Add(new LayerSpec(layer.InputDim, layer.OutputDim, activation));
            weights.Add(layer.Weights);
            biases.Add(layer.Bias);
            width = layer.OutputDim;
            current = next;
        }

        if (layers.Count == 0)
        {
            throw new OnnxFormatException(source, $"the graph has no dense layer between its input '{view.Input.Name}' and its output '{view.Output.Name}'.");
        }

        if (view.Consumers(view.Output.Name).Count > 0)
        {
            throw view.Error(view.Consumers(view.Output.Name)[0], $"reads the graph output '{view.Output.Name}'; the output must end the chain.");
        }

        view.RejectUnusedNodes();
        CheckOutput(view, elemType, width!.Value);
        return Build<T>(RefineParameters(model, layers), weights, biases, source);
    }

    private static int DefaultOpset(OnnxModelProto model, string source)
    {
        var defaults = model.Opsets.Where(o => o.Domain is "" or "ai.onnx").ToList();
        if (defaults.Count != 1)
        {
            throw new OnnxFormatException(source, defaults.Count == 0
                ? "the model imports no default-domain (ai.onnx) opset."
                : "the model imports the default-domain (ai.onnx) opset more than once.");
        }

        var version = defaults[0].Version;
        if (version is < MinOpset or > MaxOpset)
        {
            throw new OnnxFormatException(source, string.Create(CultureInfo.InvariantCulture, $"opset {version} is not supported; expected ai.onnx opset {MinOpset} to {MaxOpset}."));
        }

        return (int)version;
    }

    private static bool IsDefaultDomain(OnnxNode node) => node.Domain is "" or "ai.onnx";

    private static int CheckInput<T>(OnnxGraphView view, NpyConversion conversion)
    {
        var input = view.Input;
        if (!input.IsTensor)
        {
            throw new OnnxFormatException(view.Source, $"the graph input '{input.Name}' is not a tensor; expected a [batch, features] FLOAT or DOUBLE tensor.");
        }

        if (input.ElemType is not (OnnxFields.Tensor.DataTypeFloat or OnnxFields.Tensor.DataTypeDouble))
        {
            throw new OnnxFormatException(view.Source, $"the graph input '{input.Name}' has elem_type {OnnxTensor.DataTypeName(input.ElemType)}; expected FLOAT (1) or DOUBLE (11).");
        }

        var isFloat = input.ElemType == OnnxFields.Tensor.DataTypeFloat;
        if (isFloat != (typeof(T) == typeof(float)) && conversion != NpyConversion.AllowPrecisionChange)
        {
            throw new OnnxFormatException(
                view.Source,
                $"the graph input '{input.Name}' is {OnnxTensor.DataTypeName(input.ElemType)} and {typeof(T).Name} was requested; pass NpyConversion.AllowPrecisionChange to convert.");
        }

        if (input.Shape is { } shape && (shape.Count != 2 || shape[1].Value is null))
        {
            throw new OnnxFormatException(view.Source, $"the graph input '{input.Name}' has shape {input.ShapeText}; expected [batch, features] with a fixed number of features (batch may be symbolic).");
        }

        return input.ElemType;
    }

    private static int? InputWidth(OnnxValueInfo input) => input.Shape is { } shape ? checked((int)Math.Clamp(shape[1].Value!.Value, 0, int.MaxValue)) : null;

    private static void CheckOutput(OnnxGraphView view, int elemType, int width)
    {
        var output = view.Output;
        if (output.HasType && (!output.IsTensor || output.ElemType != elemType))
        {
            throw new OnnxFormatException(view.Source, $"the graph output '{output.Name}' has elem_type {OnnxTensor.DataTypeName(output.ElemType)}; expected {OnnxTensor.DataTypeName(elemType)}, the input's.");
        }

        if (output.Shape is { } shape && (shape.Count != 2 || (shape[1].Value is { } w && w != width)))
        {
            throw new OnnxFormatException(view.Source, string.Create(CultureInfo.InvariantCulture, $"the graph output '{output.Name}' has shape {output.ShapeText}; the network computes [batch, {width}]."));
        }
    }

    /// <summary>Follows <c>Identity</c> and <c>Flatten</c> (axis 1: the identity on a [batch, features] tensor) from <paramref name="value"/>.</summary>
    private static string PassThrough(OnnxGraphView view, string value)
    {
        while (value != view.Output.Name)
        {
            var consumers = view.Consumers(value);
            if (consumers.Count != 1 || !IsDefaultDomain(consumers[0]) || consumers[0].OpType is not ("Identity" or "Flatten"))
            {
                return value;
            }

            var node = consumers[0];
            if (node.Inputs.Count != 1 || node.Outputs.Count != 1)
            {
                throw view.Error(node, "expected one input and one output.");
            }

            if (node.OpType == "Flatten")
            {
                var axis = OnnxActivations.IntAttribute(view, node, "axis", 1, ["axis"]);
                if (axis is not (1 or -1))
                {
                    throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"attribute 'axis' = {axis}: on the [batch, features] tensor only axis 1 (or -1), which keeps it unchanged, is supported."));
                }
            }
            else
            {
                OnnxActivations.RejectAttributes(view, node, []);
            }

            view.Use(node);
            value = node.Outputs[0];
        }

        return value;
    }

    private static OnnxNode SingleConsumer(OnnxGraphView view, string value)
    {
        var consumers = view.Consumers(value);
        if (consumers.Count == 1)
        {
            return consumers[0];
        }

        var producer = view.Producer(value);
        var what = producer is null ? $"the graph input '{value}'" : $"'{value}' (the output of {producer})";
        if (consumers.Count == 0)
        {
            throw new OnnxFormatException(view.Source, $"{what} is read by no node and is not the graph output '{view.Output.Name}': the chain is broken.");
        }

        throw new OnnxFormatException(view.Source, string.Create(
            CultureInfo.InvariantCulture,
            $"{what} is read by {consumers.Count} nodes ({string.Join(", ", consumers)}); a NeuralCore network is one chain without branches."));
    }

    private readonly record struct DenseLayer<T>(int InputDim, int OutputDim, T[] Weights, T[] Bias, string Output);

    private static DenseLayer<T> ReadGemm<T>(OnnxGraphView view, OnnxNode node, string current, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string[] supported = ["alpha", "beta", "transA", "transB"];
        var alpha = OnnxActivations.FloatAttribute(view, node, "alpha", 1f, supported);
        var beta = OnnxActivations.FloatAttribute(view, node, "beta", 1f, supported);
        var transA = OnnxActivations.IntAttribute(view, node, "transA", 0, supported);
        var transB = OnnxActivations.IntAttribute(view, node, "transB", 0, supported);
        if (transA != 0)
        {
            throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"attribute 'transA' = {transA}: only 0 is supported (the data input is [batch, features])."));
        }

        if (transB is not (0 or 1))
        {
            throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"attribute 'transB' = {transB}: expected 0 or 1."));
        }

        if (node.Inputs.Count is not (2 or 3) || node.Outputs.Count != 1)
        {
            throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"expected inputs (A, B[, C]) and one output; got {node.Inputs.Count} inputs and {node.Outputs.Count} outputs."));
        }

        if (node.Inputs[0] != current)
        {
            throw view.Error(node, $"input A must be the chain's value '{current}' (the data as [batch, features]); got '{node.Inputs[0]}'.");
        }

        var b = Constant(view, node, node.Inputs[1], "B");
        if (b.Dims.Count != 2)
        {
            throw view.Error(node, $"input B '{node.Inputs[1]}' has dims {b.ShapeText}; expected a 2-D weight matrix.");
        }

        var values = b.ToArray<T>(conversion, view.Source, $"{node}: input B '{node.Inputs[1]}'");
        RequireNonEmpty(view, node, b, node.Inputs[1]);
        var (rows, columns) = (checked((int)b.Dims[0]), checked((int)b.Dims[1]));
        var (outputs, inputs) = transB == 1 ? (rows, columns) : (columns, rows);
        var weights = transB == 1 ? values : Transpose(values, rows, columns);
        Scale(weights, alpha);

        T[] bias;
        if (node.Inputs.Count == 3 && node.Inputs[2].Length > 0)
        {
            bias = Bias<T>(view, node, node.Inputs[2], "C", outputs, conversion);
            Scale(bias, beta);
        }
        else
        {
            bias = new T[outputs];
        }

        view.Use(node);
        return new DenseLayer<T>(inputs, outputs, weights, bias, node.Outputs[0]);
    }

    private static DenseLayer<T> ReadMatMul<T>(OnnxGraphView view, OnnxNode node, string current, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        OnnxActivations.RejectAttributes(view, node, []);
        if (node.Inputs.Count != 2 || node.Outputs.Count != 1)
        {
            throw view.Error(node, "expected inputs (A, B) and one output.");
        }

        if (node.Inputs[0] != current)
        {
            throw view.Error(node, $"input A must be the chain's value '{current}' (x·W with x first); got '{node.Inputs[0]}'.");
        }

        var b = Constant(view, node, node.Inputs[1], "B");
        if (b.Dims.Count != 2)
        {
            throw view.Error(node, $"input B '{node.Inputs[1]}' has dims {b.ShapeText}; expected a 2-D [in, out] weight matrix.");
        }

        var values = b.ToArray<T>(conversion, view.Source, $"{node}: input B '{node.Inputs[1]}'");
        RequireNonEmpty(view, node, b, node.Inputs[1]);
        var (inputs, outputs) = (checked((int)b.Dims[0]), checked((int)b.Dims[1]));
        var weights = Transpose(values, inputs, outputs);
        view.Use(node);

        var output = node.Outputs[0];
        var consumers = view.Consumers(output);
        if (output != view.Output.Name && consumers.Count == 1 && consumers[0].OpType == "Add" && IsDefaultDomain(consumers[0]))
        {
            var add = consumers[0];
            OnnxActivations.RejectAttributes(view, add, []);
            if (add.Inputs.Count == 2 && add.Outputs.Count == 1 && add.Inputs.Count(i => i == output) == 1)
            {
                var other = add.Inputs[0] == output ? add.Inputs[1] : add.Inputs[0];
                if (view.TryGetConstant(other, out _))
                {
                    var bias = Bias<T>(view, add, other, "bias", outputs, conversion);
                    view.Use(add);
                    return new DenseLayer<T>(inputs, outputs, weights, bias, add.Outputs[0]);
                }
            }
        }

        return new DenseLayer<T>(inputs, outputs, weights, new T[outputs], output);
    }

    // After ToArray the element count is backed by data, so with every dimension ≥ 1 each one fits an int.
    private static void RequireNonEmpty(OnnxGraphView view, OnnxNode node, OnnxTensor tensor, string name)
    {
        if (tensor.Dims.Any(d => d < 1))
        {
            throw view.Error(node, $"weights '{name}' have dims {tensor.ShapeText}; every dimension must be at least 1.");
        }
    }

    private static OnnxTensor Constant(OnnxGraphView view, OnnxNode node, string value, string role) =>
        view.TryGetConstant(value, out var tensor)
            ? tensor
            : throw view.Error(node, $"input {role} '{value}' must be an initializer or a Constant (trained weights); it is computed by the graph or is the data input.");

    /// <summary>A bias of shape [out] or [1, out], or a scalar ([], [1], [1, 1]) broadcast to every output.</summary>
    private static T[] Bias<T>(OnnxGraphView view, OnnxNode node, string value, string role, int outputs, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tensor = Constant(view, node, value, role);
        var dims = tensor.Dims;
        var isVector = (dims.Count == 1 && dims[0] == outputs) || (dims.Count == 2 && dims[0] == 1 && dims[1] == outputs);
        var isScalar = dims.Count == 0 || (dims.Count <= 2 && dims.All(d => d == 1));
        if (!isVector && !isScalar)
        {
            throw view.Error(node, string.Create(CultureInfo.InvariantCulture, $"{role} '{value}' has dims {tensor.ShapeText}; expected [{outputs}] or [1, {outputs}] (one bias per output), or a scalar."));
        }

        var values = tensor.ToArray<T>(conversion, view.Source, $"{node}: {role} '{value}'");
        return isVector ? values : Enumerable.Repeat(values[0], outputs).ToArray();
    }

    private static T[] Transpose<T>(T[] values, int rows, int columns)
    {
        var result = new T[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        return result;
    }

    // Gemm's alpha and beta are folded into W and b: one rounding per value where ONNX rounds alpha·(A·B) once per
    // output; exact (the values unchanged) for the usual alpha = beta = 1.
    private static void Scale<T>(T[] values, float factor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (factor == 1f)
        {
            return;
        }

        var f = T.CreateTruncating(factor);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= f;
        }
    }

    /// <summary>
    /// Float attributes (LeakyRelu's and Elu's alpha) cannot hold every double parameter; when the model carries
    /// NeuralCore's architecture JSON (metadata key <see cref="OnnxModel.ArchitectureMetadataKey"/>) and it describes
    /// the same layers with parameters that round to the same float, its exact parameters are taken. The graph alone
    /// decides the structure; metadata that disagrees is ignored.
    /// </summary>
    private static List<LayerSpec> RefineParameters(OnnxModelProto model, List<LayerSpec> layers)
    {
        var json = model.Metadata.Where(m => m.Key == OnnxModel.ArchitectureMetadataKey).Select(m => m.Value).FirstOrDefault();
        if (json is null)
        {
            return layers;
        }

        NetworkArchitecture stated;
        try
        {
            stated = NetworkArchitecture.FromJson(json);
        }
        catch (ArgumentException)
        {
            return layers;
        }

        if (stated.LayerCount != layers.Count)
        {
            return layers;
        }

        for (var i = 0; i < layers.Count; i++)
        {
            var (a, b) = (layers[i], stated[i]);
            if (a.InputDim != b.InputDim || a.OutputDim != b.OutputDim || a.Activation.Kind != b.Activation.Kind
                || (float)a.Activation.Parameter != (float)b.Activation.Parameter)
            {
                return layers;
            }
        }

        return [.. stated.Layers];
    }

    private static NeuralNetwork<T> Build<T>(List<LayerSpec> layers, List<T[]> weights, List<T[]> biases, string source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NetworkArchitecture architecture;
        try
        {
            architecture = new NetworkArchitecture(layers);
        }
        catch (ArgumentException ex)
        {
            throw new OnnxFormatException(source, ex.Message, ex);
        }

        var network = NeuralNetwork<T>.CreateZeroed(architecture);
        try
        {
            for (var l = 0; l < layers.Count; l++)
            {
                try
                {
                    network.SetWeights(l, new ReadOnlyMatrixSpan<T>(weights[l], layers[l].OutputDim, layers[l].InputDim));
                    network.SetBias(l, biases[l]);
                }
                catch (ArgumentException ex)
                {
                    throw new OnnxFormatException(source, string.Create(CultureInfo.InvariantCulture, $"layer {l + 1}: {ex.Message}"), ex);
                }
            }

            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
