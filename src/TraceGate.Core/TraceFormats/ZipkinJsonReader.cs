using System.Globalization;
using System.Text.Json;
using TraceGate.Core.Traces;

namespace TraceGate.Core.TraceFormats;

/// <summary>The Zipkin v2 JSON documents TraceGate reads (zipkin-api's zipkin2-api.yaml).</summary>
public enum ZipkinShape
{
    /// <summary><c>POST /api/v2/spans</c> bodies and <c>GET /api/v2/trace/{id}</c> answers: <c>[span…]</c>.</summary>
    SpanArray,

    /// <summary><c>GET /api/v2/traces</c> answers: <c>[[span…]…]</c>.</summary>
    TraceArray,

    /// <summary>One span object.</summary>
    Span,
}

/// <summary>
/// Reads Zipkin v2 JSON into spans, mapping as the OpenTelemetry Collector's Zipkin translator does
/// (zipkinv2/to_translator.go, the reverse of the specification's OpenTelemetry-to-Zipkin rules): 64-bit ids
/// left-padded to 32 hex digits; microsecond <c>timestamp</c>/<c>duration</c>; <c>kind</c>; tags as string attributes
/// (Zipkin has no other type) with <c>otel.status_code</c> and <c>error</c> read as the status;
/// <c>localEndpoint.serviceName</c> as the resource's service.name; the remote endpoint as peer.service,
/// net.peer.ip, net.peer.port and the local one as net.host.ip, net.host.port; annotations as events.
/// A <c>shared</c> server span (the server half of a span id the client started, B3 style) is handed over before
/// the other spans of the document, so that the children of that id are the server's, as in Zipkin's own tree.
/// </summary>
public sealed class ZipkinJsonReader(ReadOptions options, ISpanSink sink)
{
    /// <summary>The attribute the Collector sets when a span has no timestamp (zipkin.StartTimeAbsent).</summary>
    public const string StartTimeAbsent = "otel.zipkin.absentField.startTime";

    private readonly SpanData _span = new();
    private readonly List<KeyValuePair<string, AttrValue>> _tags = [];
    private readonly Dictionary<string, ResourceData> _resources = new(StringComparer.Ordinal);
    private readonly ResourceData _noService = new();
    private JsonText _t = null!;

    public long Spans { get; private set; }

    public void Read(JsonText text, ZipkinShape shape)
    {
        _t = text;
        // Two passes over the document: shared server spans first, then the rest (see the class comment).
        foreach (bool sharedPass in new[] { true, false })
        {
            var r = text.Reader();
            text.Next(ref r, "a JSON value");
            if (shape == ZipkinShape.Span)
            {
                ReadSpan(ref r, sharedPass);
            }
            else
            {
                int a = text.StartArray(ref r, shape == ZipkinShape.TraceArray ? "the trace array" : "the span array");
                while (text.NextElement(ref r, a))
                {
                    if (shape == ZipkinShape.SpanArray)
                    {
                        ReadSpan(ref r, sharedPass);
                        continue;
                    }

                    int t = text.StartArray(ref r, "a trace (an array of spans)");
                    while (text.NextElement(ref r, t))
                    {
                        ReadSpan(ref r, sharedPass);
                    }
                }
            }

            if (text.Read(ref r))
            {
                throw text.Error(ref r, "more than one JSON value: a Zipkin file holds one document");
            }
        }
    }

    private void ReadSpan(ref Utf8JsonReader r, bool sharedPass)
    {
        var s = _span;
        s.Reset();
        _tags.Clear();
        long at = r.TokenStartIndex;
        s.Offset = at + _t.Origin;
        bool haveTrace = false, haveId = false, shared = false, haveTimestamp = false;
        ulong parent = 0, micros = 0, durationMicros = 0;
        string? kind = null, service = null, remoteService = null;
        (string? Ip4, string? Ip6, long Port) local = default, remote = default;
        int depth = _t.BeginObject(ref r, "a Zipkin span object");
        while (_t.NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("traceId"u8))
            {
                _t.Next(ref r, "traceId");
                if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || !Ids.TryHexTraceId(r.ValueSpan, out var id))
                {
                    throw _t.Error(ref r, "traceId must be 16 or 32 hex digits");
                }

                s.TraceId = id;
                haveTrace = true;
            }
            else if (r.ValueTextEquals("id"u8))
            {
                s.SpanId = SpanId(ref r, "id");
                haveId = true;
            }
            else if (r.ValueTextEquals("parentId"u8))
            {
                parent = SpanId(ref r, "parentId");
            }
            else if (r.ValueTextEquals("name"u8))
            {
                s.Name = _t.String(ref r, "name") ?? "";
            }
            else if (r.ValueTextEquals("kind"u8))
            {
                kind = _t.String(ref r, "kind");
                if (kind is not (null or "CLIENT" or "SERVER" or "PRODUCER" or "CONSUMER"))
                {
                    throw _t.Error(ref r, "kind must be CLIENT, SERVER, PRODUCER or CONSUMER");
                }
            }
            else if (r.ValueTextEquals("timestamp"u8))
            {
                micros = _t.UInt64(ref r, "timestamp");
                haveTimestamp = true;
            }
            else if (r.ValueTextEquals("duration"u8))
            {
                durationMicros = _t.UInt64(ref r, "duration");
            }
            else if (r.ValueTextEquals("shared"u8))
            {
                _t.Next(ref r, "shared");
                shared = r.TokenType == JsonTokenType.True;
            }
            else if (r.ValueTextEquals("localEndpoint"u8))
            {
                local = Endpoint(ref r, "localEndpoint", out service);
            }
            else if (r.ValueTextEquals("remoteEndpoint"u8))
            {
                remote = Endpoint(ref r, "remoteEndpoint", out remoteService);
            }
            else if (r.ValueTextEquals("tags"u8))
            {
                _t.Next(ref r, "tags");
                if (r.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                int td = _t.BeginObject(ref r, "tags (an object of string values)");
                while (_t.NextProperty(ref r, td))
                {
                    string key = _t.CurrentString(ref r, "a tag key");
                    _tags.Add(new(key, AttrValue.Of(_t.String(ref r, $"tag '{Clip(key)}'") ?? "")));
                }
            }
            else if (r.ValueTextEquals("annotations"u8))
            {
                ReadAnnotations(ref r);
            }
            else
            {
                _t.Skip(ref r);
            }
        }

        if (!haveTrace || !haveId)
        {
            throw _t.Error(at, "a Zipkin span needs a traceId and an id");
        }

        bool sharedServer = shared && kind == "SERVER";
        if (sharedServer != sharedPass)
        {
            return;
        }

        if (micros > ulong.MaxValue / 1000 || durationMicros > (ulong.MaxValue / 1000) - micros)
        {
            throw _t.Error(at, "timestamp or duration is too large (they are microseconds)");
        }

        s.StartUnixNano = micros * 1000;
        s.EndUnixNano = (micros + durationMicros) * 1000;
        s.ParentSpanId = parent == s.SpanId ? 0 : parent;
        s.Kind = kind is null ? SpanKind.Unspecified : TagTranslation.Kind(kind);
        if (kind is null && TagTranslation.IndexOf(_tags, "span.kind") is int k and >= 0)
        {
            // zipkinKindToSpanKind: Zipkin has no INTERNAL kind; the exporter writes it as a tag.
            s.Kind = _tags[k].Value.Text == "internal" ? SpanKind.Internal : SpanKind.Unspecified;
            _tags.RemoveAt(k);
        }

        s.Status = TagTranslation.ZipkinStatus(_tags);
        TagTranslation.RemoveCarriers(_tags);
        s.Resource = Resource(service);
        foreach (var tag in _tags)
        {
            Add(tag.Key, tag.Value);
        }

        AddEndpoint(local, "net.host.ip", "net.host.port");
        if (!string.IsNullOrEmpty(remoteService))
        {
            Add("peer.service", AttrValue.Of(remoteService));
        }

        AddEndpoint(remote, "net.peer.ip", "net.peer.port");
        if (!haveTimestamp)
        {
            Add(StartTimeAbsent, AttrValue.Of(true));
        }

        Spans++;
        sink.OnSpan(s);
    }

    private void Add(string key, AttrValue value)
    {
        if (options.Wants(key))
        {
            _span.Attributes.Add(new(key, value));
        }
    }

    private void AddEndpoint((string? Ip4, string? Ip6, long Port) e, string ipKey, string portKey)
    {
        // zTagsToInternalAttrs: IPv6 wins over IPv4 when both are given (it is inserted last).
        if ((e.Ip6 ?? e.Ip4) is { } ip)
        {
            Add(ipKey, AttrValue.Of(ip));
        }

        if (e.Port > 0)
        {
            Add(portKey, AttrValue.Of(e.Port));
        }
    }

    private ResourceData Resource(string? service)
    {
        if (string.IsNullOrEmpty(service))
        {
            return _noService;
        }

        if (!_resources.TryGetValue(service, out var resource))
        {
            resource = new ResourceData { ServiceName = service };
            resource.Attributes.Add(new("service.name", AttrValue.Of(service)));
            _resources[service] = resource;
        }

        return resource;
    }

    private (string?, string?, long) Endpoint(ref Utf8JsonReader r, string what, out string? service)
    {
        service = null;
        string? ip4 = null, ip6 = null;
        long port = 0;
        _t.Next(ref r, what);
        if (r.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        int depth = _t.BeginObject(ref r, what + " (an object)");
        while (_t.NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("serviceName"u8))
            {
                service = _t.String(ref r, what + ".serviceName");
            }
            else if (r.ValueTextEquals("ipv4"u8))
            {
                ip4 = _t.String(ref r, what + ".ipv4");
            }
            else if (r.ValueTextEquals("ipv6"u8))
            {
                ip6 = _t.String(ref r, what + ".ipv6");
            }
            else if (r.ValueTextEquals("port"u8))
            {
                _t.Next(ref r, what + ".port");
                if (r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out port) || port is < 0 or > 65535)
                {
                    throw _t.Error(ref r, what + ".port must be a number from 0 to 65535");
                }
            }
            else
            {
                _t.Skip(ref r);
            }
        }

        return (ip4, ip6, port);
    }

    private void ReadAnnotations(ref Utf8JsonReader r)
    {
        int a = _t.BeginArray(ref r, "annotations");
        while (_t.NextElement(ref r, a))
        {
            ulong micros = 0;
            string value = "";
            int depth = _t.BeginObject(ref r, "an annotation object");
            while (_t.NextProperty(ref r, depth))
            {
                if (r.ValueTextEquals("timestamp"u8))
                {
                    micros = _t.UInt64(ref r, "annotations.timestamp");
                }
                else if (r.ValueTextEquals("value"u8))
                {
                    value = _t.String(ref r, "annotations.value") ?? "";
                }
                else
                {
                    _t.Skip(ref r);
                }
            }

            if (micros > ulong.MaxValue / 1000)
            {
                throw _t.Error(ref r, "annotations.timestamp is too large (it is microseconds)");
            }

            _span.Events.Add(new SpanEvent(EventName(value, out string? attributes), micros * 1000));
            if (options.AllStringValues && attributes is not null)
            {
                // Zipkin has no event attributes; the exporter's JSON in the annotation is scanned as one string.
                _span.EventStrings.Add(new("annotation.attributes", attributes));
            }
        }
    }

    /// <summary>populateSpanEvents: the OpenTelemetry exporter writes an event with attributes as
    /// <c>name|{json attributes}|dropped count</c>; the name is the part before the first bar. An annotation of any
    /// other form is its own name.</summary>
    private static string EventName(string value, out string? attributes)
    {
        attributes = null;
        int first = value.IndexOf('|', StringComparison.Ordinal);
        int last = value.LastIndexOf('|');
        if (first < 0 || last == first || value.Length < first + 2 || value[first + 1] != '{'
            || !uint.TryParse(value.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return value;
        }

        attributes = value[(first + 1)..last];
        return value[..first];
    }

    private ulong SpanId(ref Utf8JsonReader r, string what)
    {
        _t.Next(ref r, what);
        if (r.TokenType == JsonTokenType.Null)
        {
            return 0;
        }

        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || !Ids.TryHexSpanId(r.ValueSpan, out ulong id))
        {
            throw _t.Error(ref r, $"{what} must be 16 hex digits");
        }

        return id;
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
