using System.Numerics;
using System.Text.Json;
using static NeuralCore.Tests.Elementwise.ElementwiseTestData;

namespace NeuralCore.Tests.Elementwise;

/// <summary>
/// RMSprop and AdamW against PyTorch 1.13 (Fixtures/Optimizers/generate.py): five steps with a different learning
/// rate each, from the same parameters and gradients, on every kernel path (the reference included), in float and
/// double; PyTorch's defaults and a second setting with L2 (RMSprop) or a large decoupled decay (AdamW).
/// </summary>
[Trait("Category", "Kernels")]
public sealed class OptimizerFixtureTests
{
    private static readonly Lazy<JsonDocument> s_fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Optimizers", "optimizers.json"))));

    public static TheoryData<KernelPath> Paths => [.. Kernels.Available];

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryStep_MatchesPyTorch(KernelPath path)
    {
        var root = s_fixture.Value.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray().ToArray();
        Assert.Equal(2, cases.Count(c => c.GetProperty("optimizer").GetString() == "rmsprop"));
        Assert.Equal(2, cases.Count(c => c.GetProperty("optimizer").GetString() == "adamw"));
        foreach (var fixtureCase in cases)
        {
            Check<float>(root, fixtureCase, path, "float32");
            Check<double>(root, fixtureCase, path, "float64");
        }
    }

    private static void Check<T>(JsonElement root, JsonElement fixtureCase, KernelPath path, string dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var learningRates = Doubles(root.GetProperty("learning_rates"));
        var gradients = root.GetProperty("gradients").EnumerateArray().Select(Values<T>).ToArray();
        var expected = fixtureCase.GetProperty(dtype).EnumerateArray().Select(Doubles).ToArray();
        var parameters = Values<T>(root.GetProperty("start"));
        var n = parameters.Length;
        var state1 = new T[n];
        var state2 = new T[n];
        var name = fixtureCase.GetProperty("optimizer").GetString();
        var epsilon = T.CreateTruncating(fixtureCase.GetProperty("eps").GetDouble());
        var weightDecay = T.CreateTruncating(fixtureCase.GetProperty("weight_decay").GetDouble());
        var betas = name == "adamw" ? Doubles(fixtureCase.GetProperty("betas")) : [];

        // Both sides do the same operations on the same T values up to their arrangement, so each step agrees to a
        // few ε of itself: 4ε of the distance p has moved so far, plus 2 ulps of p. One exception, sized here rather
        // than guessed: the bias corrections cₖ = 1 − βₖᵗ, which NeuralCore forms in T and PyTorch in double; in
        // float, β₂ = 0.999 and t ≥ 2 put 1 − β₂ᵗ off by up to ~ε/(2(1 − β₂ᵗ)), some 250ε, and the step by
        // δc₁ + δc₂/2 of itself.
        var eps = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        var relative = 4 * eps;
        if (betas.Length == 2)
        {
            relative += Enumerable.Range(1, expected.Length).Max(t => CorrectionError<T>(betas[0], t) + (CorrectionError<T>(betas[1], t) / 2));
        }

        var travelled = new double[n];
        var options = ComputeOptions.For(path);
        for (var step = 0; step < expected.Length; step++)
        {
            var learningRate = T.CreateTruncating(learningRates[step]);
            var before = (T[])parameters.Clone();
            if (name == "rmsprop")
            {
                var alpha = T.CreateTruncating(fixtureCase.GetProperty("alpha").GetDouble());
                ParameterUpdates.RmsProp<T>(parameters, gradients[step], state1, learningRate, alpha, epsilon, weightDecay, options);
            }
            else
            {
                Assert.Equal("adamw", name);
                ParameterUpdates.AdamW<T>(parameters, gradients[step], state1, state2, learningRate, T.CreateTruncating(betas[0]), T.CreateTruncating(betas[1]), epsilon, step + 1, weightDecay, options);
            }

            for (var i = 0; i < n; i++)
            {
                travelled[i] += Math.Abs(double.CreateTruncating(before[i]) - expected[step][i]);
                AssertClose(T.CreateTruncating(expected[step][i]), parameters[i], 2, relative * travelled[i], $"{name} {dtype} λ={weightDecay} {path} step {step + 1}", i);
            }
        }
    }

    /// <summary>The relative error of 1 − βᵗ formed in T, against the same from T's β in double.</summary>
    private static double CorrectionError<T>(double beta, int step)
        where T : IFloatingPointIeee754<T>
    {
        var betaT = T.CreateTruncating(beta);
        var inT = double.CreateTruncating(T.One - T.Pow(betaT, T.CreateTruncating(step)));
        var exact = 1 - Math.Pow(double.CreateTruncating(betaT), step);
        return Math.Abs(inT - exact) / exact;
    }

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetDouble())];

    private static T[] Values<T>(JsonElement array)
        where T : IFloatingPointIeee754<T> => [.. array.EnumerateArray().Select(v => T.CreateTruncating(v.GetDouble()))];
}
