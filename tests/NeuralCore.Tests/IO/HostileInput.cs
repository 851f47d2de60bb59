using System.Diagnostics;

namespace NeuralCore.Tests.IO;

/// <summary>The rule every parser keeps on mutated or lying bytes, in one place for the npy and ONNX mutation tests.</summary>
internal static class HostileInput
{
    /// <summary>
    /// Runs <paramref name="parse"/> and returns true when it succeeded. It may instead throw <typeparamref name="TException"/>
    /// with a message that starts with <paramref name="source"/>; any other exception, more than
    /// <paramref name="maxAllocatedBytes"/> allocated on this thread, or more than two seconds fails the test.
    /// </summary>
    public static bool ParsesOrFailsCleanly<TException>(Action parse, string source, string what, long maxAllocatedBytes)
        where TException : Exception
    {
        var watch = Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var parsed = false;
        try
        {
            parse();
            parsed = true;
        }
        catch (TException error)
        {
            Assert.StartsWith($"{source}: ", error.Message, StringComparison.Ordinal);
        }
        catch (Exception error)
        {
            Assert.Fail($"{what}: {error.GetType().Name} instead of {typeof(TException).Name}: {error.Message}");
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < maxAllocatedBytes, $"{what}: {allocated} bytes allocated");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{what}: took {watch.Elapsed}");
        return parsed;
    }
}
