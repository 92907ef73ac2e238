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

    public void Add(TraceId trace, ulong spanId, string name, long duration, List<SpanProblem>? problems)
    {
        Selected++;
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
            if (Offenders.Count < MaxOffenders || (newKind && Offenders.Count < MaxOffenders * 2))
            {
                Offenders.Add(new Offender(trace.ToString(), SpanData.SpanIdText(spanId), name, string.Join("; ", problems.Select(p => p.Text))));
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
