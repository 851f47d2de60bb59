using System.Numerics;
using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

/// <summary>
/// Models exported by PyTorch 1.13 (Fixtures/Onnx/generate.py) load as the architecture they were made from and
/// predict what PyTorch predicted (≤ 1e-6 float32, ≤ 1e-12 float64).
/// </summary>
public sealed class OnnxFixtureTests
{
    private static readonly NpzArchive s_predictions = Npz.Read(OnnxTestSupport.Fixture("predictions.npz"));

    // What generate.py put in each model, written here independently of the files.
    private static Activation Expected(string name) => name switch
    {
        "relu" => Activation.Relu,
        "sigmoid" => Activation.Sigmoid,
        "tanh" => Activation.Tanh,
        "leaky_relu" => Activation.CreateLeakyRelu(0.2),
        "softmax" => Activation.Softmax,
        "elu" => Activation.CreateElu(0.5),
        "softplus" => Activation.Softplus,
        "gelu" => Activation.Gelu,
        "gelu_tanh" => Activation.GeluTanh,
        "silu" => Activation.Silu,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a fixture activation"),
    };

    public static TheoryData<string, string, int, string> Models()
    {
        var data = new TheoryData<string, string, int, string>();
        foreach (var activation in new[] { "relu", "sigmoid", "tanh", "leaky_relu", "softmax", "elu", "softplus", "gelu", "gelu_tanh", "silu" })
        {
            foreach (var form in new[] { "gemm", "matmul" })
            {
                foreach (var opset in new[] { 13, 17 })
                {
                    foreach (var dtype in new[] { "f32", "f64" })
                    {
                        data.Add(activation, form, opset, dtype);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Torch_export_loads_and_predicts_like_torch(string activation, string form, int opset, string dtype)
    {
        var stem = $"{activation}_{form}_op{opset}_{dtype}";
        if (dtype == "f32")
        {
            Check<float>(stem, Expected(activation));
        }
        else
        {
            Check<double>(stem, Expected(activation));
        }
    }

    private static void Check<T>(string stem, Activation activation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = OnnxModel.Load<T>(OnnxTestSupport.Fixture(stem + ".onnx"));
        var expected = new NetworkArchitecture(new LayerSpec(4, 6, activation), new LayerSpec(6, 3, activation));
        Assert.Equal(expected, network.Architecture);
        AssertPredicts(network, stem);
    }

    private static void AssertPredicts<T>(NeuralNetwork<T> network, string stem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var x = Npy.ReadMatrix<T>(OnnxTestSupport.Fixture(typeof(T) == typeof(float) ? "x_f32.npy" : "x_f64.npy"));
        using var torch = s_predictions[stem].ToMatrix<T>();
        using var actual = network.Predict(x.ReadOnlySpan);
        OnnxTestSupport.AssertClose<T>(torch.ToArray(), actual.ToArray(), OnnxTestSupport.Tolerance<T>(), stem);
    }

    [Fact]
    public void Flatten_identity_typed_data_and_fixed_batch_are_read_float() => Variants<float>("variants_f32");

    [Fact]
    public void Flatten_identity_typed_data_and_fixed_batch_are_read_double() => Variants<double>("variants_f64");

    private static void Variants<T>(string stem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var network = OnnxModel.Load<T>(OnnxTestSupport.Fixture(stem + ".onnx"));
        Assert.Equal(new NetworkArchitecture(new LayerSpec(4, 5, Activation.Relu), new LayerSpec(5, 2, Activation.Linear)), network.Architecture);
        AssertPredicts(network, stem);
    }

    [Fact]
    public void Gemm_alpha_beta_and_untransposed_weights_are_folded()
    {
        using var network = OnnxModel.Load<double>(OnnxTestSupport.Fixture("gemm_attrs_f64.onnx"));

        Assert.Equal(new NetworkArchitecture(new LayerSpec(4, 3, Activation.Linear)), network.Architecture);
        AssertPredicts(network, "gemm_attrs_f64");
    }

    [Fact]
    public void Float_model_loads_as_double_only_when_asked()
    {
        var path = OnnxTestSupport.Fixture("tanh_gemm_op17_f32.onnx");

        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load<double>(path));
        using var converted = OnnxModel.Load<double>(path, NpyConversion.AllowPrecisionChange);
        using var exact = OnnxModel.Load<float>(path);

        Assert.Contains("AllowPrecisionChange", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Equal(exact.GetParameters().Select(v => (double)v), converted.GetParameters());
    }

    [Fact]
    public void Double_model_loads_as_float_only_when_asked()
    {
        var path = OnnxTestSupport.Fixture("relu_matmul_op13_f64.onnx");

        Assert.Throws<OnnxFormatException>(() => OnnxModel.Load<float>(path));
        using var converted = OnnxModel.Load<float>(path, NpyConversion.AllowPrecisionChange);
        using var exact = OnnxModel.Load<double>(path);

        Assert.Equal(exact.GetParameters().Select(v => (float)v), converted.GetParameters());
    }
}
