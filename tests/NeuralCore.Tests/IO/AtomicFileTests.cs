using NeuralCore.IO;

namespace NeuralCore.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public void Failing_write_leaves_the_old_file_byte_identical_and_no_temporary_file()
    {
        using var files = new TestFiles();
        var path = files.PathOf("out.csv");
        byte[] original = [1, 2, 3, 4, 5];
        File.WriteAllBytes(path, original);

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("disk on fire");
        }));

        Assert.Equal("disk on fire", error.Message);
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Equal(["out.csv"], files.FileNames());
    }

    [Fact]
    public void Failing_write_to_a_new_path_creates_nothing()
    {
        using var files = new TestFiles();

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(files.PathOf("new.npz"), _ => throw new InvalidOperationException()));

        Assert.Empty(files.FileNames());
    }

    [Fact]
    public void Failing_move_cleans_up_the_temporary_file()
    {
        using var files = new TestFiles();
        var target = files.PathOf("taken");
        Directory.CreateDirectory(target);

        // A folder at the destination makes the final rename fail after the content was written.
        Assert.ThrowsAny<IOException>(() => Npy.Write(target, NpyArray.FromSpan<float>([1f])));

        Assert.Empty(files.FileNames());
    }

    [Fact]
    public void Successful_write_replaces_the_file_and_creates_missing_folders()
    {
        using var files = new TestFiles();
        var path = files.PathOf("out.txt");
        File.WriteAllText(path, "old content that is longer");
        var nested = Path.Combine(files.Directory, "a", "b", "plot.svg");

        AtomicFile.WriteAllText(path, "new");
        AtomicFile.WriteAllBytes(nested, [42]);

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([42], File.ReadAllBytes(nested));
        Assert.Equal(["out.txt"], files.FileNames());
    }

    [Fact]
    public void Failing_npz_write_keeps_the_previous_model()
    {
        using var files = new TestFiles();
        var path = files.PathOf("model.npz");
        Npz.Write(path, new NpzArchive { { "W1", NpyArray.FromSpan<float>([1f, 2f]) } });
        var before = File.ReadAllBytes(path);

        // Writing the archive to the stream works; the caller's later step fails inside the same atomic write.
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            Npz.Write(stream, new NpzArchive { { "W1", NpyArray.FromSpan<float>([9f]) } });
            throw new InvalidOperationException("interrupted");
        }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([1f, 2f], Npz.Read(path)["W1"].ToArray<float>());
        Assert.Equal(["model.npz"], files.FileNames());
    }
}
