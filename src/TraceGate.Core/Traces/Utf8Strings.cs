using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace TraceGate.Core.Traces;

/// <summary>
/// Interns the strings that repeat on every span (span names, attribute keys, event names, service names), keyed
/// by their UTF-8 bytes, so the hot path allocates a string once per distinct value instead of once per span.
/// Bounded: past <see cref="MaxEntries"/> distinct values it stops caching and allocates.
/// </summary>
public sealed class Utf8Strings
{
    private const int MaxEntries = 16_384;
    private const int MaxCachedLength = 256;
    private readonly Dictionary<int, List<(byte[] Bytes, string Text)>> _buckets = [];
    private int _count;

    /// <summary>The string for these bytes, or null when they are not valid UTF-8. Validation happens once per
    /// distinct value: a cached entry's bytes were valid when it was added.</summary>
    public string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0)
        {
            return "";
        }

        if (utf8.Length > MaxCachedLength)
        {
            return IsValid(utf8) ? Decode(utf8) : null;
        }

        int hash = Hash(utf8);
        if (_buckets.TryGetValue(hash, out var bucket))
        {
            foreach (var (bytes, text) in bucket)
            {
                if (utf8.SequenceEqual(bytes))
                {
                    return text;
                }
            }
        }

        if (!IsValid(utf8))
        {
            return null;
        }

        var s = Decode(utf8);
        if (_count < MaxEntries)
        {
            if (bucket is null)
            {
                bucket = [];
                _buckets[hash] = bucket;
            }

            bucket.Add((utf8.ToArray(), s));
            _count++;
        }

        return s;
    }

    public static string Decode(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    public static bool IsValid(ReadOnlySpan<byte> utf8) => Utf8.IsValid(utf8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> s)
    {
        // FNV-1a: short keys, called per attribute; good enough spread for a bucketed table.
        uint h = 2166136261;
        foreach (byte b in s)
        {
            h = (h ^ b) * 16777619;
        }

        return (int)h;
    }
}
