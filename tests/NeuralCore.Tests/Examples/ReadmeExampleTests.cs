namespace NeuralCore.Tests.Examples;

/// <summary>The C# example of README.md, verbatim between the markers, so the README cannot drift from the API.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void SeedThreeMoonsExample_TrainsAndPredicts()
    {
        // README example begin
        // Seed 003's network: 2-4-6-6-4-1, relu hidden layers, sigmoid output.
        var architecture = NetworkArchitecture.FromJson("""
            [{"input_dim": 2, "output_dim": 4, "activation": "relu"},
             {"input_dim": 4, "output_dim": 6, "activation": "relu"},
             {"input_dim": 6, "output_dim": 6, "activation": "relu"},
             {"input_dim": 6, "output_dim": 4, "activation": "relu"},
             {"input_dim": 4, "output_dim": 1, "activation": "sigmoid"}]
            """);
        using var network = new NeuralNetwork<float>(architecture, Initialization.He(seed: 2));

        using var data = Datasets.MakeMoons<float>(1000, noise: 0.2, seed: 2);   // X: 1000×2, Y: 1000×1
        var x = data.Features.ReadOnlySpan;                                          // views, no copies
        var y = data.Targets.ReadOnlySpan;

        var options = new TrainingOptions(Loss.BinaryCrossEntropy, Optimizer.Adam(0.01)) { Epochs = 60, BatchSize = 32, Seed = 2 };
        using var trainer = new Trainer<float>(network, options);
        var history = trainer.Fit(x.SliceRows(0, 900), y.SliceRows(0, 900),       // train on 900 points,
                                  x.SliceRows(900, 100), y.SliceRows(900, 100));  // validate on 100
        Console.WriteLine($"test accuracy {history.ValidationAccuracy[^1]:P1}");

        Span<float> p = stackalloc float[1];
        network.Predict([0.5f, -0.25f], p);                               // one sample, no allocation
        // README example end

        Assert.True(history.ValidationAccuracy[^1] >= 0.95, $"test accuracy {history.ValidationAccuracy[^1]}");
        Assert.InRange(p[0], 0f, 1f);
    }
}
