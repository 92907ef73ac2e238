using System.Globalization;
using System.Text.Json;
using TraceGate.Core.Traces;

namespace TraceGate.Core.TraceFormats;

/// <summary>The Jaeger JSON documents TraceGate reads (the query service's UI model, jaeger-ui's
/// <c>model/json</c>).</summary>
public enum JaegerShape
{
    /// <summary><c>/api/traces</c> and <c>/api/traces/{id}</c> answers, and the UI's download: <c>{"data":[trace…]}</c>.</summary>
    Answer,

    /// <summary>One trace object: <c>{"traceID", "spans", "processes"}</c>.</summary>
    Trace,

    /// <summary>An array of spans, each with its <c>process</c> inline (the Elasticsearch span documents, the anonymizer).</summary>
    SpanArray,

    /// <summary>One span object.</summary>
    Span,
}

/// <summary>
/// Reads Jaeger JSON into spans, mapping as the OpenTelemetry Collector's Jaeger translator does (the reverse of
/// the specification's OpenTelemetry-to-Jaeger rules): microsecond <c>startTime</c>/<c>duration</c>; the first
/// CHILD_OF reference in the same trace is the parent, else the first FOLLOWS_FROM (Jaeger's
/// <c>Span.ParentSpanID</c>), and the other references are links (the span model's <c>Links</c>); typed tags
/// are attributes of their type, with <c>span.kind</c>, <c>error</c>, <c>otel.status_code</c> and the scope tags
/// taken out; logs are events named by their <c>event</c> field; <c>process.serviceName</c> and the process tags are
/// the resource.
/// </summary>
public sealed class JaegerJsonReader(ReadOptions options, ISpanSink sink)
{
    private readonly SpanData _span = new();
    private readonly List<KeyValuePair<string, AttrValue>> _tags = [];
    private readonly List<KeyValuePair<string, AttrValue>> _fields = [];
    private readonly List<(string Type, TraceId Trace, ulong Span)> _refs = [];
    private readonly ResourceData _noProcess = new();
    private JsonText _t = null!;

    public long Spans { get; private set; }

    /// <summary>The traces an answer held (0 for span arrays and single spans).</summary>
    public int Traces { get; private set; }

    public void Read(JsonText text, JaegerShape shape)
    {
        _t = text;
        var r = text.Reader();
        text.Next(ref r, "a JSON value");
        switch (shape)
        {
            case JaegerShape.Answer:
                ReadAnswer(ref r);
                break;
            case JaegerShape.Trace:
                ReadTrace(ref r);
                break;
            case JaegerShape.SpanArray:
                int a = text.StartArray(ref r, "the span array");
                while (text.NextElement(ref r, a))
                {
                    ReadSpan(ref r, null);
                }

                break;
            default:
                ReadSpan(ref r, null);
                break;
        }

        if (text.Read(ref r))
        {
            throw text.Error(ref r, "more than one JSON value: a Jaeger file holds one document");
        }
    }

    private void ReadAnswer(ref Utf8JsonReader r)
    {
        var errors = new List<string>();
        int depth = _t.BeginObject(ref r, "a Jaeger answer object");
        while (_t.NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("data"u8))
            {
                int a = _t.BeginArray(ref r, "data");
                while (_t.NextElement(ref r, a))
                {
                    ReadTrace(ref r);
                }
            }
            else if (r.ValueTextEquals("errors"u8))
            {
                int a = _t.BeginArray(ref r, "errors");
                while (_t.NextElement(ref r, a))
                {
                    errors.Add(ReadError(ref r));
                }
            }
            else
            {
                _t.Skip(ref r);
            }
        }

        if (errors.Count > 0 && Spans == 0)
        {
            throw _t.Error(0, $"the Jaeger answer holds no trace but errors: {string.Join("; ", errors.Take(5))}");
        }
    }

    private string ReadError(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            _t.Skip(ref r);
            return "(an error that is not an object)";
        }

        string code = "", msg = "";
        int depth = r.CurrentDepth;
        while (_t.NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("code"u8))
            {
                _t.Next(ref r, "code");
                code = r.TokenType == JsonTokenType.Number && r.TryGetInt64(out long c) ? c.ToString(CultureInfo.InvariantCulture) : "";
            }
            else if (r.ValueTextEquals("msg"u8))
            {
                _t.Next(ref r, "msg");
                msg = r.TokenType == JsonTokenType.String ? _t.CurrentString(ref r, "msg") : "";
            }
            else
            {
                _t.Skip(ref r);
            }
        }

        return (code + " " + (msg.Length > 200 ? msg[..200] + "…" : msg)).Trim();
    }

    private void ReadTrace(ref Utf8JsonReader r)
    {
        // The UI model writes "spans" before the "processes" they name: keep a copy of the reader at the spans,
        // read the processes, then come back.
        Utf8JsonReader spansAt = default;
        bool haveSpans = false;
        var processes = new Dictionary<string, ResourceData>(StringComparer.Ordinal);
        int depth = _t.BeginObject(ref r, "a Jaeger trace object");
        while (_t.NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("spans"u8))
            {
                spansAt = r;
                haveSpans = true;
                _t.Skip(ref r);
            }
            else if (r.ValueTextEquals("processes"u8))
            {
                _t.Next(ref r, "processes");
                if (r.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                int pd = _t.BeginObject(ref r, "processes (an object of process id to process)");
                while (_t.NextProperty(ref r, pd))
                {
                    string id = _t.CurrentString(ref r, "a process id");
                    _t.Next(ref r, "a process");
                    processes[id] = ReadProcess(ref r);
                }
            }
            else
            {
                _t.Skip(ref r);
            }
        }

        Traces++;
        if (haveSpans)
        {
            int a = _t.BeginArray(ref spansAt, "spans");
            while (_t.NextElement(ref spansAt, a))
            {
                ReadSpan(ref spansAt, processes);
            }
        }
    }

    private ResourceData ReadProcess(ref Utf8JsonReader r)
    {
        var resource = new ResourceData();
        string? service = null;
        var tags = new List<KeyValuePair<string, AttrValue>>();
        int depth = _t.BeginObject(ref r, "a process object");
        while (_t.NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("serviceName"u8))
            {
                service = _t.String(ref r, "serviceName");
            }
            else if (r.ValueTextEquals("tags"u8))
            {
                ReadTags(ref r, tags, "process.tags");
            }
            else
            {
                _t.Skip(ref r);
            }
        }

        // jProcessToInternalResource: the placeholder name the Collector writes for "no service" is no resource.
        if (service == "OTLPResourceNoServiceName")
        {
            return resource;
        }

        if (!string.IsNullOrEmpty(service))
        {
            resource.Attributes.Add(new("service.name", AttrValue.Of(service)));
            resource.ServiceName = service;
        }

        foreach (var tag in tags)
        {
            resource.Attributes.Add(tag.Key switch
            {
                // translateHostnameAttr and translateJaegerVersionAttr.
                "hostname" when TagTranslation.IndexOf(tags, "host.name") < 0 => new("host.name", tag.Value),
                "jaeger.version" when TagTranslation.IndexOf(tags, "opencensus.exporterversion") < 0 =>
                    new("opencensus.exporterversion", AttrValue.Of("Jaeger-" + tag.Value)),
                _ => tag,
            });
        }

        return resource;
    }

    private void ReadSpan(ref Utf8JsonReader r, Dictionary<string, ResourceData>? processes)
    {
        var s = _span;
        s.Reset();
        _tags.Clear();
        _refs.Clear();
        long at = r.TokenStartIndex;
        s.Offset = at + _t.Origin;
        bool haveTrace = false, haveSpan = false;
        ulong startMicros = 0, durationMicros = 0, parentField = 0;
        string? processId = null;
        ResourceData? inline = null;
        int depth = _t.BeginObject(ref r, "a Jaeger span object");
        while (_t.NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("traceID"u8))
            {
                s.TraceId = TraceIdValue(ref r, "traceID");
                haveTrace = true;
            }
            else if (r.ValueTextEquals("spanID"u8))
            {
                s.SpanId = SpanIdValue(ref r, "spanID");
                haveSpan = true;
            }
            else if (r.ValueTextEquals("parentSpanID"u8))
            {
                parentField = SpanIdValue(ref r, "parentSpanID");
            }
            else if (r.ValueTextEquals("operationName"u8))
            {
                s.Name = _t.String(ref r, "operationName") ?? "";
            }
            else if (r.ValueTextEquals("references"u8))
            {
                ReadReferences(ref r);
            }
            else if (r.ValueTextEquals("startTime"u8))
            {
                startMicros = _t.UInt64(ref r, "startTime");
            }
            else if (r.ValueTextEquals("duration"u8))
            {
                durationMicros = _t.UInt64(ref r, "duration");
            }
            else if (r.ValueTextEquals("tags"u8))
            {
                ReadTags(ref r, _tags, "tags");
            }
            else if (r.ValueTextEquals("logs"u8))
            {
                ReadLogs(ref r);
            }
            else if (r.ValueTextEquals("processID"u8))
            {
                processId = _t.String(ref r, "processID");
            }
            else if (r.ValueTextEquals("process"u8))
            {
                _t.Next(ref r, "process");
                inline = r.TokenType == JsonTokenType.Null ? null : ReadProcess(ref r);
            }
            else
            {
                _t.Skip(ref r);
            }
        }

        if (!haveTrace || !haveSpan)
        {
            throw _t.Error(at, "a Jaeger span needs a traceID and a spanID");
        }

        if (startMicros > ulong.MaxValue / 1000 || durationMicros > (ulong.MaxValue / 1000) - startMicros)
        {
            throw _t.Error(at, "startTime or duration is too large (they are microseconds)");
        }

        s.StartUnixNano = startMicros * 1000;
        s.EndUnixNano = (startMicros + durationMicros) * 1000;
        int parent = Parent(s.TraceId);
        s.ParentSpanId = parent >= 0 ? _refs[parent].Span : parentField;
        for (int i = 0; i < _refs.Count; i++)
        {
            if (i != parent)
            {
                s.Links.Add(new SpanLink(_refs[i].Trace, _refs[i].Span));
            }
        }

        s.Resource = inline ?? (processId is null ? _noProcess
            : processes is not null && processes.TryGetValue(processId, out var p) ? p
            : throw _t.Error(at, $"processID '{Clip(processId)}' is not among the trace's processes"));

        int kind = TagTranslation.IndexOf(_tags, "span.kind");
        if (kind >= 0)
        {
            s.Kind = TagTranslation.Kind(_tags[kind].Value.Text);
            _tags.RemoveAt(kind);
        }

        s.Status = TagTranslation.JaegerStatus(_tags, s.Kind);
        TagTranslation.RemoveCarriers(_tags);
        foreach (var tag in _tags)
        {
            if (options.Wants(tag.Key))
            {
                s.Attributes.Add(tag);
            }
        }

        Spans++;
        sink.OnSpan(s);
    }

    /// <summary>Jaeger's Span.ParentSpanID: the first CHILD_OF in the same trace, else the first FOLLOWS_FROM; the
    /// index of that reference, or -1.</summary>
    private int Parent(TraceId trace)
    {
        int follows = -1;
        for (int i = 0; i < _refs.Count; i++)
        {
            var (type, t, _) = _refs[i];
            if (t != trace)
            {
                continue;
            }

            if (type == "CHILD_OF")
            {
                return i;
            }

            if (follows < 0 && type == "FOLLOWS_FROM")
            {
                follows = i;
            }
        }

        return follows;
    }

    private void ReadReferences(ref Utf8JsonReader r)
    {
        int a = _t.BeginArray(ref r, "references");
        while (_t.NextElement(ref r, a))
        {
            string type = "";
            TraceId trace = default;
            ulong span = 0;
            int depth = _t.BeginObject(ref r, "a reference object");
            while (_t.NextProperty(ref r, depth))
            {
                if (r.ValueTextEquals("refType"u8))
                {
                    type = _t.String(ref r, "refType") ?? "";
                    if (type is not ("CHILD_OF" or "FOLLOWS_FROM"))
                    {
                        throw _t.Error(ref r, "refType must be CHILD_OF or FOLLOWS_FROM");
                    }
                }
                else if (r.ValueTextEquals("traceID"u8))
                {
                    trace = TraceIdValue(ref r, "references.traceID");
                }
                else if (r.ValueTextEquals("spanID"u8))
                {
                    span = SpanIdValue(ref r, "references.spanID");
                }
                else
                {
                    _t.Skip(ref r);
                }
            }

            _refs.Add((type, trace, span));
        }
    }

    private void ReadLogs(ref Utf8JsonReader r)
    {
        int a = _t.BeginArray(ref r, "logs");
        while (_t.NextElement(ref r, a))
        {
            ulong micros = 0;
            _fields.Clear();
            int depth = _t.BeginObject(ref r, "a log object");
            while (_t.NextProperty(ref r, depth))
            {
                if (r.ValueTextEquals("timestamp"u8))
                {
                    micros = _t.UInt64(ref r, "logs.timestamp");
                }
                else if (r.ValueTextEquals("fields"u8))
                {
                    ReadTags(ref r, _fields, "logs.fields");
                }
                else
                {
                    _t.Skip(ref r);
                }
            }

            if (micros > ulong.MaxValue / 1000)
            {
                throw _t.Error(ref r, "logs.timestamp is too large (it is microseconds)");
            }

            // jLogsToSpanEvents: the "event" field names the event; the other fields are its attributes.
            string name = "";
            int e = TagTranslation.IndexOf(_fields, "event");
            if (e >= 0)
            {
                name = _fields[e].Value.ToString();
                _fields.RemoveAt(e);
            }

            _span.Events.Add(new SpanEvent(name, micros * 1000));
            if (options.AllStringValues)
            {
                foreach (var f in _fields)
                {
                    if (f.Value.Type == AttrType.String)
                    {
                        _span.EventStrings.Add(new(f.Key, f.Value.Text!));
                    }
                }
            }
        }
    }

    /// <summary>Typed key-values: <c>{"key", "type", "value"}</c> with type string, bool, int64, float64 or binary.
    /// The value may come before the type, so a copy of the reader waits at it.</summary>
    private void ReadTags(ref Utf8JsonReader r, List<KeyValuePair<string, AttrValue>> into, string what)
    {
        int a = _t.BeginArray(ref r, what);
        while (_t.NextElement(ref r, a))
        {
            string? key = null, type = null;
            Utf8JsonReader value = default;
            bool haveValue = false;
            int depth = _t.BeginObject(ref r, $"a {what} object");
            while (_t.NextProperty(ref r, depth))
            {
                if (r.ValueTextEquals("key"u8))
                {
                    key = _t.String(ref r, "key");
                }
                else if (r.ValueTextEquals("type"u8))
                {
                    type = _t.String(ref r, "type");
                }
                else if (r.ValueTextEquals("value"u8))
                {
                    _t.Next(ref r, "value");
                    value = r;
                    haveValue = true;
                    if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        _t.Skip(ref r);
                    }
                }
                else
                {
                    _t.Skip(ref r);
                }
            }

            if (key is null)
            {
                throw _t.Error(ref r, $"a {what} entry has no key");
            }

            into.Add(new(key, haveValue ? Value(ref value, key, type) : AttrValue.Of("")));
        }
    }

    private AttrValue Value(ref Utf8JsonReader v, string key, string? type)
    {
        var token = v.TokenType;
        switch (type?.ToLowerInvariant())
        {
            case "string" when token == JsonTokenType.String:
                return AttrValue.Of(_t.CurrentString(ref v, key));
            case "string" when token is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                return AttrValue.Of(System.Text.Encoding.UTF8.GetString(v.ValueSpan));
            case "bool" when token is JsonTokenType.True or JsonTokenType.False:
                return AttrValue.Of(token == JsonTokenType.True);
            // The anonymizer's fixtures quote booleans: "value": "true".
            case "bool" when token == JsonTokenType.String && _t.CurrentString(ref v, key) is "true" or "false":
                return AttrValue.Of(_t.CurrentString(ref v, key) == "true");
            case "int64" when token == JsonTokenType.Number && v.TryGetInt64(out long i):
                return AttrValue.Of(i);
            // Int64 values beyond 2^53 are written as strings so JavaScript keeps them exact.
            case "int64" when token == JsonTokenType.String && long.TryParse(_t.CurrentString(ref v, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long si):
                return AttrValue.Of(si);
            case "float64" when token == JsonTokenType.Number && v.TryGetDouble(out double d):
                return AttrValue.Of(d);
            case "float64" when token == JsonTokenType.String && double.TryParse(_t.CurrentString(ref v, key), NumberStyles.Float, CultureInfo.InvariantCulture, out double sd):
                return AttrValue.Of(sd);
            case "binary" when token == JsonTokenType.String:
                return new AttrValue(AttrType.Bytes, _t.CurrentString(ref v, key), 0, 0, false);
            case null when token == JsonTokenType.String:
                return AttrValue.Of(_t.CurrentString(ref v, key));
            case null when token is JsonTokenType.True or JsonTokenType.False:
                return AttrValue.Of(token == JsonTokenType.True);
            case null when token == JsonTokenType.Number:
                return v.TryGetInt64(out long ni) ? AttrValue.Of(ni) : AttrValue.Of(v.GetDouble());
            case "string" or "bool" or "int64" or "float64" or "binary" or null:
                throw _t.Error(ref v, $"tag '{Clip(key)}': the value is {JsonText.Describe(token)}, which is not a {type ?? "tag value"}");
            default:
                throw _t.Error(ref v, $"tag '{Clip(key)}': type '{Clip(type)}' is not one of string, bool, int64, float64, binary");
        }
    }

    private TraceId TraceIdValue(ref Utf8JsonReader r, string what)
    {
        _t.Next(ref r, what);
        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || !Ids.TryHexTraceId(r.ValueSpan, out var id))
        {
            throw _t.Error(ref r, $"{what} must be up to 32 hex digits");
        }

        return id;
    }

    private ulong SpanIdValue(ref Utf8JsonReader r, string what)
    {
        _t.Next(ref r, what);
        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || !Ids.TryHexSpanId(r.ValueSpan, out ulong id))
        {
            throw _t.Error(ref r, $"{what} must be up to 16 hex digits");
        }

        return id;
    }

    private static string Clip(string? s) => s is null ? "" : s.Length > 60 ? s[..60] + "…" : s;
}
