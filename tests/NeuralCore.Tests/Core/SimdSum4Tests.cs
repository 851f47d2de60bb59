using System.Numerics;
using System.Runtime.Intrinsics;
using NeuralCore.Internals.Simd;

namespace NeuralCore.Tests.Core;

/// <summary>
/// <see cref="ISimd{T, TVector}.Sum4"/> (the dW tile's batched lane sums) against its definition: the lane sums of
/// four registers, accumulated in double, into exactly four adjacent elements, on every width (the rerun of the
/// Kernels category with all intrinsics off takes the fallback used where SSE3 is missing).
/// </summary>
[Trait("Category", "Kernels")]
public sealed class SimdSum4Tests
{
    [Fact]
    public void Sum4_EqualsTheLaneSums_OnEveryWidth()
    {
        Check<float>();
        Check<double>();
    }

    private static void Check<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Every width, accelerated or not: Sum4 is built from portable Vector operations plus SSE3 when present, so
        // the run with all intrinsics off takes the portable fallback of the last step.
        Check<T, Vector512<T>, Simd512<T>>();
        Check<T, Vector256<T>, Simd256<T>>();
        Check<T, Vector128<T>, Simd128<T>>();
        Check<T, T, SimdScalar<T>>();
    }

    private static void Check<T, TVector, TSimd>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TSimd : struct, ISimd<T, TVector>
    {
        var random = new Random(TSimd.Count);
        for (var trial = 0; trial < 50; trial++)
        {
            // Mixed magnitudes, so a wrongly paired lane or register changes the result far beyond rounding.
            var lanes = new T[4 * TSimd.Count];
            for (var i = 0; i < lanes.Length; i++)
            {
                lanes[i] = T.CreateTruncating((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4)));
            }

            var registers = new TVector[4];
            for (var r = 0; r < 4; r++)
            {
                registers[r] = TSimd.Load(ref lanes[r * TSimd.Count]);
            }

            var destination = new T[6];
            destination[4] = T.CreateTruncating(12345);
            destination[5] = T.CreateTruncating(-6789);
            TSimd.Sum4(registers[0], registers[1], registers[2], registers[3], ref destination[0]);
            for (var r = 0; r < 4; r++)
            {
                double exact = 0, magnitude = 0;
                for (var l = 0; l < TSimd.Count; l++)
                {
                    exact += double.CreateTruncating(lanes[(r * TSimd.Count) + l]);
                    magnitude += Math.Abs(double.CreateTruncating(lanes[(r * TSimd.Count) + l]));
                }

                // Any summation order of Count terms is within Count·ε·Σ|x| of the exact sum.
                var bound = TSimd.Count * Epsilon<T>() * magnitude;
                var actual = double.CreateTruncating(destination[r]);
                Assert.True(Math.Abs(actual - exact) <= bound, $"{typeof(TSimd).Name} register {r}: {actual} vs {exact} (bound {bound})");
            }

            Assert.Equal(T.CreateTruncating(12345), destination[4]);
            Assert.Equal(T.CreateTruncating(-6789), destination[5]);
        }
    }

    private static double Epsilon<T>() => typeof(T) == typeof(float) ? MathF.BitIncrement(1f) - 1f : Math.BitIncrement(1d) - 1d;
}
