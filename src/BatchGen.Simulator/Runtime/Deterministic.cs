namespace BatchGen.Simulator;

/// <summary>
/// Pure, seeded draws: the same (seed, provider, subject, number, purpose) always gives the same value, whatever the
/// thread timing. FNV-1a over the text, finished with the SplitMix64 mixer.
/// </summary>
internal static class Deterministic
{
    public static ulong Hash(int seed, string provider, string subject, long number, string purpose)
    {
        var h = 14695981039346656037UL ^ (ulong)(uint)seed;
        h = Mix(h, provider);
        h = Mix(h, subject);
        h ^= (ulong)number;
        h *= 1099511628211UL;
        h = Mix(h, purpose);
        return Finish(h);
    }

    /// <summary>A value in [0, 1).</summary>
    public static double Unit(int seed, string provider, string subject, long number, string purpose) =>
        (Hash(seed, provider, subject, number, purpose) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Lowercase hex of <paramref name="bytes"/> bytes drawn from the seed (task ids).</summary>
    public static string Hex(int seed, string provider, string subject, long number, int bytes)
    {
        var chars = new char[bytes * 2];
        for (var i = 0; i < bytes; i += 8)
        {
            var value = Hash(seed, provider, subject, number, "id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var j = 0; j < 8 && i + j < bytes; j++)
            {
                var b = (byte)(value >> (8 * j));
                chars[(i + j) * 2] = "0123456789abcdef"[b >> 4];
                chars[((i + j) * 2) + 1] = "0123456789abcdef"[b & 15];
            }
        }

        return new string(chars);
    }

    /// <summary>A UUID (version 4 layout) drawn from the seed.</summary>
    public static string Uuid(int seed, string provider, string subject, long number)
    {
        var hex = Hex(seed, provider, subject, number, 16).ToCharArray();
        hex[12] = '4';
        hex[16] = "89ab"[hex[16] % 4];
        var s = new string(hex);
        return $"{s[..8]}-{s[8..12]}-{s[12..16]}-{s[16..20]}-{s[20..]}";
    }

    private static ulong Mix(ulong h, string text)
    {
        foreach (var c in text)
        {
            h ^= c;
            h *= 1099511628211UL;
        }

        h ^= 0xff;
        return h * 1099511628211UL;
    }

    private static ulong Finish(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
