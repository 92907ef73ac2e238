namespace TraceGate.Core.TestResults;

/// <summary>
/// Where a report's reader hands each case: kept when the read's filter accepts it (the cases a repro reference can
/// match), and counted either way. Retries are merged afterwards over the kept cases, so the count is of distinct
/// tests (class, name, file), as the merge counts them: a 64-bit hash of each, 8 bytes and not the case.
/// </summary>
internal sealed class CaseSink(Func<TestCaseResult, bool>? keep)
{
    private readonly HashSet<ulong> _seen = [];

    public List<TestCaseResult> Kept { get; } = [];

    /// <summary>Distinct tests seen (only counted when a filter is given; without one every case is kept).</summary>
    public long Distinct => _seen.Count;

    public void Add(TestCaseResult c)
    {
        if (keep is null)
        {
            Kept.Add(c);
            return;
        }

        _seen.Add(Key(c));
        if (keep(c))
        {
            Kept.Add(c);
        }
    }

    public void AddRange(IEnumerable<TestCaseResult> cases)
    {
        foreach (var c in cases)
        {
            Add(c);
        }
    }

    /// <summary>FNV-1a over the retry key (<see cref="Retries"/>): class name, name and file, with separators.</summary>
    private static ulong Key(TestCaseResult c)
    {
        ulong h = 14695981039346656037UL;
        h = Mix(h, c.ClassName);
        h = Mix(h, c.Name);
        return c.File is null ? (h ^ 0x1FUL) * 1099511628211UL : Mix(Mix(h, "\u001e"), c.File);
    }

    private static ulong Mix(ulong h, string s)
    {
        foreach (char ch in s)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        return (h ^ 0xFFFFUL) * 1099511628211UL;
    }
}
