using NeuralCore.IO;
using NeuralCore.IO.Internals;
using static NeuralCore.Tests.IO.OnnxGraphs;

namespace NeuralCore.Tests.IO;

/// <summary>Graph forms other converters write (and torch does not): each loads as the layer it denotes, weights included.</summary>
public sealed class OnnxImportTests
{
    private static float[] WrittenWeights(int count) => Enumerable.Range(0, count).Select(i => (i % 7) * 0.25f - 0.5f).ToArray();

    [Theory]
    [InlineData("none", ActivationKind.Gelu)]
    [InlineData("tanh", ActivationKind.GeluTanh)]
    public void Opset_20_gelu_op_is_read(string approximate, ActivationKind kind)
    {
        var builder = Dense().Node("Gelu", ["z"], ["output"], "/1/Gelu", new OnnxAttribute { Name = "approximate", Type = OnnxFields.Attribute.TypeString, S = System.Text.Encoding.UTF8.GetBytes(approximate), HasS = true }).Output();
        builder.Opsets[0] = ("", 20);

        using var network = OnnxModel.Load<float>(builder.Bytes());

        Assert.Equal(Activation.FromKind(kind), network.Architecture[0].Activation);
    }

    [Fact]
    public void Gelu_op_before_opset_20_is_refused()
    {
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load<float>(Dense().Node("Gelu", ["z"], ["output"], "/1/Gelu").Output().Bytes()));

        Assert.Contains("node '/1/Gelu' (Gelu): Gelu is an opset 20 op; the model imports opset 17.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MatMul_without_bias_has_zero_bias_and_transposed_weights()
    {
        var builder = new GraphBuilder().Input().Weights("W", 4, 3).Node("MatMul", ["input", "W"], ["output"]).Output();

        using var network = OnnxModel.Load<float>(builder.Bytes());

        Assert.Equal(new NetworkArchitecture(new LayerSpec(4, 3, Activation.Linear)), network.Architecture);
        var w = WrittenWeights(12);
        var weights = network.GetWeights(0);
        for (var o = 0; o < 3; o++)
        {
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(w[(i * 3) + o], weights[o, i]); // B is [in, out]; NeuralCore's W is [out, in]
            }
        }

        Assert.Equal(new float[3], network.GetBias(0));
    }

    [Theory]
    [InlineData(11, null)]
    [InlineData(12, 1L)]
    [InlineData(13, null)]
    [InlineData(17, -1L)]
    public void Softmax_default_and_last_axis_are_read_under_both_opset_rules(int opset, long? axis)
    {
        var attributes = axis is { } a ? new[] { Int("axis", a) } : [];
        var builder = Dense().Node("Softmax", ["z"], ["output"], "/1/Softmax", attributes).Output();
        builder.Opsets[0] = ("", opset);

        using var network = OnnxModel.Load<float>(builder.Bytes());

        Assert.Equal(Activation.Softmax, network.Architecture[0].Activation);
    }

    [Fact]
    public void Leaky_relu_and_elu_defaults_are_onnx_defaults()
    {
        using var leaky = OnnxModel.Load<float>(Dense().Node("LeakyRelu", ["z"], ["output"]).Output().Bytes());
        using var elu = OnnxModel.Load<float>(Dense().Node("Elu", ["z"], ["output"]).Output().Bytes());

        Assert.Equal(Activation.CreateLeakyRelu(0.01), leaky.Architecture[0].Activation);
        Assert.Equal(Activation.CreateElu(1.0), elu.Architecture[0].Activation);
    }

    [Fact]
    public void Silu_pattern_in_either_operand_order_and_through_identity_is_read()
    {
        var builder = Dense().Node("Identity", ["z"], ["zi"]).Node("Sigmoid", ["zi"], ["s"]).Node("Mul", ["s", "zi"], ["output"]).Output();

        using var network = OnnxModel.Load<float>(builder.Bytes());

        Assert.Equal(Activation.Silu, network.Architecture[0].Activation);
    }

    [Fact]
    public void Ir3_style_initializers_listed_as_inputs_are_weights()
    {
        var builder = Dense().Node("Relu", ["z"], ["output"]).Output();
        builder.Graph.Inputs.Add(new OnnxValueInfo { Name = "W", IsTensor = true, HasType = true, ElemType = OnnxFields.Tensor.DataTypeFloat, Shape = [new(3, null), new(4, null)] });

        using var network = OnnxModel.Load<float>(builder.Bytes());

        Assert.Equal(1, network.LayerCount);
    }
}
