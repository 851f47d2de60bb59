namespace NeuralCore.Tests.Network;

public sealed class ArchitectureTests
{
    // Seed 003's nn_architecture, verbatim in structure.
    private const string Seed003Json = """
        [
            {"input_dim": 2, "output_dim": 4, "activation": "relu"},
            {"input_dim": 4, "output_dim": 6, "activation": "relu"},
            {"input_dim": 6, "output_dim": 6, "activation": "relu"},
            {"input_dim": 6, "output_dim": 4, "activation": "relu"},
            {"input_dim": 4, "output_dim": 1, "activation": "sigmoid"},
        ]
        """;

    [Fact]
    public void Seed003Json_ParsesToTheFiveLayers()
    {
        var architecture = NetworkArchitecture.FromJson(Seed003Json);

        Assert.Equal(
            [new(2, 4, Activation.Relu), new(4, 6, Activation.Relu), new(6, 6, Activation.Relu), new(6, 4, Activation.Relu), new LayerSpec(4, 1, Activation.Sigmoid)],
            architecture.Layers);
        Assert.Equal(2, architecture.InputSize);
        Assert.Equal(1, architecture.OutputSize);
        Assert.Equal((2 * 4) + 4 + (4 * 6) + 6 + (6 * 6) + 6 + (6 * 4) + 4 + 4 + 1, architecture.ParameterCount);
    }

    [Fact]
    public void Json_RoundTripsEveryActivationName()
    {
        var layers = new List<LayerSpec>();
        var width = 3;
        foreach (var activation in NetworkTestHelpers.AllActivations)
        {
            layers.Add(new LayerSpec(width, width + 1, activation));
            width++;
        }

        var original = new NetworkArchitecture(layers);
        var json = original.ToJson();
        var parsed = NetworkArchitecture.FromJson(json);

        Assert.Equal(original, parsed);
        Assert.Contains("\"leaky_relu\"", json, StringComparison.Ordinal);
        Assert.Contains("\"input_dim\": 3", json, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSizes_BuildsSeed001Network()
    {
        var architecture = NetworkArchitecture.FromSizes([2, 10, 1], [Activation.Sigmoid, Activation.Sigmoid]);

        Assert.Equal([new(2, 10, Activation.Sigmoid), new LayerSpec(10, 1, Activation.Sigmoid)], architecture.Layers);
    }

    [Fact]
    public void UnknownActivation_IsAnErrorListingTheValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => NetworkArchitecture.FromJson("""[{"input_dim": 2, "output_dim": 1, "activation": "swish"}]"""));

        Assert.Contains("\"swish\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sigmoid, relu, leaky_relu, tanh, linear, softmax", ex.Message, StringComparison.Ordinal);
        Assert.Equal("json", ex.ParamName);
    }

    [Fact]
    public void DimensionsThatDoNotChain_AreAnErrorNamingTheLayers()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NetworkArchitecture(new LayerSpec(2, 4, Activation.Relu), new LayerSpec(5, 1, Activation.Sigmoid)));

        Assert.Contains("layer 0 has output_dim = 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("layer 1 must have input_dim = 4; got 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_CarriesTheLeakySlope_AndKeepsTheSeedFormForDefaults()
    {
        var architecture = NetworkArchitecture.FromJson("""
            [{"input_dim": 2, "output_dim": 4, "negative_slope": 0.2, "activation": "LEAKY_RELU"},
             {"input_dim": 4, "output_dim": 3, "activation": "leaky_relu"},
             {"input_dim": 3, "output_dim": 1, "activation": "sigmoid"}]
            """);

        Assert.Equal(Activation.CreateLeakyRelu(0.2), architecture[0].Activation);
        Assert.Equal(Activation.LeakyRelu, architecture[1].Activation);
        Assert.Equal(0.01, architecture[1].Activation.Parameter);
        Assert.NotEqual(architecture[0].Activation, architecture[1].Activation);

        var json = architecture.ToJson();
        Assert.Contains("\"negative_slope\": 0.2", json);
        Assert.Single(json.Split("negative_slope").Skip(1)); // the default slope is not written
        Assert.Equal(architecture, NetworkArchitecture.FromJson(json));
        Assert.Equal("2-4-3-1 (leaky_relu(negative_slope=0.2), leaky_relu, sigmoid)", architecture.ToString());
    }

    [Fact]
    public void Json_RoundTripsEveryActivation_ByItsName()
    {
        // Every kind of the one definition, at its default and (the parameterised ones) another parameter.
        foreach (var activation in TestActivations.All)
        {
            var architecture = NetworkArchitecture.FromSizes([3, 4, 2], [activation, activation == Activation.Softmax ? Activation.Linear : activation]);
            var json = architecture.ToJson();
            Assert.Contains($"\"activation\": \"{ActivationNames.GetName(activation)}\"", json);
            Assert.Equal(architecture, NetworkArchitecture.FromJson(json));
            Assert.Equal(Activation.FromKind(activation.Kind), ActivationNames.Parse(ActivationNames.GetName(activation)));
        }

        Assert.Equal(Activation.Gelu, ActivationNames.Parse("GELU"));
        Assert.Equal(Activation.GeluTanh, ActivationNames.Parse("gelu_tanh"));
        Assert.Equal(Activation.Silu, ActivationNames.Parse("silu"));
        Assert.Equal(Activation.Softplus, ActivationNames.Parse("softplus"));
        Assert.Equal(Activation.Elu, ActivationNames.Parse("elu"));
    }

    [Fact]
    public void Json_CarriesTheEluAlpha_AndOmitsItsDefault()
    {
        var architecture = NetworkArchitecture.FromJson("""
            [{"input_dim": 2, "output_dim": 4, "activation": "elu", "alpha": 0.5},
             {"input_dim": 4, "output_dim": 1, "activation": "elu"}]
            """);

        Assert.Equal(Activation.CreateElu(0.5), architecture[0].Activation);
        Assert.Equal(Activation.Elu, architecture[1].Activation);
        Assert.Equal(Activation.DefaultEluAlpha, architecture[1].Activation.Parameter);
        var json = architecture.ToJson();
        Assert.Contains("\"alpha\": 0.5", json);
        Assert.Single(json.Split("alpha").Skip(1));
        Assert.Equal(architecture, NetworkArchitecture.FromJson(json));
        Assert.Equal("2-4-1 (elu(alpha=0.5), elu)", architecture.ToString());
    }

    [Fact]
    public void ParameterisedActivations_CheckTheirParameter()
    {
        foreach (var bad in new[] { 0, -1, double.NaN, double.PositiveInfinity })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Activation.CreateElu(bad));
            Assert.Equal("parameter", ex.ParamName);
            Assert.Contains("alpha must be finite and > 0", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1.7, Activation.CreateElu(1.7).Parameter);
        Assert.Contains("gelu takes no parameter; got 0.5.", Assert.Throws<ArgumentOutOfRangeException>(() => Activation.Create(ActivationKind.Gelu, 0.5)).Message, StringComparison.Ordinal);
        Assert.Contains("negative_slope must be finite and ≥ 0; got -0.01.", Assert.Throws<ArgumentOutOfRangeException>(() => Activation.CreateLeakyRelu(-0.01)).Message, StringComparison.Ordinal);
        Assert.Contains("negative_slope must be finite and ≥ 0; got NaN.", Assert.Throws<ArgumentOutOfRangeException>(() => Activation.CreateLeakyRelu(double.NaN)).Message, StringComparison.Ordinal);
        Assert.Equal(0, Activation.CreateLeakyRelu(0).Parameter);
        Assert.Contains("softmax takes no parameter; got 0.5.", Assert.Throws<ArgumentOutOfRangeException>(() => Activation.Create(ActivationKind.Softmax, 0.5)).Message, StringComparison.Ordinal);
        Assert.Contains("relu takes no parameter; got 0.5.", Assert.Throws<ArgumentOutOfRangeException>(() => Activation.Create(ActivationKind.Relu, 0.5)).Message, StringComparison.Ordinal);
        Assert.Equal(Activation.Relu, Activation.Create(ActivationKind.Relu, 0));
        Assert.Equal(default, Activation.Linear);
        Assert.Throws<ArgumentOutOfRangeException>(() => Activation.FromKind((ActivationKind)99));
    }

    [Theory]
    [InlineData("""[{"input_dim": 2, "output_dim": 4}]""", "missing \"activation\"")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "activation": "relu", "dropout": 0.5}]""", "unknown property \"dropout\"")]
    [InlineData("""[{"input_dim": 2.5, "output_dim": 4, "activation": "relu"}]""", "\"input_dim\" must be an integer; got 2.5")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "activation": "relu", "negative_slope": 0.2}]""", "\"negative_slope\" given, but relu takes no parameter")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "activation": "leaky_relu", "negative_slope": -0.2}]""", "layer 0: negative_slope must be finite and ≥ 0; got -0.2")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "activation": "elu", "alpha": 0}]""", "layer 0: alpha must be finite and > 0; got 0")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "activation": "gelu", "alpha": 1}]""", "\"alpha\" given, but gelu takes no parameter")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "activation": "elu", "negative_slope": 0.2}]""", "negative_slope")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "activation": "leaky_relu", "negative_slope": "0.2"}]""", "\"negative_slope\" must be a number")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "negative_slope": 0.2, "activation": "leaky_relu", "negative_slope": 0.3}]""", "a second parameter \"negative_slope\"")]
    [InlineData("""[{"input_dim": 0, "output_dim": 4, "activation": "relu"}]""", "must be ≥ 1; got input_dim = 0")]
    [InlineData("""{"layers": []}""", "must be a JSON array")]
    [InlineData("""[]""", "at least one layer; got 0")]
    [InlineData("""[{"input_dim": 2, "output_dim": 4, "activation": "relu"}""", "Invalid architecture JSON")]
    public void MalformedJson_IsAnArgumentExceptionSayingWhy(string json, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => NetworkArchitecture.FromJson(json));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ActivationNames_ListEveryDefinedKindOnce_InTheDocumentedOrder()
    {
        // The order of the README and of every "expected one of" message (a new kind may follow); the enum's differs (linear is 0).
        Assert.StartsWith("sigmoid, relu, leaky_relu, tanh, linear, softmax, gelu, gelu_tanh, silu, softplus, elu", ActivationNames.ValidNames, StringComparison.Ordinal);
        Assert.Equal(Enum.GetValues<ActivationKind>().Order(), ActivationNames.All.Select(k => k.Kind).Order());
        Assert.Equal(
            [("leaky_relu", "negative_slope", 0.01), ("elu", "alpha", 1.0)],
            ActivationNames.All.Where(k => k.ParameterName is not null).Select(k => (k.Name, k.ParameterName!, k.DefaultParameter)));
        Assert.All(ActivationNames.All.Where(k => k.ParameterName is null), k => Assert.Equal(0, k.DefaultParameter));
    }

    [Fact]
    public void ActivationNames_ParseIsCaseInsensitiveAndStrict()
    {
        Assert.Equal(Activation.LeakyRelu, ActivationNames.Parse(" Leaky_ReLU "));
        var ex = Assert.Throws<ArgumentException>(() => ActivationNames.Parse("lineer", "activation"));
        Assert.Contains("expected one of: sigmoid, relu, leaky_relu, tanh, linear, softmax", ex.Message, StringComparison.Ordinal);
        Assert.Equal("activation", ex.ParamName);
    }
}
