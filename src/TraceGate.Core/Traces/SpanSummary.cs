namespace TraceGate.Core.Traces;

/// <summary>Per span name: count, errors, durations, and which attributes and event sequences the spans carry.
/// Feeds <c>tracegate traces summarize</c> and <c>tracegate init</c>.</summary>
public sealed class SpanSummary : ISpanSink
{
    public const int MaxNames = 1000;

    public SortedDictionary<(string Service, string Name), NameStats> Names { get; } = [];

    public long Spans { get; private set; }

    public long Dropped { get; private set; }

    public void OnSpan(SpanData span)
    {
        Spans++;
        var key = (span.Resource.ServiceName ?? "", span.Name);
        if (!Names.TryGetValue(key, out var stats))
        {
            if (Names.Count >= MaxNames)
            {
                Dropped++;
                return;
            }

            stats = new NameStats { Kind = span.Kind };
            Names[key] = stats;
        }

        stats.Durations.Add(span.DurationNanos);
        if (span.Status == StatusCode.Error)
        {
            stats.Errors++;
        }

        foreach (var kv in span.Attributes)
        {
            stats.Attributes[kv.Key] = stats.Attributes.GetValueOrDefault(kv.Key) + 1;
        }

        var events = string.Join("\u0001", span.Events.OrderBy(e => e.TimeUnixNano).Select(e => e.Name));
        stats.EventSequences[events] = stats.EventSequences.GetValueOrDefault(events) + 1;
    }

    public sealed class NameStats
    {
        public SpanKind Kind { get; init; }

        public List<long> Durations { get; } = [];

        public long Errors { get; set; }

        public SortedDictionary<string, long> Attributes { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> EventSequences { get; } = new(StringComparer.Ordinal);

        public long Count => Durations.Count;

        public double Percentile(int p)
        {
            var sorted = Durations.ToArray();
            Array.Sort(sorted);
            int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
            return sorted.Length == 0 ? 0 : sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
        }

        /// <summary>The event names, when every span of the name recorded the same sequence.</summary>
        public IReadOnlyList<string>? CommonEvents =>
            EventSequences.Count == 1 && EventSequences.Keys.First() is { Length: > 0 } seq ? seq.Split('\u0001') : null;
    }
}
