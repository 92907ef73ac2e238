using TraceGate.Core.Traces;

namespace TraceGate.Core.TraceFormats;

/// <summary>
/// What the OpenTelemetry Collector's Jaeger and Zipkin translators (pkg/translator/jaeger jaegerproto_to_traces.go,
/// pkg/translator/zipkin/zipkinv2 to_translator.go) take out of the tags: the span kind, the status and the
/// scope, which OTLP carries as fields. The reverse of the specification's "OpenTelemetry to Jaeger/Zipkin
/// Transformation" (sdk_exporters/jaeger.md, zipkin.md), so a span read from Jaeger or Zipkin looks as it did in OTLP.
/// </summary>
internal static class TagTranslation
{
    public static int IndexOf(List<KeyValuePair<string, AttrValue>> tags, string key)
    {
        for (int i = 0; i < tags.Count; i++)
        {
            if (tags[i].Key == key)
            {
                return i;
            }
        }

        return -1;
    }

    public static SpanKind Kind(string? value) => value switch
    {
        "client" or "CLIENT" => SpanKind.Client,
        "server" or "SERVER" => SpanKind.Server,
        "producer" or "PRODUCER" => SpanKind.Producer,
        "consumer" or "CONSUMER" => SpanKind.Consumer,
        "internal" or "INTERNAL" => SpanKind.Internal,
        _ => SpanKind.Unspecified,
    };

    /// <summary>otel.status_code as the exporters write it: "OK"/"ERROR" (the specification) or the enum names.</summary>
    public static StatusCode? StatusName(string? value) => value?.ToUpperInvariant() switch
    {
        "OK" or "STATUS_CODE_OK" => StatusCode.Ok,
        "ERROR" or "STATUS_CODE_ERROR" => StatusCode.Error,
        "UNSET" or "STATUS_CODE_UNSET" => StatusCode.Unset,
        _ => null,
    };

    /// <summary>Removes the tags that carried OTLP fields the span model does not keep (the scope and the trace
    /// state), as the Collector's translators do.</summary>
    public static void RemoveCarriers(List<KeyValuePair<string, AttrValue>> tags)
    {
        tags.RemoveAll(t => t.Key is "otel.scope.name" or "otel.scope.version" or "otel.library.name" or "otel.library.version"
            or "w3c.tracestate" or "otel.status_description");
    }

    /// <summary>Jaeger's status rules (jaegerproto_to_traces.go setInternalSpanStatus): a boolean error=true is the
    /// ultimate truth; then otel.status_code; then, failing both, the HTTP status code (4xx is an error for a client,
    /// not for a server; 5xx and codes outside 100..399 are errors).</summary>
    public static StatusCode JaegerStatus(List<KeyValuePair<string, AttrValue>> tags, SpanKind kind)
    {
        StatusCode? status = null;
        int e = IndexOf(tags, "error");
        if (e >= 0 && tags[e].Value.Type == AttrType.Bool && tags[e].Value.Bool)
        {
            status = StatusCode.Error;
            tags.RemoveAt(e);
        }

        int c = IndexOf(tags, "otel.status_code");
        if (c >= 0)
        {
            status ??= StatusName(tags[c].Value.ToString()) ?? StatusCode.Unset;
            tags.RemoveAt(c);
        }
        else if (status is null && IndexOf(tags, "http.status_code") is int h and >= 0 && HttpCode(tags[h].Value) is long code)
        {
            status = code is >= 100 and < 400 ? StatusCode.Unset
                : code is >= 400 and < 500 && kind == SpanKind.Server ? StatusCode.Unset
                : StatusCode.Error;
        }

        return status ?? StatusCode.Unset;
    }

    /// <summary>Zipkin's status rules (zipkinv2 to_translator.go populateSpanStatus): otel.status_code, then any
    /// "error" tag (Zipkin's own convention: the tag's presence marks a failed span; its value is the message,
    /// kept as an attribute unless it is just "true").</summary>
    public static StatusCode ZipkinStatus(List<KeyValuePair<string, AttrValue>> tags)
    {
        var status = StatusCode.Unset;
        int c = IndexOf(tags, "otel.status_code");
        if (c >= 0)
        {
            status = StatusName(tags[c].Value.Text) ?? StatusCode.Unset;
            tags.RemoveAt(c);
        }

        int e = IndexOf(tags, "error");
        if (e >= 0)
        {
            status = StatusCode.Error;
            if (tags[e].Value.Text == "true")
            {
                tags.RemoveAt(e);
            }
        }

        return status;
    }

    private static long? HttpCode(AttrValue v) => v.Type switch
    {
        AttrType.Int => v.Int,
        AttrType.String when long.TryParse(v.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) => n,
        _ => null,
    };
}
