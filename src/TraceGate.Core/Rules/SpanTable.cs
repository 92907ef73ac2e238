namespace TraceGate.Core.Rules;

/// <summary>
/// The spans structural selection has seen, by (trace number, span id), each with one int: 16 bytes an entry in one
/// array (open addressing, linear probing, at most three quarters full), where a <see cref="Dictionary{TKey,TValue}"/>
/// of the same keys takes 36 bytes and doubles into a second array while it grows.
/// </summary>
internal sealed class SpanTable
{
    private Entry[] _entries = new Entry[1024];
    private int _count;

    public int Count => _count;

    /// <summary>Bytes the table holds now.</summary>
    public long Bytes => (long)_entries.Length * 16;

    /// <summary>The value of the key, added as <paramref name="value"/> when it was not there: one probe for both.
    /// The reference is good until the next call.</summary>
    public ref int GetOrAdd(int trace, ulong span, int value, out bool existed)
    {
        if ((_count + 1) * 4L > _entries.Length * 3L)
        {
            Grow();
        }

        int at = Find(_entries, trace, span);
        existed = at >= 0;
        if (!existed)
        {
            at = ~at;
            _entries[at] = new Entry { Span = span, TracePlusOne = trace + 1, Value = value };
            _count++;
        }

        return ref _entries[at].Value;
    }

    /// <summary>The value of a key that is in the table. The reference is good until the next call that adds.</summary>
    public ref int ValueOf(int trace, ulong span) => ref _entries[Find(_entries, trace, span)].Value;

    public void Clear()
    {
        _entries = new Entry[1024];
        _count = 0;
    }

    /// <summary>The key's slot, or the complement of the empty slot where it would go.</summary>
    private static int Find(Entry[] entries, int trace, ulong span)
    {
        int mask = entries.Length - 1;
        int at = Hash(trace, span) & mask;
        while (true)
        {
            ref readonly var e = ref entries[at];
            if (e.TracePlusOne == 0)
            {
                return ~at;
            }

            if (e.Span == span && e.TracePlusOne == trace + 1)
            {
                return at;
            }

            at = (at + 1) & mask;
        }
    }

    /// <summary>SplitMix64's finaliser over both parts: span ids are random in real files, sequential in tests.</summary>
    private static int Hash(int trace, ulong span)
    {
        ulong z = span ^ ((ulong)(uint)trace * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    private void Grow()
    {
        var bigger = new Entry[_entries.Length * 2];
        foreach (var e in _entries)
        {
            if (e.TracePlusOne != 0)
            {
                bigger[~Find(bigger, e.TracePlusOne - 1, e.Span)] = e;
            }
        }

        var dropped = _entries;
        _entries = bigger;
        if (dropped.Length * 16L >= 4 << 20)
        {
            // The old copy is large-object garbage that only a full collection frees, and a long input makes the
            // table double from its smaller copies' space: start a background collection now rather than let the
            // garbage pile up (measured on 600,000 spans: about 10 MiB less peak, no slower).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
        }
    }

    /// <summary>TracePlusOne is 0 in an empty slot.</summary>
    private struct Entry
    {
        public ulong Span;
        public int TracePlusOne;
        public int Value;
    }
}
