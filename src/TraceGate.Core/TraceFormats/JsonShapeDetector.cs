using System.Text;
using System.Text.Json;
using TraceGate.Core.Traces;

namespace TraceGate.Core.TraceFormats;

public enum JsonDocumentKind
{
    /// <summary>OTLP JSON: <c>resourceSpans</c>, hex ids.</summary>
    Otlp,

    /// <summary>Tempo's <c>/api/traces/{id}</c>: <c>batches</c> (before 2.6) or <c>resourceSpans</c> with the
    /// protobuf JSON mapping's base64 ids.</summary>
    TempoV1,

    /// <summary>Tempo's <c>/api/v2/traces/{id}</c>: <c>{"trace": …, "status": …}</c>.</summary>
    TempoV2,

    /// <summary>Jaeger's api_v3: <c>{"result": {"resourceSpans": …}}</c>, one or more per file.</summary>
    JaegerApiV3,

    Jaeger,

    Zipkin,
}

public readonly record struct JsonDocumentShape(JsonDocumentKind Kind, JaegerShape Jaeger = default, ZipkinShape Zipkin = default, bool Batches = false);

/// <summary>
/// Names the JSON document from its keys, never from a guess: each known shape has keys no other shape has (see the
/// README's input formats table), and a document that has none of them is refused, saying what it looks like.
/// </summary>
public static class JsonShapeDetector
{
    private const string Known = "TraceGate reads OTLP JSON, Jaeger JSON, Zipkin v2 JSON and Tempo JSON; see the README's input formats";

    public static JsonDocumentShape Detect(JsonText text)
    {
        var r = text.Reader();
        if (!text.Read(ref r))
        {
            throw text.Error(0, "no JSON value");
        }

        long at = r.TokenStartIndex;
        if (r.TokenType == JsonTokenType.StartArray)
        {
            return DetectArray(text, ref r, at);
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw text.Error(at, $"a JSON {JsonText.Noun(r.TokenType)}: not a trace file ({Known})");
        }

        var keys = Keys(text, ref r, out var inner);
        bool Has(string k) => keys.Contains(k);
        bool Only(params string[] allowed) => keys.All(allowed.Contains);
        if (Has("resourceSpans") || Has("resource_spans"))
        {
            return new(FirstIdIsBase64(text) ? JsonDocumentKind.TempoV1 : JsonDocumentKind.Otlp);
        }

        if (Has("batches"))
        {
            return new(JsonDocumentKind.TempoV1, Batches: true);
        }

        if (Has("trace") && Only("trace", "status", "message", "metrics") && inner.TryGetValue("trace", out var traceKeys)
            && (traceKeys.Contains("resourceSpans") || traceKeys.Contains("batches") || traceKeys.Count == 0))
        {
            return new(JsonDocumentKind.TempoV2);
        }

        if (Has("result") && inner.TryGetValue("result", out var resultKeys) && resultKeys.Contains("resourceSpans"))
        {
            return new(JsonDocumentKind.JaegerApiV3);
        }

        if (Has("data") && Only("data", "total", "limit", "offset", "errors") && inner.TryGetValue("data", out var dataKeys)
            && (dataKeys.Contains("traceID") || dataKeys.Contains("spans") || (dataKeys.Count == 0 && keys.Count > 1)))
        {
            return new(JsonDocumentKind.Jaeger, JaegerShape.Answer);
        }

        if (Has("traceID") && Has("spans"))
        {
            return new(JsonDocumentKind.Jaeger, JaegerShape.Trace);
        }

        if (Has("traceID") && Has("spanID"))
        {
            return new(JsonDocumentKind.Jaeger, JaegerShape.Span);
        }

        if (Has("traceId") && Has("id"))
        {
            return new(JsonDocumentKind.Zipkin, Zipkin: ZipkinShape.Span);
        }

        if (Has("spans") && Has("processMap"))
        {
            throw text.Error(at, "Jaeger's protobuf JSON (the api_v2 model: base64 ids, RFC 3339 times) is not read: download the trace from the Jaeger UI or /api/traces/{id}, or export OTLP");
        }

        throw text.Error(at, keys.Count == 0 ? $"an empty JSON object: not a trace file ({Known})"
            : $"a JSON object with keys {List(keys)}: not a trace file ({Known})");
    }

    private static JsonDocumentShape DetectArray(JsonText text, ref Utf8JsonReader r, long at)
    {
        text.Next(ref r, "an element or the end of the array");
        if (r.TokenType == JsonTokenType.EndArray)
        {
            throw text.Error(at, $"an empty JSON array: no spans, and nothing to tell a format by ({Known})");
        }

        if (r.TokenType == JsonTokenType.StartArray)
        {
            // Zipkin's GET /api/v2/traces: an array of traces, each an array of spans.
            text.Next(ref r, "a span or the end of the array");
            if (r.TokenType == JsonTokenType.EndArray)
            {
                return new(JsonDocumentKind.Zipkin, Zipkin: ZipkinShape.TraceArray);
            }

            if (r.TokenType == JsonTokenType.StartObject)
            {
                var spanKeys = Keys(text, ref r, out _);
                if (spanKeys.Contains("traceId") && spanKeys.Contains("id"))
                {
                    return new(JsonDocumentKind.Zipkin, Zipkin: ZipkinShape.TraceArray);
                }

                throw text.Error(at, $"a JSON array of arrays of objects with keys {List(spanKeys)}: not a trace file ({Known})");
            }

            throw text.Error(at, $"a JSON array of arrays of {JsonText.Noun(r.TokenType)}s: not a trace file ({Known})");
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw text.Error(at, $"a JSON array of {JsonText.Noun(r.TokenType)}s: not a trace file ({Known})");
        }

        var keys = Keys(text, ref r, out _);
        if (keys.Contains("traceID") && keys.Contains("spanID"))
        {
            return new(JsonDocumentKind.Jaeger, JaegerShape.SpanArray);
        }

        if (keys.Contains("traceId") && keys.Contains("id"))
        {
            return new(JsonDocumentKind.Zipkin, Zipkin: ZipkinShape.SpanArray);
        }

        throw text.Error(at, keys.Count == 0 ? $"a JSON array of empty objects: not a trace file ({Known})"
            : $"a JSON array of objects with keys {List(keys)}: not a trace file ({Known})");
    }

    /// <summary>The keys of the object the reader stands on, and for the values that are objects, null, or arrays
    /// (whose first element, if an object, gives the keys) the keys one level down. Leaves the reader at the object's end.</summary>
    private static List<string> Keys(JsonText text, ref Utf8JsonReader r, out Dictionary<string, List<string>> inner)
    {
        var keys = new List<string>();
        inner = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        int depth = r.CurrentDepth;
        while (text.NextProperty(ref r, depth))
        {
            string key = text.CurrentString(ref r, "a property name");
            if (!keys.Contains(key))
            {
                keys.Add(key);
            }

            text.Next(ref r, "a value");
            if (r.TokenType == JsonTokenType.Null)
            {
                // A null holds no keys, like an empty object or array: Jaeger's answer to a failed query is {"data": null, …, "errors": […]}.
                inner[key] = [];
            }
            else if (r.TokenType == JsonTokenType.StartObject)
            {
                inner[key] = Flat(text, ref r);
            }
            else if (r.TokenType == JsonTokenType.StartArray)
            {
                var list = new List<string>();
                int a = r.CurrentDepth;
                bool first = true;
                while (text.NextElement(ref r, a))
                {
                    if (first && r.TokenType == JsonTokenType.StartObject)
                    {
                        list = Flat(text, ref r);
                    }
                    else
                    {
                        text.Skip(ref r);
                    }

                    first = false;
                }

                inner[key] = list;
            }
        }

        return keys;
    }

    private static List<string> Flat(JsonText text, ref Utf8JsonReader r)
    {
        var keys = new List<string>();
        int depth = r.CurrentDepth;
        while (text.NextProperty(ref r, depth))
        {
            keys.Add(text.CurrentString(ref r, "a property name"));
            text.Skip(ref r);
        }

        return keys;
    }

    /// <summary>True when the document's first traceId and first spanId are both base64 (the protobuf JSON mapping,
    /// as Tempo answers) rather than OTLP JSON's hex. Both must be: one base64 id alone is OTLP JSON written wrong,
    /// and is refused as such.</summary>
    public static bool FirstIdIsBase64(JsonText text) => FirstIdIsBase64(text.Bytes[text.Origin..], true) ?? false;

    /// <summary>Looks for the first traceId and spanId strings in <paramref name="json"/>; null when they are not both
    /// found in it.</summary>
    public static bool? FirstIdIsBase64(ReadOnlySpan<byte> json, bool final)
    {
        var r = new Utf8JsonReader(json, final, new JsonReaderState(JsonText.Options));
        bool? trace = null, span = null;
        try
        {
            while (r.Read() && (trace is null || span is null))
            {
                if (r.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                bool isTrace = r.ValueTextEquals("traceId"u8) || r.ValueTextEquals("trace_id"u8);
                bool isSpan = r.ValueTextEquals("spanId"u8) || r.ValueTextEquals("span_id"u8);
                if ((!isTrace && !isSpan) || !r.Read())
                {
                    continue;
                }

                bool base64 = r.TokenType == JsonTokenType.String && !r.ValueIsEscaped
                    && (isTrace ? r.ValueSpan.Length == 24 && Ids.TryBase64TraceId(r.ValueSpan, out _) : r.ValueSpan.Length == 12 && Ids.TryBase64SpanId(r.ValueSpan, out _));
                if (isTrace)
                {
                    trace ??= base64;
                }
                else
                {
                    span ??= base64;
                }
            }
        }
        catch (JsonException)
        {
            // The reader proper reports malformed JSON with its place.
        }

        return trace is null || span is null ? (trace == false || span == false ? false : null) : trace.Value && span.Value;
    }

    private static string List(List<string> keys)
    {
        var sb = new StringBuilder();
        foreach (var k in keys.Take(8))
        {
            sb.Append(sb.Length == 0 ? "" : ", ").Append(k.Length > 40 ? k[..40] + "…" : k);
        }

        return keys.Count > 8 ? sb.Append($" and {keys.Count - 8} more").ToString() : sb.ToString();
    }
}
