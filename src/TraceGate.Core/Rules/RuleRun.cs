using TraceGate.Core.Model;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>What one rule saw in one run: the selected spans' durations and the spans that broke it.</summary>
public sealed class RuleRun(TraceRule rule)
{
    public const int MaxOffenders = 10;

    public TraceRule Rule { get; } = rule;

    public long Selected { get; private set; }

    public long FailedSpans { get; private set; }

    public List<long> Durations { get; } = [];

    public List<Offender> Offenders { get; } = [];

    /// <summary>How many selected spans had each kind of problem, in the order first seen.</summary>
    public Dictionary<string, long> ProblemCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>The slowest selected spans, the offenders of a timing budget.</summary>
    public List<(long Duration, Offender Span)> Slowest { get; } = [];

    /// <summary>Durations are kept (8 bytes per selected span) only for rules with a timing budget (a kind that
    /// <see cref="AssertionKind.NeedsDurations"/>): that is the only memory that grows with the input.</summary>
    private readonly bool _timing = AssertionKinds.All.Any(k => k.NeedsDurations(rule));

    /// <summary>Distinct problems counted; the rest are counted together, so memory stays bounded.</summary>
    public const int MaxGroups = 20;

    /// <summary>Examples kept per group.</summary>
    public const int GroupExamples = 3;

    private readonly Dictionary<string, (long Spans, List<Offender> Examples)> _groups = new(StringComparer.Ordinal);
    private long _otherGroups;

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

    public void Add(TraceId trace, ulong spanId, string name, long duration, List<SpanProblem>? problems)
    {
        Selected++;
        FirstSelected ??= (trace, spanId);
        if (_timing)
        {
            Durations.Add(duration);
        }
        if (problems is not null)
        {
            FailedSpans++;
            foreach (var p in problems)
            {
                ProblemCounts[p.Kind] = ProblemCounts.GetValueOrDefault(p.Kind) + 1;
            }

            // Keep the first offenders, and the first of every kind, so a rare problem is not hidden by a common one.
            bool newKind = problems.Any(p => ProblemCounts[p.Kind] == 1);
            string text = string.Join("; ", problems.Select(p => p.Text));
            if (Offenders.Count < MaxOffenders || (newKind && Offenders.Count < MaxOffenders * 2))
            {
                Offenders.Add(new Offender(trace.ToString(), SpanData.SpanIdText(spanId), name, text));
            }

            if (_groups.TryGetValue(text, out var group))
            {
                if (group.Examples.Count < GroupExamples)
                {
                    group.Examples.Add(new Offender(trace.ToString(), SpanData.SpanIdText(spanId), name, text));
                }

                _groups[text] = (group.Spans + 1, group.Examples);
            }
            else if (_groups.Count < MaxGroups)
            {
                _groups[text] = (1, [new Offender(trace.ToString(), SpanData.SpanIdText(spanId), name, text)]);
            }
            else
            {
                _otherGroups++;
            }
        }

        if (_timing)
        {
            KeepSlowest(trace, spanId, name, duration);
        }
    }

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
