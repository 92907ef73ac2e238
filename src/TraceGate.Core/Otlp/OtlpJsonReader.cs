using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Streams spans out of OTLP JSON (the protobuf JSON mapping as the OTLP specification amends it: hex
/// <c>traceId</c>/<c>spanId</c>, 64-bit integers as strings or numbers, enums as integers or names, unknown
/// fields ignored): one document or JSON lines. Field names in lowerCamelCase or the proto's snake_case.
/// </summary>
public sealed class OtlpJsonReader(ReadOptions options, ISpanSink sink)
{
    private readonly Utf8Strings _strings = new();
    private readonly SpanData _span = new();
    private JsonFeed _feed = null!;

    public long Spans { get; private set; }

    /// <summary>Accepts ids in the protobuf JSON mapping's base64 as well as OTLP JSON's hex, and Tempo's
    /// <c>batches</c> for <c>resourceSpans</c>: set only for a document detected as a Tempo answer.</summary>
    internal bool TempoDialect { get; init; }

    public void Read(Stream input, string file) => Read(input, file, 0, 0);

    /// <summary>Reads a stream that starts <paramref name="baseOffset"/> bytes and <paramref name="baseLine"/> lines
    /// into the file (a chunk of JSON lines), so offsets and errors name the place in the file.</summary>
    internal void Read(Stream input, string file, long baseOffset, long baseLine)
    {
        using var feed = new JsonFeed(input, file, options.MaxMessageBytes, baseOffset, baseLine);
        _feed = feed;
        var r = feed.Start();
        while (feed.Read(ref r))
        {
            if (r.TokenType != JsonTokenType.StartObject)
            {
                throw feed.Error(ref r, $"expected a JSON object (TracesData or ExportTraceServiceRequest), found {r.TokenType}");
            }

            ReadTracesData(ref r);
        }
    }

    private void ReadTracesData(ref Utf8JsonReader r)
    {
        int depth = r.CurrentDepth;
        while (NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("resourceSpans"u8) || r.ValueTextEquals("resource_spans"u8) || (TempoDialect && r.ValueTextEquals("batches"u8)))
            {
                int a = BeginArray(ref r, "resourceSpans");
                while (NextElement(ref r, a))
                {
                    ReadResourceSpans(ref r);
                }
            }
            else
            {
                _feed.Skip(ref r);
            }
        }
    }

    private void ReadResourceSpans(ref Utf8JsonReader r)
    {
        // OTLP JSON writers put "resource" first; a streaming reader attaches a late resource to later spans only.
        var resource = new ResourceData();
        _span.Resource = resource;
        int depth = BeginObject(ref r, "a ResourceSpans object");
        while (NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("resource"u8))
            {
                _feed.Next(ref r, "resource");
                int rd = BeginObject(ref r, "resource");
                while (NextProperty(ref r, rd))
                {
                    if (r.ValueTextEquals("attributes"u8))
                    {
                        int a = BeginArray(ref r, "resource.attributes");
                        while (NextElement(ref r, a))
                        {
                            if (ReadKeyValue(ref r, keepAll: true) is { } kv)
                            {
                                resource.Attributes.Add(kv);
                                if (kv.Key == "service.name" && kv.Value.Type == AttrType.String)
                                {
                                    resource.ServiceName = kv.Value.Text;
                                }
                            }
                        }
                    }
                    else
                    {
                        _feed.Skip(ref r);
                    }
                }
            }
            else if (r.ValueTextEquals("scopeSpans"u8) || r.ValueTextEquals("scope_spans"u8)
                || r.ValueTextEquals("instrumentationLibrarySpans"u8) || r.ValueTextEquals("instrumentation_library_spans"u8))
            {
                int a = BeginArray(ref r, "scopeSpans");
                while (NextElement(ref r, a))
                {
                    int sd = BeginObject(ref r, "a ScopeSpans object");
                    while (NextProperty(ref r, sd))
                    {
                        if (r.ValueTextEquals("spans"u8))
                        {
                            int sa = BeginArray(ref r, "spans");
                            while (NextElement(ref r, sa))
                            {
                                ReadSpan(ref r);
                            }
                        }
                        else
                        {
                            _feed.Skip(ref r);
                        }
                    }
                }
            }
            else
            {
                _feed.Skip(ref r);
            }
        }
    }

    private void ReadSpan(ref Utf8JsonReader r)
    {
        var s = _span;
        s.Reset();
        s.Offset = _feed.OffsetOf(ref r);
        int depth = BeginObject(ref r, "a Span object");
        while (NextProperty(ref r, depth))
        {
            // Dispatch on the name's length first: this loop runs for every property of every span.
            var field = r.ValueIsEscaped ? SpanField.Other : OtlpSpanFields.Classify(r.ValueSpan);
            if (field == SpanField.TraceId)
            {
                s.TraceId = ReadTraceId(ref r);
            }
            else if (field == SpanField.SpanId)
            {
                s.SpanId = ReadSpanId(ref r, "spanId");
            }
            else if (field == SpanField.ParentSpanId)
            {
                s.ParentSpanId = ReadSpanId(ref r, "parentSpanId");
            }
            else if (field == SpanField.Name)
            {
                s.Name = ReadInternedString(ref r, "name");
            }
            else if (field == SpanField.Kind)
            {
                s.Kind = (SpanKind)ReadEnum(ref r, "kind", "SPAN_KIND_", ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]);
            }
            else if (field == SpanField.Start)
            {
                s.StartUnixNano = ReadUInt64(ref r, "startTimeUnixNano");
            }
            else if (field == SpanField.End)
            {
                s.EndUnixNano = ReadUInt64(ref r, "endTimeUnixNano");
            }
            else if (field == SpanField.Attributes)
            {
                int a = BeginArray(ref r, "attributes");
                while (NextElement(ref r, a))
                {
                    if (ReadKeyValue(ref r, keepAll: false) is { } kv)
                    {
                        s.Attributes.Add(kv);
                    }
                }
            }
            else if (field == SpanField.Events)
            {
                int a = BeginArray(ref r, "events");
                while (NextElement(ref r, a))
                {
                    ReadEvent(ref r);
                }
            }
            else if (field == SpanField.Links)
            {
                int a = BeginArray(ref r, "links");
                while (NextElement(ref r, a))
                {
                    ReadLink(ref r);
                }
            }
            else if (field == SpanField.Status)
            {
                _feed.Next(ref r, "status");
                int sd = BeginObject(ref r, "status");
                while (NextProperty(ref r, sd))
                {
                    if (r.ValueTextEquals("code"u8))
                    {
                        s.Status = (StatusCode)ReadEnum(ref r, "status.code", "STATUS_CODE_", ["UNSET", "OK", "ERROR"]);
                    }
                    else
                    {
                        _feed.Skip(ref r);
                    }
                }
            }
            else
            {
                _feed.Skip(ref r);
            }
        }

        Spans++;
        sink.OnSpan(s);
    }

    private void ReadEvent(ref Utf8JsonReader r)
    {
        string name = "";
        ulong time = 0;
        int depth = BeginObject(ref r, "an Event object");
        while (NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("name"u8))
            {
                name = ReadInternedString(ref r, "event.name");
            }
            else if (r.ValueTextEquals("timeUnixNano"u8) || r.ValueTextEquals("time_unix_nano"u8))
            {
                time = ReadUInt64(ref r, "event.timeUnixNano");
            }
            else if (options.AllStringValues && r.ValueTextEquals("attributes"u8))
            {
                int a = BeginArray(ref r, "event.attributes");
                while (NextElement(ref r, a))
                {
                    if (ReadKeyValue(ref r, keepAll: true) is { Value.Type: AttrType.String } kv)
                    {
                        _span.EventStrings.Add(new(kv.Key, kv.Value.Text!));
                    }
                }
            }
            else
            {
                _feed.Skip(ref r);
            }
        }

        _span.Events.Add(new SpanEvent(name, time));
    }

    /// <summary>A link keeps the span it points at; its attributes and trace state are not read.</summary>
    private void ReadLink(ref Utf8JsonReader r)
    {
        TraceId trace = default;
        ulong span = 0;
        int depth = BeginObject(ref r, "a Link object");
        while (NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("traceId"u8) || r.ValueTextEquals("trace_id"u8))
            {
                trace = ReadTraceId(ref r, "links.traceId");
            }
            else if (r.ValueTextEquals("spanId"u8) || r.ValueTextEquals("span_id"u8))
            {
                span = ReadSpanId(ref r, "links.spanId");
            }
            else
            {
                _feed.Skip(ref r);
            }
        }

        _span.Links.Add(new SpanLink(trace, span));
    }

    private KeyValuePair<string, AttrValue>? ReadKeyValue(ref Utf8JsonReader r, bool keepAll)
    {
        string? key = null;
        bool wanted = true;
        AttrValue value = AttrValue.Of("");
        int depth = BeginObject(ref r, "a KeyValue object");
        while (NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("key"u8))
            {
                _feed.Next(ref r, "key");
                if (r.TokenType == JsonTokenType.String && !keepAll && !r.ValueIsEscaped && !options.MayWant(r.ValueSpan))
                {
                    key = null;
                    wanted = false;
                    continue;
                }

                key = InternCurrent(ref r, "key");
            }
            else if (r.ValueTextEquals("value"u8) && wanted && (key is null || keepAll || options.Wants(key)))
            {
                _feed.Next(ref r, "value");
                value = ReadAnyValue(ref r, 0);
            }
            else
            {
                _feed.Skip(ref r);
            }
        }

        return key is null || !wanted || (!keepAll && !options.Wants(key)) ? null : new(key, value);
    }

    private AttrValue ReadAnyValue(ref Utf8JsonReader r, int nesting)
    {
        if (nesting > options.MaxNesting)
        {
            throw _feed.Error(ref r, $"attribute values nested deeper than {options.MaxNesting} levels (a nesting bomb?)");
        }

        var result = AttrValue.Of("");
        int depth = BeginObject(ref r, "an AnyValue object");
        while (NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("stringValue"u8) || r.ValueTextEquals("string_value"u8))
            {
                result = AttrValue.Of(ReadString(ref r, "stringValue"));
            }
            else if (r.ValueTextEquals("boolValue"u8) || r.ValueTextEquals("bool_value"u8))
            {
                _feed.Next(ref r, "a boolean");
                result = r.TokenType switch
                {
                    JsonTokenType.True => AttrValue.Of(true),
                    JsonTokenType.False => AttrValue.Of(false),
                    _ => throw _feed.Error(ref r, "boolValue must be true or false"),
                };
            }
            else if (r.ValueTextEquals("intValue"u8) || r.ValueTextEquals("int_value"u8))
            {
                result = AttrValue.Of(ReadInt64(ref r, "intValue"));
            }
            else if (r.ValueTextEquals("doubleValue"u8) || r.ValueTextEquals("double_value"u8))
            {
                result = AttrValue.Of(ReadDouble(ref r));
            }
            else if (r.ValueTextEquals("bytesValue"u8) || r.ValueTextEquals("bytes_value"u8))
            {
                result = new AttrValue(AttrType.Bytes, ReadString(ref r, "bytesValue"), 0, 0, false);
            }
            else if (r.ValueTextEquals("arrayValue"u8) || r.ValueTextEquals("array_value"u8)
                || r.ValueTextEquals("kvlistValue"u8) || r.ValueTextEquals("kvlist_value"u8))
            {
                bool map = r.ValueSpan[0] == (byte)'k';
                result = new AttrValue(map ? AttrType.Map : AttrType.Array, ReadCompound(ref r, nesting + 1, map), 0, 0, false);
            }
            else
            {
                _feed.Skip(ref r);
            }
        }

        return result;
    }

    private string ReadCompound(ref Utf8JsonReader r, int nesting, bool map)
    {
        if (nesting > options.MaxNesting)
        {
            throw _feed.Error(ref r, $"attribute values nested deeper than {options.MaxNesting} levels (a nesting bomb?)");
        }

        var sb = new System.Text.StringBuilder(map ? "{" : "[");
        _feed.Next(ref r, "an array or map value");
        int depth = BeginObject(ref r, map ? "kvlistValue" : "arrayValue");
        while (NextProperty(ref r, depth))
        {
            if (!r.ValueTextEquals("values"u8))
            {
                _feed.Skip(ref r);
                continue;
            }

            bool first = true;
            int a = BeginArray(ref r, "values");
            while (NextElement(ref r, a))
            {
                sb.Append(first ? "" : ", ");
                first = false;
                if (!map)
                {
                    sb.Append(ReadAnyValue(ref r, nesting + 1).ToString());
                    continue;
                }

                string k = "";
                AttrValue v = AttrValue.Of("");
                int kd = BeginObject(ref r, "a KeyValue object");
                while (NextProperty(ref r, kd))
                {
                    if (r.ValueTextEquals("key"u8))
                    {
                        k = ReadInternedString(ref r, "key");
                    }
                    else if (r.ValueTextEquals("value"u8))
                    {
                        _feed.Next(ref r, "value");
                        v = ReadAnyValue(ref r, nesting + 1);
                    }
                    else
                    {
                        _feed.Skip(ref r);
                    }
                }

                sb.Append(k).Append(": ").Append(v.ToString());
            }
        }

        return sb.Append(map ? '}' : ']').ToString();
    }

    /// <summary>Requires the reader to stand on a StartObject; returns its depth for <see cref="NextProperty"/>.</summary>
    private int BeginObject(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw _feed.Error(ref r, $"expected {what}, found {Describe(r.TokenType)}");
        }

        return r.CurrentDepth;
    }

    /// <summary>Moves to the next property name of the object at <paramref name="depth"/>; false at its end.</summary>
    private bool NextProperty(ref Utf8JsonReader r, int depth)
    {
        _feed.Next(ref r, "a property or the end of an object");
        if (r.TokenType == JsonTokenType.EndObject && r.CurrentDepth == depth)
        {
            return false;
        }

        if (r.TokenType != JsonTokenType.PropertyName)
        {
            throw _feed.Error(ref r, $"expected a property name, found {Describe(r.TokenType)}");
        }

        return true;
    }

    /// <summary>Reads the value after a property name, which must be an array (or null); returns its depth, or
    /// -1 for null.</summary>
    private int BeginArray(ref Utf8JsonReader r, string what)
    {
        _feed.Next(ref r, what);
        if (r.TokenType == JsonTokenType.Null)
        {
            return -1;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw _feed.Error(ref r, $"{what} must be an array, found {Describe(r.TokenType)}");
        }

        return r.CurrentDepth;
    }

    /// <summary>Moves to the next element of the array at <paramref name="depth"/>; false at its end.</summary>
    private bool NextElement(ref Utf8JsonReader r, int depth)
    {
        if (depth < 0)
        {
            return false;
        }

        _feed.Next(ref r, "an element or the end of an array");
        return !(r.TokenType == JsonTokenType.EndArray && r.CurrentDepth == depth);
    }

    private string ReadString(ref Utf8JsonReader r, string what)
    {
        _feed.Next(ref r, what);
        if (r.TokenType != JsonTokenType.String)
        {
            throw _feed.Error(ref r, $"{what} must be a string, found {Describe(r.TokenType)}");
        }

        return Text(ref r, what);
    }

    /// <summary>The string token's text; invalid UTF-8 (which the reader lets through until asked) is an input error.</summary>
    private string Text(ref Utf8JsonReader r, string what)
    {
        try
        {
            return r.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw _feed.Error(ref r, $"{what} is not valid UTF-8");
        }
    }

    private string ReadInternedString(ref Utf8JsonReader r, string what)
    {
        _feed.Next(ref r, what);
        return InternCurrent(ref r, what);
    }

    private string InternCurrent(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType != JsonTokenType.String)
        {
            throw _feed.Error(ref r, $"{what} must be a string, found {Describe(r.TokenType)}");
        }

        if (r.ValueIsEscaped || r.HasValueSequence)
        {
            return Text(ref r, what);
        }

        return _strings.Get(r.ValueSpan) ?? throw _feed.Error(ref r, $"{what} is not valid UTF-8");
    }

    private TraceId ReadTraceId(ref Utf8JsonReader r, string what = "traceId")
    {
        _feed.Next(ref r, what);
        Span<byte> bytes = stackalloc byte[16];
        if (r.TokenType != JsonTokenType.String || !Hex(r.ValueSpan, bytes))
        {
            if (TempoDialect && r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && TraceFormats.Ids.TryBase64TraceId(r.ValueSpan, out var id))
            {
                return id;
            }

            throw _feed.Error(ref r, TempoDialect ? $"{what} must be 32 hex digits or the base64 of 16 bytes"
                : $"{what} must be 32 hex digits (OTLP JSON encodes ids as hex, not base64)");
        }

        return new TraceId(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    private ulong ReadSpanId(ref Utf8JsonReader r, string what)
    {
        _feed.Next(ref r, what);
        if (r.TokenType == JsonTokenType.String && r.ValueSpan.Length == 0)
        {
            return 0;
        }

        Span<byte> bytes = stackalloc byte[8];
        if (r.TokenType != JsonTokenType.String || !Hex(r.ValueSpan, bytes))
        {
            if (TempoDialect && r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && TraceFormats.Ids.TryBase64SpanId(r.ValueSpan, out ulong id))
            {
                return id;
            }

            throw _feed.Error(ref r, TempoDialect ? $"{what} must be 16 hex digits or the base64 of 8 bytes" : $"{what} must be 16 hex digits");
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    private static bool Hex(ReadOnlySpan<byte> text, Span<byte> into)
    {
        if (text.Length != into.Length * 2)
        {
            return false;
        }

        for (int i = 0; i < into.Length; i++)
        {
            int hi = HexValue(text[2 * i]), lo = HexValue(text[(2 * i) + 1]);
            if (hi < 0 || lo < 0)
            {
                return false;
            }

            into[i] = (byte)((hi << 4) | lo);
        }

        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private ulong ReadUInt64(ref Utf8JsonReader r, string what)
    {
        _feed.Next(ref r, what);
        if (r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out ulong n))
        {
            return n;
        }

        if (r.TokenType == JsonTokenType.String && Utf8Parser.TryParse(r.ValueSpan, out ulong s, out int used) && used == r.ValueSpan.Length)
        {
            return s;
        }

        throw _feed.Error(ref r, $"{what} must be an unsigned 64-bit integer (a number or a string of digits)");
    }

    private long ReadInt64(ref Utf8JsonReader r, string what)
    {
        _feed.Next(ref r, what);
        if (r.TokenType == JsonTokenType.Number && r.TryGetInt64(out long n))
        {
            return n;
        }

        if (r.TokenType == JsonTokenType.String && Utf8Parser.TryParse(r.ValueSpan, out long s, out int used) && used == r.ValueSpan.Length)
        {
            return s;
        }

        throw _feed.Error(ref r, $"{what} must be a 64-bit integer (a number or a string of digits)");
    }

    private double ReadDouble(ref Utf8JsonReader r)
    {
        _feed.Next(ref r, "doubleValue");
        if (r.TokenType == JsonTokenType.Number && r.TryGetDouble(out double d))
        {
            return d;
        }

        if (r.TokenType == JsonTokenType.String)
        {
            var text = Text(ref r, "doubleValue");
            return text switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) => p,
                _ => throw _feed.Error(ref r, "doubleValue must be a number"),
            };
        }

        throw _feed.Error(ref r, "doubleValue must be a number");
    }

    private int ReadEnum(ref Utf8JsonReader r, string what, string prefix, string[] names)
    {
        _feed.Next(ref r, what);
        if (r.TokenType == JsonTokenType.Number && r.TryGetInt32(out int n))
        {
            return n >= 0 && n < names.Length ? n : 0;
        }

        if (r.TokenType == JsonTokenType.String)
        {
            var text = Text(ref r, what);
            var bare = text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;
            int i = System.Array.IndexOf(names, bare.ToUpperInvariant());
            if (i >= 0)
            {
                return i;
            }
        }

        throw _feed.Error(ref r, $"{what} must be an integer or one of {string.Join(", ", names.Select(x => prefix + x))}");
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };
}
