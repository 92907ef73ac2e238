using System.Globalization;
using System.Text;
using TraceGate.Core.Rules;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Rendering;

/// <summary>The table <c>tracegate traces summarize</c> prints: one line per service and span name, every span name
/// and attribute key through <see cref="Untrusted"/>.</summary>
public static class SpanSummaryTable
{
    public static string Render(SpanSummary summary)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{summary.Spans} spans, {summary.Names.Count} span names\n");
        sb.Append("service / span name                       count  errors       p50       p95       max  attributes\n");
        foreach (var ((service, name), s) in summary.Names)
        {
            string label = Untrusted.Line((service.Length > 0 ? service + " / " : "") + name, 40);
            sb.Append(CultureInfo.InvariantCulture, $"{label,-40} {s.Count,7} {s.Errors,7} {Quantities.FormatNanos(s.Percentile(50)),9} {Quantities.FormatNanos(s.Percentile(95)),9} {Quantities.FormatNanos(s.Durations.Max()),9}  ");
            sb.Append(Untrusted.Line(string.Join(", ", s.Attributes.Select(a => a.Value == s.Count ? a.Key : $"{a.Key} ({a.Value})")), 400));
            sb.Append('\n');
            if (s.CommonEvents is { } events)
            {
                sb.Append("    events: ").Append(Untrusted.Line(string.Join(", ", events), 300)).Append('\n');
            }
        }

        if (summary.Dropped > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{summary.Dropped} spans of further names were not summarised (over {SpanSummary.MaxNames} names)\n");
        }

        return sb.ToString();
    }
}
