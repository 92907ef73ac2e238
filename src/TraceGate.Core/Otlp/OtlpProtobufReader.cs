using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Streams spans out of OTLP protobuf: a <c>TracesData</c> or <c>ExportTraceServiceRequest</c> (both are
/// <c>repeated ResourceSpans resource_spans = 1</c>), several of them concatenated, or the Collector file
/// exporter's framing (a 4-byte big-endian length before each message). Memory is bounded by the largest single
/// ResourceSpans (framed: the largest record) and the chunks in flight, never by the file.
/// </summary>
public sealed class OtlpProtobufReader
{
    private readonly ReadOptions _options;
    private readonly ISpanSink _sink;
    private readonly Utf8Strings _strings = new();
    private readonly SpanData _span = new();
    private byte[] _buffer = [];

    public OtlpProtobufReader(ReadOptions options, ISpanSink sink)
    {
        _options = options;
        _sink = sink;
    }

    public long Spans { get; private set; }

    /// <summary>Set when a framed file ends inside its last record (a writer killed mid-write).</summary>
    public string? TornTail { get; private set; }

    public void ReadPlain(Stream input, string file) => Read(file, on => ScanPlain(input, file, on));

    public void ReadFramed(Stream input, string file) => Read(file, on => ScanFramed(input, file, on));

    /// <summary>Where the top-level messages go: each is read straight into <see cref="Reserve"/>'s bytes, then
    /// <see cref="Commit"/>ted (a ResourceSpans of a plain file, or a whole TracesData: a framed record).</summary>
    internal interface IMessageTarget
    {
        Span<byte> Reserve(int length);

        void Commit(ReadOnlySpan<byte> message, long offset, bool tracesData);
    }

    /// <summary>One thread: the messages are parsed as they are read.</summary>
    private sealed class ParseHere(OtlpProtobufReader reader, string file) : IMessageTarget
    {
        public Span<byte> Reserve(int length) => reader.Take(length).AsSpan(0, length);

        public void Commit(ReadOnlySpan<byte> message, long offset, bool tracesData) => reader.ParseMessage(message, offset, tracesData, file);
    }

    /// <summary>
    /// Reads on this thread with one worker; with more, the messages go in chunks to <see cref="ProtobufWorkers"/>,
    /// which parse and judge them on every core and hand the spans on in file order. An error this thread finds
    /// (a torn length prefix) is raised after the chunks before it, so the first error in file order wins.
    /// </summary>
    private void Read(string file, Action<IMessageTarget> scan)
    {
        if (_options.Workers <= 1)
        {
            scan(new ParseHere(this, file));
            return;
        }

        var workers = new ProtobufWorkers(_options, _sink, file, _options.Workers);
        try
        {
            try
            {
                scan(workers);
            }
            catch (TraceInputException)
            {
                workers.Drain();
                throw;
            }

            workers.Drain();
        }
        finally
        {
            workers.WaitAll();
            Spans += workers.Spans;
        }
    }

    /// <summary>Parses one top-level message held in memory; the spans go to this reader's sink.</summary>
    internal void ParseMessage(ReadOnlySpan<byte> message, long offset, bool tracesData, string file)
    {
        if (tracesData)
        {
            ParseTracesData(message, offset, file);
        }
        else
        {
            ParseResourceSpans(message, offset, file);
        }
    }

    private void ScanPlain(Stream input, string file, IMessageTarget on)
    {
        var cursor = new StreamCursor(input, file);
        while (true)
        {
            long at = cursor.Offset;
            ulong? tag = cursor.ReadVarint();
            if (tag is null)
            {
                return;
            }

            int field = (int)(tag.Value >> 3), wire = (int)(tag.Value & 7);
            if (field == 0)
            {
                throw cursor.Error(at, "invalid field number 0: not OTLP protobuf (or a framed file whose length prefix is corrupt)");
            }

            if (field == 1 && wire == WireReader.Len)
            {
                long lenAt = cursor.Offset;
                ulong len = cursor.ReadVarint() ?? throw cursor.Error(lenAt, "the input ends inside a length prefix");
                int n = CheckSize(cursor, lenAt, len);
                long start = cursor.Offset;
                var buffer = on.Reserve(n);
                int got = cursor.Read(buffer);
                if (got < n)
                {
                    throw cursor.Error(lenAt, $"truncated: a ResourceSpans declares {len} bytes but only {got} remain");
                }

                on.Commit(buffer, start, false);
                continue;
            }

            SkipTopLevel(cursor, at, field, wire);
        }
    }

    private void ScanFramed(Stream input, string file, IMessageTarget on)
    {
        var cursor = new StreamCursor(input, file);
        Span<byte> prefix = stackalloc byte[4];
        long records = 0;
        while (true)
        {
            long at = cursor.Offset;
            int got = cursor.Read(prefix);
            if (got == 0)
            {
                return;
            }

            if (got < 4)
            {
                TornTail = $"{file}: byte offset {at}: the file ends inside a record's length prefix after {records} complete records (the writer stopped mid-record)";
                return;
            }

            uint len = BinaryPrimitives.ReadUInt32BigEndian(prefix);
            int n = CheckSize(cursor, at, len);
            var buffer = on.Reserve(n);
            long start = cursor.Offset;
            int body = cursor.Read(buffer);
            if (body < n)
            {
                TornTail = $"{file}: byte offset {at}: the last record declares {len} bytes but only {body} remain, after {records} complete records (the writer stopped mid-record)";
                return;
            }

            on.Commit(buffer, start, true);
            records++;
        }
    }

    private int CheckSize(StreamCursor cursor, long at, ulong len)
    {
        if (len > (ulong)_options.MaxMessageBytes)
        {
            throw cursor.Error(at, $"a message of {len} bytes is over the {_options.MaxMessageBytes / (1024 * 1024)} MiB limit per ResourceSpans (a lying length prefix, or a batch too large)");
        }

        return (int)len;
    }

    private byte[] Take(int n)
    {
        if (_buffer.Length < n)
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(n, 1 << 20));
        }

        return _buffer;
    }

    private static void SkipTopLevel(StreamCursor cursor, long at, int field, int wire)
    {
        switch (wire)
        {
            case WireReader.Varint:
                _ = cursor.ReadVarint() ?? throw cursor.Error(at, "the input ends inside a varint");
                break;
            case WireReader.Fixed64:
                if (cursor.Skip(8) < 8) { throw cursor.Error(at, "the input ends inside a fixed64 field"); }
                break;
            case WireReader.Fixed32:
                if (cursor.Skip(4) < 4) { throw cursor.Error(at, "the input ends inside a fixed32 field"); }
                break;
            case WireReader.Len:
                ulong len = cursor.ReadVarint() ?? throw cursor.Error(at, "the input ends inside a length prefix");
                if (cursor.Skip((long)Math.Min(len, long.MaxValue)) < (long)len)
                {
                    throw cursor.Error(at, $"truncated: field {field} declares {len} bytes past the end of the input");
                }

                break;
            default:
                throw cursor.Error(at, $"field {field} has wire type {wire}: not OTLP protobuf");
        }
    }

    /// <summary>A TracesData held in memory (one framed record).</summary>
    public void ParseTracesData(ReadOnlySpan<byte> message, long baseOffset, string file)
    {
        var r = new WireReader(message, baseOffset, file);
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            if (field == 1)
            {
                r.Expect(wire, WireReader.Len, "resource_spans");
                var rs = r.ReadLengthDelimited(out long start);
                ParseResourceSpans(rs, start, file);
            }
            else
            {
                r.Skip(wire, field);
            }
        }
    }

    private void ParseResourceSpans(ReadOnlySpan<byte> message, long baseOffset, string file)
    {
        // The resource may follow the spans on the wire; find it first so every span sees it.
        var resource = new ResourceData();
        var r = new WireReader(message, baseOffset, file);
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            if (field == 1)
            {
                r.Expect(wire, WireReader.Len, "resource");
                var res = r.ReadLengthDelimited(out long start);
                ParseResource(res, start, file, resource);
            }
            else
            {
                r.Skip(wire, field);
            }
        }

        _span.Resource = resource;
        r = new WireReader(message, baseOffset, file);
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            // 2: scope_spans; 1000: the deprecated instrumentation_library_spans of the same shape.
            if (field is 2 or 1000)
            {
                r.Expect(wire, WireReader.Len, "scope_spans");
                var ss = r.ReadLengthDelimited(out long start);
                ParseScopeSpans(ss, start, file);
            }
            else
            {
                r.Skip(wire, field);
            }
        }
    }

    private void ParseResource(ReadOnlySpan<byte> message, long baseOffset, string file, ResourceData resource)
    {
        var r = new WireReader(message, baseOffset, file);
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            if (field == 1)
            {
                r.Expect(wire, WireReader.Len, "resource.attributes");
                var kv = r.ReadLengthDelimited(out long start);
                // Resource attributes are few and every selector may use them: keep them all.
                if (ParseKeyValue(kv, start, file, keepAll: true) is { } pair)
                {
                    resource.Attributes.Add(pair);
                    if (pair.Key == "service.name" && pair.Value.Type == AttrType.String)
                    {
                        resource.ServiceName = pair.Value.Text;
                    }
                }
            }
            else
            {
                r.Skip(wire, field);
            }
        }
    }

    private void ParseScopeSpans(ReadOnlySpan<byte> message, long baseOffset, string file)
    {
        var r = new WireReader(message, baseOffset, file);
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            if (field == 2)
            {
                r.Expect(wire, WireReader.Len, "spans");
                var span = r.ReadLengthDelimited(out long start);
                ParseSpan(span, start, file);
            }
            else
            {
                r.Skip(wire, field);
            }
        }
    }

    private void ParseSpan(ReadOnlySpan<byte> message, long baseOffset, string file)
    {
        var s = _span;
        s.Reset();
        var r = new WireReader(message, baseOffset, file);
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            switch (field)
            {
                case 1:
                    r.Expect(wire, WireReader.Len, "trace_id");
                    s.TraceId = ReadTraceId(ref r, "trace_id");
                    break;
                case 2:
                    r.Expect(wire, WireReader.Len, "span_id");
                    s.SpanId = ReadId(ref r, "span_id");
                    break;
                case 4:
                    r.Expect(wire, WireReader.Len, "parent_span_id");
                    s.ParentSpanId = ReadId(ref r, "parent_span_id");
                    break;
                case 5:
                    r.Expect(wire, WireReader.Len, "name");
                    s.Name = Intern(ref r, r.ReadLengthDelimited(out long nameAt), nameAt);
                    break;
                case 6:
                    r.Expect(wire, WireReader.Varint, "kind");
                    ulong kind = r.ReadVarint();
                    s.Kind = kind <= 5 ? (SpanKind)kind : SpanKind.Unspecified;
                    break;
                case 7:
                    r.Expect(wire, WireReader.Fixed64, "start_time_unix_nano");
                    s.StartUnixNano = r.ReadFixed64();
                    break;
                case 8:
                    r.Expect(wire, WireReader.Fixed64, "end_time_unix_nano");
                    s.EndUnixNano = r.ReadFixed64();
                    break;
                case 9:
                    r.Expect(wire, WireReader.Len, "attributes");
                    var kv = r.ReadLengthDelimited(out long kvAt);
                    if (ParseKeyValue(kv, kvAt, file, keepAll: false) is { } pair)
                    {
                        s.Attributes.Add(pair);
                    }

                    break;
                case 11:
                    r.Expect(wire, WireReader.Len, "events");
                    var ev = r.ReadLengthDelimited(out long evAt);
                    ParseEvent(ev, evAt, file);
                    break;
                case 13:
                    r.Expect(wire, WireReader.Len, "links");
                    var link = r.ReadLengthDelimited(out long linkAt);
                    s.Links.Add(ParseLink(link, linkAt, file));
                    break;
                case 15:
                    r.Expect(wire, WireReader.Len, "status");
                    var st = r.ReadLengthDelimited(out long stAt);
                    s.Status = ParseStatus(st, stAt, file);
                    break;
                default:
                    r.Skip(wire, field);
                    break;
            }
        }

        s.Offset = baseOffset;
        Spans++;
        _sink.OnSpan(s);
    }

    /// <summary>A 16-byte trace id: the span's own and each link's read the same way.</summary>
    private static TraceId ReadTraceId(ref WireReader r, string name)
    {
        var id = r.ReadLengthDelimited(out _);
        if (id.Length != 16)
        {
            throw r.ErrorHere($"{name} has {id.Length} bytes, expected 16");
        }

        return new TraceId(BinaryPrimitives.ReadUInt64BigEndian(id), BinaryPrimitives.ReadUInt64BigEndian(id[8..]));
    }

    private static ulong ReadId(ref WireReader r, string name)
    {
        var id = r.ReadLengthDelimited(out _);
        return id.Length switch
        {
            0 => 0,
            8 => BinaryPrimitives.ReadUInt64BigEndian(id),
            _ => throw r.ErrorHere($"{name} has {id.Length} bytes, expected 8"),
        };
    }

    /// <summary>Span.Link: trace_id (1) and span_id (2); its trace state, attributes and flags are not read.</summary>
    private static SpanLink ParseLink(ReadOnlySpan<byte> message, long baseOffset, string file)
    {
        var r = new WireReader(message, baseOffset, file);
        TraceId trace = default;
        ulong span = 0;
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            switch (field)
            {
                case 1:
                    r.Expect(wire, WireReader.Len, "link.trace_id");
                    trace = ReadTraceId(ref r, "link.trace_id");
                    break;
                case 2:
                    r.Expect(wire, WireReader.Len, "link.span_id");
                    span = ReadId(ref r, "link.span_id");
                    break;
                default:
                    r.Skip(wire, field);
                    break;
            }
        }

        return new SpanLink(trace, span);
    }

    private void ParseEvent(ReadOnlySpan<byte> message, long baseOffset, string file)
    {
        var r = new WireReader(message, baseOffset, file);
        ulong time = 0;
        string name = "";
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            switch (field)
            {
                case 1:
                    r.Expect(wire, WireReader.Fixed64, "event.time_unix_nano");
                    time = r.ReadFixed64();
                    break;
                case 2:
                    r.Expect(wire, WireReader.Len, "event.name");
                    name = Intern(ref r, r.ReadLengthDelimited(out long at), at);
                    break;
                case 3 when _options.AllStringValues:
                    r.Expect(wire, WireReader.Len, "event.attributes");
                    var kv = r.ReadLengthDelimited(out long kvAt);
                    if (ParseKeyValue(kv, kvAt, file, keepAll: true) is { Value.Type: AttrType.String } pair)
                    {
                        _span.EventStrings.Add(new(pair.Key, pair.Value.Text!));
                    }

                    break;
                default:
                    r.Skip(wire, field);
                    break;
            }
        }

        _span.Events.Add(new SpanEvent(name, time));
    }

    private static StatusCode ParseStatus(ReadOnlySpan<byte> message, long baseOffset, string file)
    {
        var r = new WireReader(message, baseOffset, file);
        var code = StatusCode.Unset;
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            if (field == 3)
            {
                r.Expect(wire, WireReader.Varint, "status.code");
                ulong c = r.ReadVarint();
                code = c <= 2 ? (StatusCode)c : StatusCode.Unset;
            }
            else
            {
                r.Skip(wire, field);
            }
        }

        return code;
    }

    private KeyValuePair<string, AttrValue>? ParseKeyValue(ReadOnlySpan<byte> message, long baseOffset, string file, bool keepAll)
    {
        var r = new WireReader(message, baseOffset, file);
        string? key = null;
        ReadOnlySpan<byte> value = default;
        long valueAt = 0;
        bool hasValue = false;
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            if (field == 1)
            {
                r.Expect(wire, WireReader.Len, "key");
                var keyBytes = r.ReadLengthDelimited(out long at);
                if (!keepAll && !_options.MayWant(keyBytes))
                {
                    // Not a key any rule reads: skip without making a string (the hot path for most attributes).
                    return null;
                }

                key = Intern(ref r, keyBytes, at);
            }
            else if (field == 2)
            {
                r.Expect(wire, WireReader.Len, "value");
                value = r.ReadLengthDelimited(out valueAt);
                hasValue = true;
            }
            else
            {
                r.Skip(wire, field);
            }
        }

        if (key is null || (!keepAll && !_options.Wants(key)))
        {
            return null;
        }

        var v = hasValue ? ParseAnyValue(value, valueAt, file, 0) : AttrValue.Of("");
        return new(key, v);
    }

    private AttrValue ParseAnyValue(ReadOnlySpan<byte> message, long baseOffset, string file, int depth)
    {
        var r = new WireReader(message, baseOffset, file);
        if (depth > _options.MaxNesting)
        {
            throw r.ErrorHere($"attribute values nested deeper than {_options.MaxNesting} levels (a nesting bomb?)");
        }

        var result = AttrValue.Of("");
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            switch (field)
            {
                case 1:
                    r.Expect(wire, WireReader.Len, "string_value");
                    var bytes = r.ReadLengthDelimited(out long at);
                    if (!Utf8Strings.IsValid(bytes))
                    {
                        throw r.Error((int)(at - baseOffset), "a string value is not valid UTF-8");
                    }

                    result = AttrValue.Of(Utf8Strings.Decode(bytes));
                    break;
                case 2:
                    r.Expect(wire, WireReader.Varint, "bool_value");
                    result = AttrValue.Of(r.ReadVarint() != 0);
                    break;
                case 3:
                    r.Expect(wire, WireReader.Varint, "int_value");
                    result = AttrValue.Of((long)r.ReadVarint());
                    break;
                case 4:
                    r.Expect(wire, WireReader.Fixed64, "double_value");
                    result = AttrValue.Of(BitConverter.Int64BitsToDouble((long)r.ReadFixed64()));
                    break;
                case 5 or 6:
                    r.Expect(wire, WireReader.Len, field == 5 ? "array_value" : "kvlist_value");
                    var inner = r.ReadLengthDelimited(out long innerAt);
                    result = new AttrValue(field == 5 ? AttrType.Array : AttrType.Map, Compound(inner, innerAt, file, depth + 1, field == 6), 0, 0, false);
                    break;
                case 7:
                    r.Expect(wire, WireReader.Len, "bytes_value");
                    result = new AttrValue(AttrType.Bytes, Convert.ToBase64String(r.ReadLengthDelimited(out _)), 0, 0, false);
                    break;
                default:
                    r.Skip(wire, field);
                    break;
            }
        }

        return result;
    }

    /// <summary>An ArrayValue or KeyValueList as text: "[a, b]" or "{k: v}". Depth-checked.</summary>
    private string Compound(ReadOnlySpan<byte> message, long baseOffset, string file, int depth, bool map)
    {
        var r = new WireReader(message, baseOffset, file);
        if (depth > _options.MaxNesting)
        {
            throw r.ErrorHere($"attribute values nested deeper than {_options.MaxNesting} levels (a nesting bomb?)");
        }

        var sb = new StringBuilder(map ? "{" : "[");
        bool first = true;
        while (!r.AtEnd)
        {
            int field = r.ReadTag(out int wire);
            if (field != 1)
            {
                r.Skip(wire, field);
                continue;
            }

            r.Expect(wire, WireReader.Len, "values");
            var item = r.ReadLengthDelimited(out long at);
            if (!first)
            {
                sb.Append(", ");
            }

            first = false;
            if (map)
            {
                var kr = new WireReader(item, at, file);
                string key = "";
                AttrValue v = AttrValue.Of("");
                while (!kr.AtEnd)
                {
                    int f = kr.ReadTag(out int w);
                    if (f == 1 && w == WireReader.Len)
                    {
                        key = Intern(ref kr, kr.ReadLengthDelimited(out long ka), ka);
                    }
                    else if (f == 2 && w == WireReader.Len)
                    {
                        var vb = kr.ReadLengthDelimited(out long va);
                        v = ParseAnyValue(vb, va, file, depth + 1);
                    }
                    else
                    {
                        kr.Skip(w, f);
                    }
                }

                sb.Append(key).Append(": ").Append(v.ToString());
            }
            else
            {
                sb.Append(ParseAnyValue(item, at, file, depth + 1).ToString());
            }

            if (sb.Length > 4096)
            {
                sb.Append('…');
                break;
            }
        }

        return sb.Append(map ? '}' : ']').ToString();
    }

    private string Intern(ref WireReader r, ReadOnlySpan<byte> bytes, long at) =>
        _strings.Get(bytes) ?? throw new TraceInputException($"{r.File}: byte offset {at}: a string is not valid UTF-8");
}
