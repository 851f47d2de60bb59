namespace NeuralCore;

/// <summary>Placeholder.</summary>
public static class Placeholder
{
}
