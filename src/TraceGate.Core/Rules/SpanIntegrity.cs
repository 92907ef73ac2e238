using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>The check every span gets whatever the rules (<c>traces.integrity</c>): ids that are not all zero, and an
/// end that is not before the start.</summary>
public static class SpanIntegrity
{
    /// <summary>What makes the span malformed, or null.</summary>
    public static string? Problem(SpanData span) =>
        span.TraceId.IsZero ? "has an all-zero trace id"
        : span.SpanId == 0 ? "has an all-zero span id"
        : span.EndUnixNano < span.StartUnixNano ? $"ends before it starts (start {span.StartUnixNano}, end {span.EndUnixNano}, at {span.Position})"
        : null;
}
