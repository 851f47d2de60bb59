using System.Numerics;

namespace NeuralCore.IO;

public static partial class DataLoader
{
    /// <summary>Reads X (and optionally Y) from <c>.npy</c> files.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="featuresPath">The X file: 2-D, or 1-D for one feature per sample.</param>
    /// <param name="targetsPath">The Y file (2-D, or 1-D for one target per sample), or <see langword="null"/> for no targets.</param>
    /// <param name="layout">Samples in rows (default) or features × samples (transposed on load).</param>
    /// <param name="conversion">Whether float64 files may be read as <see cref="float"/> and vice versa (<see cref="NpyConversion.AllowIntegers"/> also takes integer files, such as NumPy int64 class ids, exactly).</param>
    /// <returns>The data set; dispose it.</returns>
    /// <exception cref="NpyFormatException">A file is not a supported array, its dtype does not match, or X and Y disagree on the sample count.</exception>
    public static Dataset<T> ReadNpy<T>(string featuresPath, string? targetsPath, DataLayout layout = DataLayout.SamplesInRows, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var features = Npy.Read(featuresPath);
        var targets = targetsPath is null ? null : Npy.Read(targetsPath);
        return FromArrays<T>(features, targets, layout, conversion);
    }

    /// <summary>Reads X (and optionally Y) from two members of an <c>.npz</c> archive.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The archive path.</param>
    /// <param name="featuresName">The X member name (default <c>X</c>).</param>
    /// <param name="targetsName">The Y member name (default <c>Y</c>), or <see langword="null"/> for no targets.</param>
    /// <param name="layout">Samples in rows (default) or features × samples (transposed on load).</param>
    /// <param name="conversion">Whether float64 data may be read as <see cref="float"/> and vice versa (<see cref="NpyConversion.AllowIntegers"/> also takes integer members exactly).</param>
    /// <returns>The data set; dispose it.</returns>
    /// <exception cref="NpyFormatException">A member is missing or unsupported, or X and Y disagree on the sample count.</exception>
    public static Dataset<T> ReadNpz<T>(string path, string featuresName = "X", string? targetsName = "Y", DataLayout layout = DataLayout.SamplesInRows, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(featuresName);
        var archive = Npz.Read(path);
        return FromArrays<T>(archive[featuresName], targetsName is null ? null : archive[targetsName], layout, conversion);
    }

    /// <summary>Builds a data set from arrays already in memory.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="features">X: 2-D, or 1-D for one feature per sample.</param>
    /// <param name="targets">Y: 2-D, or 1-D for one target per sample; <see langword="null"/> for none.</param>
    /// <param name="layout">Samples in rows (default) or features × samples (transposed).</param>
    /// <param name="conversion">Whether float32 ↔ float64 conversion is allowed.</param>
    /// <returns>The data set; dispose it.</returns>
    /// <exception cref="NpyFormatException">A dtype does not match, or X and Y disagree on the sample count.</exception>
    public static Dataset<T> FromArrays<T>(NpyArray features, NpyArray? targets, DataLayout layout = DataLayout.SamplesInRows, NpyConversion conversion = NpyConversion.Exact)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(features);
        var x = ToSamples<T>(features, layout, conversion);
        Matrix<T>? y = null;
        try
        {
            y = targets is null ? new Matrix<T>(x.Rows, 0) : ToSamples<T>(targets, layout, conversion);
            if (y.Rows != x.Rows)
            {
                throw new NpyFormatException(
                    targets!.Source ?? "<targets>",
                    $"Y has {y.Rows} samples but X ({features.Source ?? "<features>"}) has {x.Rows} (layout {layout}).");
            }
        }
        catch
        {
            x.Dispose();
            y?.Dispose();
            throw;
        }

        var source = targets is null ? features.Source ?? "<arrays>" : $"{features.Source ?? "<features>"} + {targets.Source ?? "<targets>"}";
        return new Dataset<T>(x, y, source: source);
    }

    // 1-D means one value per sample in either layout, so it becomes a column.
    private static Matrix<T> ToSamples<T>(NpyArray array, DataLayout layout, NpyConversion conversion)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (array.Rank == 1)
        {
            return array.ToMatrix<T>(NpyVectorShape.Column, conversion);
        }

        var matrix = array.ToMatrix<T>(NpyVectorShape.Reject, conversion);
        return layout == DataLayout.FeaturesInRows ? Transposed(matrix) : matrix;
    }
}
