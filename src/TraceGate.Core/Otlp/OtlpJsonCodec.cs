using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using TraceGate.Core.Otlp.Proto;

namespace TraceGate.Core.Otlp;

/// <summary>
/// OTLP JSON to and from the generated protobuf classes, by hand: OTLP JSON differs from the protobuf JSON mapping
/// (hex ids), and the reflection-based JSON support of Google.Protobuf does not suit Native AOT.
/// </summary>
public static class OtlpJsonCodec
{
    private const int MaxNesting = 32;

    /// <param name="tempo">A Tempo answer: the protobuf JSON mapping's base64 ids are accepted besides hex, and
    /// <c>batches</c> (Tempo before 2.6) for <c>resourceSpans</c>.</param>
    public static ExportTraceServiceRequest Parse(JsonElement root, bool tempo = false)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var rs in tempo ? Array(root, "resourceSpans", "resource_spans", "batches") : Array(root, "resourceSpans", "resource_spans"))
        {
            var resourceSpans = new ResourceSpans { SchemaUrl = Str(rs, "schemaUrl", "schema_url") };
            if (Obj(rs, "resource") is { } res)
            {
                resourceSpans.Resource = new Resource { DroppedAttributesCount = (uint)Num(res, "droppedAttributesCount", "dropped_attributes_count") };
                resourceSpans.Resource.Attributes.AddRange(Attributes(res));
            }

            foreach (var ss in Array(rs, "scopeSpans", "scope_spans").Concat(Array(rs, "instrumentationLibrarySpans", "instrumentation_library_spans")))
            {
                var scopeSpans = new ScopeSpans { SchemaUrl = Str(ss, "schemaUrl", "schema_url") };
                if ((Obj(ss, "scope") ?? Obj(ss, "instrumentationLibrary")) is { } scope)
                {
                    scopeSpans.Scope = new InstrumentationScope { Name = Str(scope, "name"), Version = Str(scope, "version") };
                    scopeSpans.Scope.Attributes.AddRange(Attributes(scope));
                }

                foreach (var s in Array(ss, "spans"))
                {
                    scopeSpans.Spans.Add(ParseSpan(s, tempo));
                }

                resourceSpans.ScopeSpans.Add(scopeSpans);
            }

            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    private static Span ParseSpan(JsonElement s, bool tempo)
    {
        var span = new Span
        {
            TraceId = Hex(Str(s, "traceId", "trace_id"), 16, "traceId", tempo),
            SpanId = Hex(Str(s, "spanId", "span_id"), 8, "spanId", tempo),
            ParentSpanId = Hex(Str(s, "parentSpanId", "parent_span_id"), 8, "parentSpanId", tempo),
            TraceState = Str(s, "traceState", "trace_state"),
            Name = Str(s, "name"),
            Kind = (Span.Types.SpanKind)Enum(s, "kind", "SPAN_KIND_", ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]),
            StartTimeUnixNano = Num(s, "startTimeUnixNano", "start_time_unix_nano"),
            EndTimeUnixNano = Num(s, "endTimeUnixNano", "end_time_unix_nano"),
            DroppedAttributesCount = (uint)Num(s, "droppedAttributesCount", "dropped_attributes_count"),
            DroppedEventsCount = (uint)Num(s, "droppedEventsCount", "dropped_events_count"),
            DroppedLinksCount = (uint)Num(s, "droppedLinksCount", "dropped_links_count"),
            Flags = (uint)Num(s, "flags"),
        };
        span.Attributes.AddRange(Attributes(s));
        foreach (var e in Array(s, "events"))
        {
            var ev = new Span.Types.Event { Name = Str(e, "name"), TimeUnixNano = Num(e, "timeUnixNano", "time_unix_nano") };
            ev.Attributes.AddRange(Attributes(e));
            span.Events.Add(ev);
        }

        foreach (var l in Array(s, "links"))
        {
            var link = new Span.Types.Link { TraceId = Hex(Str(l, "traceId", "trace_id"), 16, "links.traceId", tempo), SpanId = Hex(Str(l, "spanId", "span_id"), 8, "links.spanId", tempo), TraceState = Str(l, "traceState", "trace_state") };
            link.Attributes.AddRange(Attributes(l));
            span.Links.Add(link);
        }

        if (Obj(s, "status") is { } st)
        {
            span.Status = new Status { Message = Str(st, "message"), Code = (Status.Types.StatusCode)Enum(st, "code", "STATUS_CODE_", ["UNSET", "OK", "ERROR"]) };
        }

        return span;
    }

    private static IEnumerable<KeyValue> Attributes(JsonElement e) =>
        Array(e, "attributes").Select(kv => new KeyValue { Key = Str(kv, "key"), Value = Obj(kv, "value") is { } v ? Any(v, 0) : new AnyValue() });

    private static AnyValue Any(JsonElement v, int depth)
    {
        if (depth > MaxNesting)
        {
            throw new FormatException($"attribute values nested deeper than {MaxNesting} levels");
        }

        foreach (var p in v.EnumerateObject())
        {
            switch (p.Name)
            {
                case "stringValue" or "string_value": return new AnyValue { StringValue = p.Value.GetString() ?? "" };
                case "boolValue" or "bool_value": return new AnyValue { BoolValue = p.Value.GetBoolean() };
                case "intValue" or "int_value": return new AnyValue { IntValue = p.Value.ValueKind == JsonValueKind.String ? long.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture) : p.Value.GetInt64() };
                case "doubleValue" or "double_value": return new AnyValue { DoubleValue = p.Value.ValueKind == JsonValueKind.String ? double.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture) : p.Value.GetDouble() };
                case "bytesValue" or "bytes_value": return new AnyValue { BytesValue = ByteString.FromBase64(p.Value.GetString() ?? "") };
                case "arrayValue" or "array_value":
                    var array = new ArrayValue();
                    array.Values.AddRange(Array(p.Value, "values").Select(x => Any(x, depth + 1)));
                    return new AnyValue { ArrayValue = array };
                case "kvlistValue" or "kvlist_value":
                    var list = new KeyValueList();
                    list.Values.AddRange(Array(p.Value, "values").Select(kv => new KeyValue { Key = Str(kv, "key"), Value = Obj(kv, "value") is { } x ? Any(x, depth + 1) : new AnyValue() }));
                    return new AnyValue { KvlistValue = list };
            }
        }

        return new AnyValue();
    }

    /// <summary>One OTLP JSON line for a request (hex ids, 64-bit integers as strings, as the OTLP file exporter).</summary>
    public static void Write(Utf8JsonWriter w, ExportTraceServiceRequest request)
    {
        w.WriteStartObject();
        w.WriteStartArray("resourceSpans");
        foreach (var rs in request.ResourceSpans)
        {
            w.WriteStartObject();
            if (rs.Resource is { } res)
            {
                w.WriteStartObject("resource");
                WriteAttributes(w, res.Attributes);
                w.WriteEndObject();
            }

            w.WriteStartArray("scopeSpans");
            foreach (var ss in rs.ScopeSpans)
            {
                w.WriteStartObject();
                if (ss.Scope is { } scope)
                {
                    w.WriteStartObject("scope");
                    w.WriteString("name", scope.Name);
                    w.WriteString("version", scope.Version);
                    WriteAttributes(w, scope.Attributes);
                    w.WriteEndObject();
                }

                w.WriteStartArray("spans");
                foreach (var s in ss.Spans)
                {
                    w.WriteStartObject();
                    w.WriteString("traceId", Convert.ToHexStringLower(s.TraceId.Span));
                    w.WriteString("spanId", Convert.ToHexStringLower(s.SpanId.Span));
                    if (!s.ParentSpanId.IsEmpty)
                    {
                        w.WriteString("parentSpanId", Convert.ToHexStringLower(s.ParentSpanId.Span));
                    }

                    if (s.TraceState.Length > 0)
                    {
                        w.WriteString("traceState", s.TraceState);
                    }

                    w.WriteString("name", s.Name);
                    w.WriteNumber("kind", (int)s.Kind);
                    w.WriteString("startTimeUnixNano", s.StartTimeUnixNano.ToString(CultureInfo.InvariantCulture));
                    w.WriteString("endTimeUnixNano", s.EndTimeUnixNano.ToString(CultureInfo.InvariantCulture));
                    WriteAttributes(w, s.Attributes);
                    w.WriteStartArray("events");
                    foreach (var e in s.Events)
                    {
                        w.WriteStartObject();
                        w.WriteString("timeUnixNano", e.TimeUnixNano.ToString(CultureInfo.InvariantCulture));
                        w.WriteString("name", e.Name);
                        WriteAttributes(w, e.Attributes);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("links");
                    foreach (var l in s.Links)
                    {
                        w.WriteStartObject();
                        w.WriteString("traceId", Convert.ToHexStringLower(l.TraceId.Span));
                        w.WriteString("spanId", Convert.ToHexStringLower(l.SpanId.Span));
                        WriteAttributes(w, l.Attributes);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartObject("status");
                    if (s.Status is { } st)
                    {
                        w.WriteNumber("code", (int)st.Code);
                        if (st.Message.Length > 0)
                        {
                            w.WriteString("message", st.Message);
                        }
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter w, IEnumerable<KeyValue> attributes) => WriteAttributesAs(w, "attributes", attributes);

    private static void WriteAny(Utf8JsonWriter w, AnyValue v)
    {
        w.WriteStartObject();
        switch (v.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue: w.WriteString("stringValue", v.StringValue); break;
            case AnyValue.ValueOneofCase.BoolValue: w.WriteBoolean("boolValue", v.BoolValue); break;
            case AnyValue.ValueOneofCase.IntValue: w.WriteString("intValue", v.IntValue.ToString(CultureInfo.InvariantCulture)); break;
            case AnyValue.ValueOneofCase.DoubleValue: w.WriteNumber("doubleValue", v.DoubleValue); break;
            case AnyValue.ValueOneofCase.BytesValue: w.WriteString("bytesValue", v.BytesValue.ToBase64()); break;
            case AnyValue.ValueOneofCase.ArrayValue:
                w.WriteStartObject("arrayValue");
                w.WriteStartArray("values");
                foreach (var x in v.ArrayValue.Values)
                {
                    WriteAny(w, x);
                }

                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                w.WriteStartObject("kvlistValue");
                WriteAttributesAs(w, "values", v.KvlistValue.Values);
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteAttributesAs(Utf8JsonWriter w, string name, IEnumerable<KeyValue> values)
    {
        w.WriteStartArray(name);
        foreach (var kv in values)
        {
            w.WriteStartObject();
            w.WriteString("key", kv.Key);
            w.WritePropertyName("value");
            WriteAny(w, kv.Value ?? new AnyValue());
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static ByteString Hex(string text, int bytes, string what, bool tempo = false)
    {
        if (text.Length == 0)
        {
            return ByteString.Empty;
        }

        // The protobuf JSON mapping writes bytes as base64: 24 characters for 16 bytes, 12 for 8.
        if (tempo && text.Length == (bytes + 2) / 3 * 4)
        {
            var decoded = new byte[bytes + 2];
            if (Convert.TryFromBase64String(text, decoded, out int written) && written == bytes)
            {
                return ByteString.CopyFrom(decoded, 0, bytes);
            }
        }

        if (text.Length != bytes * 2)
        {
            throw new FormatException($"{what} must be {bytes * 2} hex digits");
        }

        return ByteString.CopyFrom(Convert.FromHexString(text));
    }

    private static IEnumerable<JsonElement> Array(JsonElement e, params string[] names)
    {
        foreach (var n in names)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(n, out var a) && a.ValueKind == JsonValueKind.Array)
            {
                return a.EnumerateArray();
            }
        }

        return [];
    }

    private static JsonElement? Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var o) && o.ValueKind == JsonValueKind.Object ? o : null;

    private static string Str(JsonElement e, params string[] names)
    {
        foreach (var n in names)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String)
            {
                return v.GetString() ?? "";
            }
        }

        return "";
    }

    private static ulong Num(JsonElement e, params string[] names)
    {
        foreach (var n in names)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(n, out var v))
            {
                return v.ValueKind == JsonValueKind.String ? ulong.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetUInt64();
            }
        }

        return 0;
    }

    private static int Enum(JsonElement e, string name, string prefix, string[] names)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v))
        {
            return 0;
        }

        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.GetInt32();
        }

        var text = v.GetString() ?? "";
        int i = System.Array.IndexOf(names, text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text);
        return i < 0 ? throw new FormatException($"{name} '{text}' is not a known value") : i;
    }
}
