namespace NeuralCore;

/// <summary>How initial biases are set.</summary>
public enum BiasInitialization
{
    /// <summary>All zero.</summary>
    Zero = 0,

    /// <summary>N(0, <see cref="Initialization.BiasScale"/>²), as the two-moons NumPy tutorial does.</summary>
    SmallNormal = 1,
}
