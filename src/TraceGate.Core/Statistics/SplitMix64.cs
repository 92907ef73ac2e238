namespace TraceGate.Core.Statistics;

/// <summary>
/// Steele, Lea and Flood's SplitMix64 (2014): a small generator whose sequence is fixed by its seed on every
/// platform and .NET version, so a seeded bootstrap gives the same interval on every run and every runner.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, n), by Lemire's multiply-shift (the bias is below 2⁻³² for any n we use).</summary>
    public int NextInt(int n) => (int)((Next() >> 32) * (ulong)(uint)n >> 32);

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A stable 64-bit seed from text (FNV-1a), so each rule and statistic has its own reproducible stream.</summary>
    public static ulong SeedOf(string text)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (char c in text)
        {
            h = (h ^ c) * 0x100000001b3UL;
        }

        return h;
    }
}
