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

    /// <summary>A direct-mapped cache in front of the buckets: the same few names and keys come span after span, so
    /// most lookups end in one compare.</summary>
    private readonly (byte[]? Bytes, string? Text)[] _recent = new (byte[]?, string?)[RecentSlots];
    private const int RecentSlots = 1024;
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
        ref var recent = ref _recent[hash & (RecentSlots - 1)];
        if (recent.Bytes is { } seen && utf8.SequenceEqual(seen))
        {
            return recent.Text;
        }

        if (_buckets.TryGetValue(hash, out var bucket))
        {
            foreach (var (bytes, text) in bucket)
            {
                if (utf8.SequenceEqual(bytes))
                {
                    recent = (bytes, text);
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

            var copy = utf8.ToArray();
            bucket.Add((copy, s));
            recent = (copy, s);
            _count++;
        }

        return s;
    }

    public static string Decode(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    public static bool IsValid(ReadOnlySpan<byte> utf8) => Utf8.IsValid(utf8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> s)
    {
        // Called for every name and key: two 8-byte reads and a multiply for 8 bytes or more, FNV-1a below.
        if (s.Length >= 8)
        {
            ulong head = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(s);
            ulong tail = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(s[^8..]);
            ulong mixed = ((head * 0x9E3779B97F4A7C15UL) ^ tail ^ (ulong)s.Length) * 0xBF58476D1CE4E5B9UL;
            return (int)(mixed >> 32);
        }

        uint h = 2166136261;
        foreach (byte b in s)
        {
            h = (h ^ b) * 16777619;
        }

        return (int)h;
    }
}
