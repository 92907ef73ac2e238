using System.Text.Json;
using Google.Protobuf;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>One trace of a backend's answer, as OTLP JSON to commit with the repository.</summary>
public sealed record ExportedTrace(string Json, long Spans, TraceFileInfo Source, long OtherSpans)
{
    /// <summary>True when the OTLP was taken over as the backend wrote it (api_v3, Tempo), with every field kept;
    /// false when it was rebuilt from TraceGate's span model (Jaeger's UI model: no event attributes).</summary>
    public bool Verbatim { get; init; }
}

/// <summary>
/// Turns a trace backend's answer into OTLP JSON (hex ids, 64-bit integers as strings, as the OTLP file exporter
/// writes): Jaeger's api_v3 and Tempo's answers are OTLP already and keep every field; Jaeger's UI model (and any
/// other format the readers know) is rebuilt from the spans as TraceGate reads them. Only the asked trace's spans
/// are kept. Pure: bytes in, text out.
/// </summary>
public static class OtlpExport
{
    public static ExportedTrace Convert(string display, byte[] answer, TraceId traceId)
    {
        var sink = new Collect(traceId);
        var info = TraceFileReader.Read(display, new MemoryStream(answer, writable: false), new ReadOptions { AttributeKeys = null, AllStringValues = true }, sink);
        ExportTraceServiceRequest? request = null;
        if (info.Format is TraceFormat.JaegerApiV3 or TraceFormat.TempoJson or TraceFormat.TempoV2Json)
        {
            try
            {
                using var doc = JsonDocument.Parse(answer, new JsonDocumentOptions { MaxDepth = 64 });
                var root = doc.RootElement;
                request = info.Format switch
                {
                    TraceFormat.JaegerApiV3 => OtlpJsonCodec.Parse(root.GetProperty("result")),
                    TraceFormat.TempoV2Json => OtlpJsonCodec.Parse(root.GetProperty("trace"), tempo: true),
                    _ => OtlpJsonCodec.Parse(root, tempo: true),
                };
            }
            catch (JsonException)
            {
                // api_v3's gateway may stream several objects one after another: rebuilt from the spans below.
                request = null;
            }
        }

        bool verbatim = request is not null;
        request = request is null ? FromSpans(sink.Spans) : Keep(request, traceId);
        long spans = request.ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => (long)s.Spans.Count));
        using var text = new MemoryStream();
        using (var w = new Utf8JsonWriter(text, new JsonWriterOptions { Indented = true }))
        {
            OtlpJsonCodec.Write(w, request);
        }

        return new ExportedTrace(System.Text.Encoding.UTF8.GetString(text.ToArray()) + "\n", spans, info, sink.Other) { Verbatim = verbatim };
    }

    private static ExportTraceServiceRequest Keep(ExportTraceServiceRequest request, TraceId traceId)
    {
        var id = ByteString.CopyFrom(IdBytes(traceId));
        foreach (var rs in request.ResourceSpans)
        {
            foreach (var ss in rs.ScopeSpans)
            {
                var keep = ss.Spans.Where(s => s.TraceId.Equals(id)).ToList();
                ss.Spans.Clear();
                ss.Spans.AddRange(keep);
            }

            var scopes = rs.ScopeSpans.Where(s => s.Spans.Count > 0).ToList();
            rs.ScopeSpans.Clear();
            rs.ScopeSpans.AddRange(scopes);
        }

        var resources = request.ResourceSpans.Where(r => r.ScopeSpans.Count > 0).ToList();
        request.ResourceSpans.Clear();
        request.ResourceSpans.AddRange(resources);
        return request;
    }

    private static ExportTraceServiceRequest FromSpans(List<SpanData> spans)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var group in spans.GroupBy(s => s.Resource, ReferenceEqualityComparer.Instance))
        {
            var resource = new Resource();
            resource.Attributes.AddRange(((ResourceData)group.Key!).Attributes.Select(a => KeyValue(a.Key, a.Value)));
            var scope = new ScopeSpans { Scope = new InstrumentationScope() };
            foreach (var s in group)
            {
                var span = new Span
                {
                    TraceId = ByteString.CopyFrom(IdBytes(s.TraceId)),
                    SpanId = ByteString.CopyFrom(SpanIdBytes(s.SpanId)),
                    ParentSpanId = s.ParentSpanId == 0 ? ByteString.Empty : ByteString.CopyFrom(SpanIdBytes(s.ParentSpanId)),
                    Name = s.Name,
                    Kind = (Span.Types.SpanKind)(int)s.Kind,
                    StartTimeUnixNano = s.StartUnixNano,
                    EndTimeUnixNano = s.EndUnixNano,
                    Status = new Status { Code = (Status.Types.StatusCode)(int)s.Status },
                };
                span.Attributes.AddRange(s.Attributes.Select(a => KeyValue(a.Key, a.Value)));
                span.Events.AddRange(s.Events.Select(e => new Span.Types.Event { Name = e.Name, TimeUnixNano = e.TimeUnixNano }));
                scope.Spans.Add(span);
            }

            request.ResourceSpans.Add(new ResourceSpans { Resource = resource, ScopeSpans = { scope } });
        }

        return request;
    }

    private static KeyValue KeyValue(string key, AttrValue v) => new()
    {
        Key = key,
        Value = v.Type switch
        {
            AttrType.Bool => new AnyValue { BoolValue = v.Bool },
            AttrType.Int => new AnyValue { IntValue = v.Int },
            AttrType.Double => new AnyValue { DoubleValue = v.Double },
            _ => new AnyValue { StringValue = v.ToString() },
        },
    };

    private static byte[] IdBytes(TraceId id)
    {
        var b = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, id.Hi);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(8), id.Lo);
        return b;
    }

    private static byte[] SpanIdBytes(ulong id)
    {
        var b = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, id);
        return b;
    }

    private sealed class Collect(TraceId traceId) : ISpanSink
    {
        public List<SpanData> Spans { get; } = [];

        public long Other { get; private set; }

        public void OnSpan(SpanData span)
        {
            if (span.TraceId != traceId)
            {
                Other++;
                return;
            }

            var copy = new SpanData();
            span.CopyTo(copy);
            Spans.Add(copy);
        }
    }
}
