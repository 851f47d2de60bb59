using System.Numerics;

namespace NeuralCore.IO;

/// <summary>
/// Loads data sets (X and Y, one sample per row) from CSV, <c>.npy</c> or <c>.npz</c> files.
/// </summary>
/// <remarks>
/// <code>
/// // moons.csv: x1,x2,label   → X is n×2, Y is n×1
/// using var data = DataLoader.ReadCsv&lt;float&gt;("moons.csv", new CsvReadOptions { Targets = TargetColumns.Named("label") });
/// // X.npy (n×2), y.npy (n,) as float64 from NumPy, trained in float32
/// using var data = DataLoader.ReadNpy&lt;float&gt;("X.npy", "y.npy", conversion: NpyConversion.AllowPrecisionChange);
/// // y.npy holding class ids as NumPy integers (np.save of an int64 array): exact, or an error naming the element
/// using var digits = DataLoader.ReadNpy&lt;float&gt;("X.npy", "y.npy", conversion: NpyConversion.AllowIntegers);
/// </code>
/// The tutorials' features × samples layout is read with <see cref="DataLayout.FeaturesInRows"/> and transposed.
/// </remarks>
public static partial class DataLoader
{

    // One transpose for every loader: the same conversion Datasets.FromColumnMajor offers for in-memory data.
    private static Matrix<T> Transposed<T>(Matrix<T> source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using (source)
        {
            return Datasets.FromColumnMajor(source.ReadOnlySpan);
        }
    }
}
