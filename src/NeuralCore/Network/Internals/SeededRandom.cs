using System.Diagnostics;

namespace NeuralCore.Network.Internals;

/// <summary>
/// A small, fully specified pseudo-random generator: xoshiro256** (Blackman &amp; Vigna, 2018) seeded through
/// SplitMix64, with Gaussian deviates from Marsaglia's polar method.
/// </summary>
/// <remarks>
/// Why not <see cref="Random"/>: its algorithm is an implementation detail that has changed between .NET versions,
/// and parameters must be bit-identical for a given seed on every run. Everything here is integer arithmetic plus
/// IEEE-exact double operations, except one <see cref="Math.Log(double)"/> per Gaussian pair (correctly rounded in
/// practice on the supported runtimes; the only place a different C runtime could differ in the last bit).
/// </remarks>
internal sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    public SeededRandom(ulong seed)
    {
        // SplitMix64 spreads any seed (0 included) over the 256-bit state, as the xoshiro authors recommend.
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The next 64 random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), unbiased (Lemire's multiply-shift with rejection).</summary>
    public int NextInt32(int bound)
    {
        if (bound <= 1)
        {
            return 0;
        }

        var range = (ulong)bound;
        var product = Math.BigMul(NextUInt64(), range, out var low);
        if (low < range)
        {
            var threshold = (0 - range) % range;
            while (low < threshold)
            {
                product = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return (int)product;
    }

    /// <summary>A standard normal deviate N(0, 1) (Marsaglia polar method; the second value of a pair is kept for the next call).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        double u, v, s;
        do
        {
            u = (2.0 * NextDouble()) - 1.0;
            v = (2.0 * NextDouble()) - 1.0;
            s = (u * u) + (v * v);
        }
        while (s >= 1.0 || s == 0.0);

        var factor = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        _hasSpare = true;
        return u * factor;
    }

    /// <summary>The number of values <see cref="CopyStateTo"/> writes.</summary>
    public const int StateLength = 6;

    /// <summary>
    /// Writes the whole state (a checkpoint): the four xoshiro words, the spare Gaussian's bits and whether it is held
    /// (1 or 0); <see cref="SetState"/> with these values continues the sequence exactly.
    /// </summary>
    public void CopyStateTo(Span<ulong> state)
    {
        state[0] = _s0;
        state[1] = _s1;
        state[2] = _s2;
        state[3] = _s3;
        state[4] = BitConverter.DoubleToUInt64Bits(_spareGaussian);
        state[5] = _hasSpare ? 1UL : 0UL;
    }

    /// <summary>Why <paramref name="state"/> cannot come from <see cref="CopyStateTo"/>, or null when it can.</summary>
    public static string? CheckState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != StateLength)
        {
            return $"expected {StateLength} values; got {state.Length}.";
        }

        // xoshiro's all-zero state only ever yields zeros, and SplitMix64 never produces it.
        if ((state[0] | state[1] | state[2] | state[3]) == 0)
        {
            return "the four generator words are all zero, a state no seed produces.";
        }

        if (state[5] > 1 || (state[5] == 1 && !double.IsFinite(BitConverter.UInt64BitsToDouble(state[4]))))
        {
            return $"the spare-Gaussian flag must be 0 or 1 (got {state[5]}) and a held spare finite.";
        }

        return null;
    }

    /// <summary>Restores a state that <see cref="CheckState"/> accepted; the sequence continues exactly.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        Debug.Assert(CheckState(state) is null);
        _s0 = state[0];
        _s1 = state[1];
        _s2 = state[2];
        _s3 = state[3];
        _spareGaussian = BitConverter.UInt64BitsToDouble(state[4]);
        _hasSpare = state[5] == 1;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
