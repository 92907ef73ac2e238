namespace TraceGate.Core.Otlp;

/// <summary>The OTLP JSON span fields both JSON readers act on.</summary>
internal enum SpanField
{
    Other,
    TraceId,
    SpanId,
    ParentSpanId,
    Name,
    Kind,
    Start,
    End,
    Attributes,
    Events,
    Links,
    Status,
}

/// <summary>Names a span property by its unescaped UTF-8 name, lowerCamelCase or the proto's snake_case. Dispatches on
/// the length first: this runs for every property of every span.</summary>
internal static class OtlpSpanFields
{
    public static SpanField Classify(ReadOnlySpan<byte> n) => n.Length switch
    {
        4 when n.SequenceEqual("name"u8) => SpanField.Name,
        4 when n.SequenceEqual("kind"u8) => SpanField.Kind,
        5 when n.SequenceEqual("links"u8) => SpanField.Links,
        6 when n.SequenceEqual("spanId"u8) => SpanField.SpanId,
        6 when n.SequenceEqual("events"u8) => SpanField.Events,
        6 when n.SequenceEqual("status"u8) => SpanField.Status,
        7 when n.SequenceEqual("traceId"u8) => SpanField.TraceId,
        7 when n.SequenceEqual("span_id"u8) => SpanField.SpanId,
        8 when n.SequenceEqual("trace_id"u8) => SpanField.TraceId,
        10 when n.SequenceEqual("attributes"u8) => SpanField.Attributes,
        12 when n.SequenceEqual("parentSpanId"u8) => SpanField.ParentSpanId,
        14 when n.SequenceEqual("parent_span_id"u8) => SpanField.ParentSpanId,
        15 when n.SequenceEqual("endTimeUnixNano"u8) => SpanField.End,
        17 when n.SequenceEqual("startTimeUnixNano"u8) => SpanField.Start,
        18 when n.SequenceEqual("end_time_unix_nano"u8) => SpanField.End,
        20 when n.SequenceEqual("start_time_unix_nano"u8) => SpanField.Start,
        _ => SpanField.Other,
    };
}
