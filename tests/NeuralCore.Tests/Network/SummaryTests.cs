namespace NeuralCore.Tests.Network;

public sealed class SummaryTests
{
    [Fact]
    public void SmallNetwork_GivesThisExactTable()
    {
        using var network = new NeuralNetwork<float>(NetworkArchitecture.FromSizes([2, 4, 1], [Activation.Relu, Activation.Sigmoid]), Initialization.He(1));

        Assert.Equal(
            "layer  input → output  activation  parameters  bytes\n" +
            "0      2 → 4           relu                12     48\n" +
            "1      4 → 1           sigmoid              5     20\n" +
            "total                                      17     68",
            network.Summary());
    }

    [Fact]
    public void Double_WideLayers_CountEightBytesAndGroupDigits()
    {
        using var network = new NeuralNetwork<double>(NetworkArchitecture.FromSizes([300, 1200, 10], [Activation.Tanh, Activation.Softmax]), Initialization.He(1));
        var lines = network.Summary().Split('\n');

        // 300·1200 + 1200 = 361,200 and 1200·10 + 10 = 12,010 parameters; 8 bytes each.
        Assert.Equal(["0", "300 → 1,200", "tanh", "361,200", "2,889,600"], lines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(["total", "373,210", "2,985,680"], lines[3].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(373_210, network.ParameterCount);
        Assert.All(lines, l => Assert.Equal(lines[0].Length, l.Length)); // the bytes column ends every line
    }
}
