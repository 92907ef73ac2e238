using TraceGate.Core.Model;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>What one rule saw in one run: the selected spans' durations and the spans that broke it.</summary>
public sealed class RuleRun
{
    public const int MaxOffenders = 10;

    public RuleRun(TraceRule rule)
    {
        Rule = rule;
        Checks = new RuleChecks(rule);
        _timing = AssertionKinds.All.Any(k => k.NeedsDurations(rule));
        _kindCounts = new long[Checks.Kinds.Length];
        _scratch = new ulong[(Checks.Failures + 63) >> 6];
        for (int f = 0; f < Checks.Failures && f < 64; f++)
        {
            _varying |= Checks.Varies[f] ? 1UL << f : 0;
        }
    }

    public TraceRule Rule { get; }

    public long Selected { get; private set; }

    public long FailedSpans { get; private set; }

    public List<long> Durations { get; } = [];

    public List<Offender> Offenders { get; } = [];

    /// <summary>The rule's span checks, the ways they can fail and the kinds of problem they find.</summary>
    public RuleChecks Checks { get; }

    /// <summary>How many problems of each kind the selected spans had, kinds in the order first seen.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> ProblemCounts => [.. _kindOrder.Select(k => KeyValuePair.Create(Checks.Kinds[k], _kindCounts[k]))];

    /// <summary>Per kind of <see cref="Checks"/>, how many problems; and the kinds in the order first found.</summary>
    private readonly long[] _kindCounts;
    private readonly List<int> _kindOrder = [];

    /// <summary>The slowest selected spans, the offenders of a timing budget.</summary>
    public List<(long Duration, Offender Span)> Slowest { get; } = [];

    /// <summary>Durations are kept (8 bytes per selected span) only for rules with a timing budget (a kind that
    /// <see cref="AssertionKind.NeedsDurations"/>): that is the only memory that grows with the input.</summary>
    private readonly bool _timing;

    /// <summary>Distinct problems counted; the rest are counted together, so memory stays bounded.</summary>
    public const int MaxGroups = 20;

    /// <summary>Examples kept per group.</summary>
    public const int GroupExamples = 3;

    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private long _otherGroups;

    /// <summary>
    /// Per combination of failures whose texts do not vary (<see cref="SpanFailure.Varies"/>), as the bits of a rule
    /// of at most 64 failures: its text and group. Such a text is the same for every span, so it is written once,
    /// not per span (2,351 rules over 10,000 spans wrote 23 million). Bounded; past it texts are written each time.
    /// </summary>
    private readonly Dictionary<ulong, Problem> _fixed = [];
    private const int MaxFixed = 256;
    private readonly ulong _varying;
    private Problem? _last;

    /// <summary>Where <see cref="Checks"/> records a failing span's bits while writing its texts.</summary>
    private readonly ulong[] _scratch;
    private readonly List<string> _texts = [];

    /// <summary>The first selected span, for the picture of a side where nothing failed.</summary>
    public (TraceId Trace, ulong Span)? FirstSelected { get; private set; }

    /// <summary>The spans that broke the rule, grouped by their exact problem, most frequent first.</summary>
    public IReadOnlyList<OffenderGroup> Groups()
    {
        var groups = _groups.Select(g => new OffenderGroup(g.Key, g.Value.Spans, g.Value.Examples)).OrderByDescending(g => g.Spans).ToList();
        if (_otherGroups > 0)
        {
            groups.Add(new OffenderGroup($"other problems (more than {MaxGroups} kinds)", _otherGroups, []));
        }

        return groups;
    }

    /// <summary>
    /// Counts one selected span. Its failures are the bits of <paramref name="failures"/> from
    /// <paramref name="offset"/> (numbered as <see cref="Checks"/> numbers them; none: it keeps the rule), judged on
    /// <paramref name="span"/>, which is read again only to write a text this run keeps (an offender, a group's
    /// example, the group of a text that varies): the same evaluation, so the same text.
    /// </summary>
    public void Add(TraceId trace, ulong spanId, string name, long duration, ReadOnlySpan<ulong> failures, int offset, SpanData? span)
    {
        Count(trace, spanId, name, duration);
        if (span is not null && Any(failures, offset, Checks.Failures))
        {
            AddFailed(trace, spanId, name, failures, offset, span, null);
        }
    }

    /// <summary>Counts one selected span of a structural rule, whose <see cref="Problems"/> were taken when it was read.</summary>
    public void Add(TraceId trace, ulong spanId, string name, long duration, SpanProblems? problems)
    {
        Count(trace, spanId, name, duration);
        if (problems is not null)
        {
            AddFailed(trace, spanId, name, problems.Failures, 0, null, problems.Text);
        }
    }

    /// <summary>A failing span's failures and text under this rule, for a structural rule's candidate that waits for
    /// the tree; null when the span keeps the rule.</summary>
    public SpanProblems? Problems(ReadOnlySpan<ulong> failures, int offset, SpanData span)
    {
        int count = Checks.Failures;
        if (!Any(failures, offset, count))
        {
            return null;
        }

        var bits = new ulong[(count + 63) >> 6];
        for (int f = 0; f < count; f++)
        {
            if (Has(failures, offset + f))
            {
                bits[f >> 6] |= 1UL << (f & 63);
            }
        }

        // Only looked up: the group is the run's business once the span is known to be selected.
        string text = FixedBits(bits, 0, out ulong key) && _fixed.TryGetValue(key, out var known) ? known.Text : Text(span);
        return new SpanProblems(bits, text);
    }

    private void Count(TraceId trace, ulong spanId, string name, long duration)
    {
        Selected++;
        FirstSelected ??= (trace, spanId);
        if (_timing)
        {
            Durations.Add(duration);
            KeepSlowest(trace, spanId, name, duration);
        }
    }

    /// <summary>One failing span: counts its kinds, finds its group, and keeps it as an offender or an example.
    /// Its text is written (from <paramref name="span"/>, or given as <paramref name="text"/>) only when needed.</summary>
    private void AddFailed(TraceId trace, ulong spanId, string name, ReadOnlySpan<ulong> failures, int offset, SpanData? span, string? text)
    {
        FailedSpans++;
        int count = Checks.Failures;
        for (int f = 0; f < count; f++)
        {
            if (Has(failures, offset + f) && _kindCounts[Checks.KindOf[f]]++ == 0)
            {
                _kindOrder.Add(Checks.KindOf[f]);
            }
        }

        // Keep the first offenders, and the first of every kind, so a rare problem is not hidden by a common one.
        bool newKind = false;
        for (int f = 0; f < count && !newKind; f++)
        {
            newKind = Has(failures, offset + f) && _kindCounts[Checks.KindOf[f]] == 1;
        }

        var problem = ProblemOf(failures, offset, span, text);
        bool offender = Offenders.Count < MaxOffenders || (newKind && Offenders.Count < MaxOffenders * 2);
        bool example = problem.Group is { } g && g.Examples.Count < GroupExamples;
        if (offender || example)
        {
            var kept = new Offender(trace.ToString(), SpanData.SpanIdText(spanId), name, problem.Text);
            if (offender)
            {
                Offenders.Add(kept);
            }

            if (example)
            {
                problem.Group!.Examples.Add(kept);
            }
        }

        if (problem.Group is { } group)
        {
            group.Spans++;
        }
        else
        {
            _otherGroups++;
        }
    }

    /// <summary>
    /// The text and group of a failing span. Failures whose texts do not vary are looked up by their bits, so their
    /// text is written once, when first met; a text that varies is the group's key, so it is written for every such
    /// span (and kept only when the span is kept).
    /// </summary>
    private Problem ProblemOf(ReadOnlySpan<ulong> failures, int offset, SpanData? span, string? text)
    {
        bool fixedText = FixedBits(failures, offset, out ulong bits);
        if (fixedText && _last is { } last && last.Bits == bits)
        {
            return last;
        }

        if (fixedText && _fixed.TryGetValue(bits, out var known))
        {
            return _last = known;
        }

        text ??= Text(span!);
        var problem = new Problem(text, GroupOf(text), bits);
        if (fixedText && _fixed.Count < MaxFixed)
        {
            _fixed[bits] = problem;
            _last = problem;
        }

        return problem;
    }

    /// <summary>The failures as one word, when the rule has at most 64 and none of those set has a text that varies.</summary>
    private bool FixedBits(ReadOnlySpan<ulong> failures, int offset, out ulong bits)
    {
        int count = Checks.Failures;
        bits = count <= 64 ? Bits(failures, offset, count) : 0;
        return count <= 64 && (bits & _varying) == 0;
    }

    /// <summary>The group of a problem text: an existing one, a new one while there are fewer than
    /// <see cref="MaxGroups"/>, else none (counted among the other problems).</summary>
    private Group? GroupOf(string text)
    {
        if (_groups.TryGetValue(text, out var group))
        {
            return group;
        }

        if (_groups.Count == MaxGroups)
        {
            return null;
        }

        group = new Group();
        _groups[text] = group;
        return group;
    }

    /// <summary>A failing span's text: its problems' texts in order, from the same evaluation that judged it.</summary>
    private string Text(SpanData span)
    {
        _texts.Clear();
        Checks.Evaluate(span, _scratch, 0, _texts);
        Array.Clear(_scratch);
        return string.Join("; ", _texts);
    }

    private static bool Has(ReadOnlySpan<ulong> bits, int bit) => (bits[bit >> 6] & (1UL << (bit & 63))) != 0;

    private static bool Any(ReadOnlySpan<ulong> bits, int offset, int count)
    {
        for (int f = 0; f < count; f++)
        {
            if (Has(bits, offset + f))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Bits <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/> - 1 (at most 64).</summary>
    private static ulong Bits(ReadOnlySpan<ulong> bits, int offset, int count)
    {
        int word = offset >> 6, shift = offset & 63;
        ulong value = bits[word] >> shift;
        if (shift != 0 && shift + count > 64)
        {
            value |= bits[word + 1] << (64 - shift);
        }

        return count == 64 ? value : value & ((1UL << count) - 1);
    }

    private sealed class Group
    {
        public long Spans { get; set; }

        public List<Offender> Examples { get; } = [];
    }

    /// <summary>A problem's text, its group (null: counted among the other problems) and, for fixed texts, its bits.</summary>
    private sealed record Problem(string Text, Group? Group, ulong Bits);

    private void KeepSlowest(TraceId trace, ulong spanId, string name, long duration)
    {
        const int keep = 5;
        if (Slowest.Count == keep && duration <= Slowest[^1].Duration)
        {
            return;
        }

        var entry = (duration, new Offender(trace.ToString(), SpanData.SpanIdText(spanId), name, "took " + Quantities.FormatNanos(duration)));
        int at = Slowest.FindIndex(s => s.Duration < duration);
        Slowest.Insert(at < 0 ? Slowest.Count : at, entry);
        if (Slowest.Count > keep)
        {
            Slowest.RemoveAt(keep);
        }
    }

    /// <summary>Nearest-rank statistics of the selected spans' durations, in nanoseconds.</summary>
    public Dictionary<string, double> Statistics()
    {
        var stats = new Dictionary<string, double>(StringComparer.Ordinal) { ["count"] = Selected };
        if (Durations.Count == 0)
        {
            return stats;
        }

        var sorted = Durations.ToArray();
        Array.Sort(sorted);
        stats["min"] = sorted[0];
        stats["max"] = sorted[^1];
        stats["avg"] = sorted.Average();
        foreach (int p in new[] { 50, 90, 95, 99 })
        {
            int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
            stats["p" + p] = sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
        }

        return stats;
    }
}

/// <summary>A failing span's failures under one rule (bit f: failure f of its <see cref="RuleChecks"/>) and its
/// problems' text, kept while a structural rule's candidate waits for the tree.</summary>
public sealed record SpanProblems(ulong[] Failures, string Text);
