using System.Runtime.Intrinsics;

namespace NeuralCore.Tests.Core;

public class KernelsRegistryTests
{
    [Fact]
    public void Available_StartsWithTheReferenceAndEndsWithTheBestPath()
    {
        Assert.Equal(KernelPath.Reference, Kernels.Available[0]);
        Assert.Contains(KernelPath.Scalar, Kernels.Available);
        Assert.Equal(Kernels.Best, Kernels.Available[^1]);
        Assert.Equal(Vector512.IsHardwareAccelerated, Kernels.Available.Contains(KernelPath.Vector512));
        Assert.Equal(Vector256.IsHardwareAccelerated, Kernels.Available.Contains(KernelPath.Vector256));
    }

    [Theory]
    [InlineData("reference", KernelPath.Reference)]
    [InlineData("scalar", KernelPath.Scalar)]
    [InlineData("V128", KernelPath.Vector128)]
    [InlineData(" v256 ", KernelPath.Vector256)]
    [InlineData("v512", KernelPath.Vector512)]
    public void Names_RoundTrip(string name, KernelPath expected)
    {
        Assert.True(Kernels.TryParse(name, out var path));
        Assert.Equal(expected, path);
        Assert.Equal(name.Trim().ToLowerInvariant(), Kernels.GetName(path));
    }

    [Fact]
    public void Clamp_NeverReturnsAnUnsupportedPath()
    {
        foreach (var path in Enum.GetValues<KernelPath>())
        {
            var clamped = Kernels.Clamp(path);
            Assert.True(Kernels.IsSupported(clamped));
            Assert.True(clamped <= path);
        }
    }

    [Fact]
    public void UnknownName_IsRejected() => Assert.False(Kernels.TryParse("avx9000", out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void EnvironmentValue_Unset_SelectsTheBestPath(string? value) => Assert.Equal(Kernels.Best, Kernels.Resolve(value));

    [Fact]
    public void EnvironmentValue_NamingAPath_SelectsItClampedToThisMachine()
    {
        foreach (var path in Enum.GetValues<KernelPath>())
        {
            Assert.Equal(Kernels.Clamp(path), Kernels.Resolve(Kernels.GetName(path).ToUpperInvariant()));
        }
    }

    [Theory]
    [InlineData("avx9000")]
    [InlineData("Vector256")]
    public void EnvironmentValue_Unknown_ThrowsNamingTheVariableTheValueAndTheValidNames(string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => Kernels.Resolve(value));
        Assert.Equal(Kernels.EnvironmentVariable, ex.ParamName);
        Assert.Contains($"{Kernels.EnvironmentVariable}='{value}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expected one of: reference, scalar, v128, v256, v512.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetName_RejectsAValueOutsideTheEnum() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.GetName((KernelPath)99));

    [Fact]
    public void ComputeOptions_DefaultResolvesToKernelsDefault()
    {
        Assert.Equal(Kernels.Default, default(ComputeOptions).ResolvePath());
        Assert.Equal(KernelPath.Reference, ComputeOptions.For(KernelPath.Reference).ResolvePath());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ComputeOptions(null, 0));
    }
}
