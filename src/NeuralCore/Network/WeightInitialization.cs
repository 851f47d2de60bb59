namespace NeuralCore;

/// <summary>How initial weights are drawn (always from <see cref="Initialization.Seed"/>).</summary>
/// <remarks>He is 0 so that <c>default(Initialization)</c> gives a trainable network, never all-zero weights.</remarks>
public enum WeightInitialization
{
    /// <summary>He/Kaiming normal: N(0, 2/in); suits relu and leaky relu layers. The default.</summary>
    He = 0,

    /// <summary>Xavier/Glorot normal: N(0, 2/(in + out)); suits sigmoid and tanh layers.</summary>
    Xavier = 1,

    /// <summary>The NumPy tutorials' <c>randn · scale</c>: N(0, <see cref="Initialization.WeightScale"/>²) (scale 0.1 there).</summary>
    SmallNormal = 2,
}
