using TraceGate.Core.Model;

namespace TraceGate.Core.Traces;

/// <summary>
/// Keeps the spans of a few chosen traces (their names, times and events) for the before/after picture of a proof.
/// Bounded: at most <see cref="MaxSpans"/> spans per trace, so a huge trace costs a fixed amount.
/// </summary>
public sealed class TimelineSink(IEnumerable<TraceId> traces) : ISpanSink
{
    public const int MaxSpans = 24;
    public const int MaxEvents = 12;

    private readonly Dictionary<TraceId, List<(ulong Span, string Name, ulong Start, ulong End, List<SpanEvent> Events)>> _spans =
        traces.Distinct().ToDictionary(t => t, _ => new List<(ulong, string, ulong, ulong, List<SpanEvent>)>());

    public void OnSpan(SpanData span)
    {
        if (_spans.TryGetValue(span.TraceId, out var list) && list.Count < MaxSpans)
        {
            list.Add((span.SpanId, span.Name, span.StartUnixNano, span.EndUnixNano, span.Events.Take(MaxEvents).ToList()));
        }
    }

    /// <summary>The trace's spans in start order, times in microseconds from its first start.</summary>
    public IReadOnlyList<TimelineSpan> Timeline(TraceId trace)
    {
        if (!_spans.TryGetValue(trace, out var list) || list.Count == 0)
        {
            return [];
        }

        ulong t0 = list.Min(s => s.Start);
        double Micros(ulong t) => t >= t0 ? (t - t0) / 1000.0 : 0;
        string id = trace.ToString();
        return list.OrderBy(s => s.Start).ThenBy(s => s.Span)
            .Select(s => new TimelineSpan(id, SpanData.SpanIdText(s.Span), s.Name, Micros(s.Start), Math.Max(Micros(s.Start), Micros(s.End)),
                s.Events.OrderBy(e => e.TimeUnixNano).Select(e => new TimelineEvent(e.Name, Micros(e.TimeUnixNano))).ToList()))
            .ToList();
    }
}
