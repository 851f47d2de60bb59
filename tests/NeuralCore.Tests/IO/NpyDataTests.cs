using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

public sealed class NpyDataTests
{
    [Fact]
    public void Npy_features_and_vector_targets_load_as_samples_in_rows()
    {
        using var files = new TestFiles();
        using var x = Matrix<double>.FromSpan([1, 2, 3, 4, 5, 6], 3, 2);
        Npy.Write(files.PathOf("X.npy"), x.ReadOnlySpan);
        Npy.Write<double>(files.PathOf("y.npy"), [0.0, 1, 0]);

        using var data = DataLoader.ReadNpy<float>(files.PathOf("X.npy"), files.PathOf("y.npy"), conversion: NpyConversion.AllowPrecisionChange);

        Assert.Equal((3, 2), (data.Features.Rows, data.Features.Columns));
        Assert.Equal((3, 1), (data.Targets.Rows, data.Targets.Columns));
        Assert.Equal([1f, 2, 3, 4, 5, 6], data.Features.ToArray());
        Assert.Equal([0f, 1, 0], data.Targets.ToArray());
        Assert.Equal(["x1", "x2"], data.FeatureNames);
    }

    [Fact]
    public void Features_in_rows_are_transposed()
    {
        // 2 features × 3 samples, as the tutorials store X.
        var x = NpyArray.FromMatrix(new ReadOnlyMatrixSpan<double>([1, 2, 3, 4, 5, 6], 2, 3));
        var y = NpyArray.FromMatrix(new ReadOnlyMatrixSpan<double>([7, 8, 9], 1, 3));

        using var data = DataLoader.FromArrays<double>(x, y, DataLayout.FeaturesInRows);

        Assert.Equal([1.0, 4, 2, 5, 3, 6], data.Features.ToArray());
        Assert.Equal([7.0, 8, 9], data.Targets.ToArray());
    }

    [Fact]
    public void Sample_count_mismatch_names_both_files()
    {
        using var files = new TestFiles();
        Npy.Write<float>(files.PathOf("X.npy"), [1f, 2f, 3f]);
        Npy.Write<float>(files.PathOf("y.npy"), [1f, 2f]);

        var error = Assert.Throws<NpyFormatException>(() => DataLoader.ReadNpy<float>(files.PathOf("X.npy"), files.PathOf("y.npy")));

        Assert.Contains("y.npy: Y has 2 samples but X (", error.Message, StringComparison.Ordinal);
        Assert.Contains("X.npy) has 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Npz_members_X_and_Y_load_and_a_missing_one_is_named()
    {
        using var files = new TestFiles();
        var path = files.PathOf("data.npz");
        Npz.Write(path, new NpzArchive { { "X", NpyArray.FromSpan<double>([1, 2]) }, { "Y", NpyArray.FromSpan<double>([3, 4]) } });

        using var data = DataLoader.ReadNpz<double>(path);
        var error = Assert.Throws<NpyFormatException>(() => DataLoader.ReadNpz<double>(path, "inputs"));

        Assert.Equal([1.0, 2], data.Features.ToArray());
        Assert.Equal([3.0, 4], data.Targets.ToArray());
        Assert.Contains("member 'inputs' not found; members are: X, Y", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float64_data_into_float_needs_the_explicit_conversion()
    {
        var x = NpyArray.FromSpan<double>([1, 2]);

        var error = Assert.Throws<NpyFormatException>(() => DataLoader.FromArrays<float>(x, null));

        Assert.Contains("AllowPrecisionChange", error.Message, StringComparison.Ordinal);
    }
}
