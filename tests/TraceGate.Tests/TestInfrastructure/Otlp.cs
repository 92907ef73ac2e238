using Google.Protobuf;
using TraceGate.Core.Otlp.Proto;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>Builds small OTLP messages with the generated classes, for unit tests of rules and bad input.</summary>
public static class Otlp
{
    public static readonly byte[] Trace1 = Convert.FromHexString("0af7651916cd43dd8448eb211c80319c");

    public static Span Span(string name, ulong spanId, ulong parent = 0, long startMs = 0, long durationMs = 10, byte[]? traceId = null)
    {
        var s = new Span
        {
            TraceId = ByteString.CopyFrom(traceId ?? Trace1),
            SpanId = ByteString.CopyFrom(Id(spanId)),
            Name = name,
            Kind = TraceGate.Core.Otlp.Proto.Span.Types.SpanKind.Internal,
            StartTimeUnixNano = (ulong)(1_795_168_800_000 + startMs) * 1_000_000,
            EndTimeUnixNano = (ulong)(1_795_168_800_000 + startMs + durationMs) * 1_000_000,
        };
        if (parent != 0)
        {
            s.ParentSpanId = ByteString.CopyFrom(Id(parent));
        }

        return s;
    }

    public static byte[] Id(ulong id)
    {
        var b = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, id);
        return b;
    }

    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static byte[] Request(params Span[] spans) => Request("transfer-svc", spans);

    public static byte[] Request(string service, params Span[] spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        scope.Spans.AddRange(spans);
        var rs = new ResourceSpans { Resource = new Resource() };
        rs.Resource.Attributes.Add(Attr("service.name", service));
        rs.ScopeSpans.Add(scope);
        var req = new ExportTraceServiceRequest();
        req.ResourceSpans.Add(rs);
        return req.ToByteArray();
    }
}
