namespace NeuralCore;

/// <summary>How initial weights are drawn (always from <see cref="Initialization.Seed"/>).</summary>
public enum WeightInitialization
{
    /// <summary>Seed 003's <c>randn · scale</c>: N(0, <see cref="Initialization.WeightScale"/>²) (scale 0.1 in the seed).</summary>
    SmallNormal = 0,

    /// <summary>Xavier/Glorot normal: N(0, 2/(in + out)); suits sigmoid and tanh layers.</summary>
    Xavier = 1,

    /// <summary>He/Kaiming normal: N(0, 2/in); suits relu and leaky relu layers.</summary>
    He = 2,
}
