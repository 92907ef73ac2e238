using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text.Unicode;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// The hot path for OTLP JSON lines, written by hand because a measurement said so: tokenizing the benchmark's
/// 306 MB with <c>Utf8JsonReader</c> alone took 0.85 s, more than twice the 10x-Python budget. It reads a chunk of
/// whole lines in memory, validates it as strictly as <c>Utf8JsonReader</c> does where it reads or skips, and
/// fills the same <see cref="SpanData"/> as <see cref="OtlpJsonReader"/>.
/// It is optimistic: anything it does not handle the common way (an escape in a key or a kept string, an enum
/// given by name, an array attribute value, malformed JSON, a byte order mark) makes it give up on the chunk, and
/// the caller reads the chunk again with <see cref="OtlpJsonReader"/>, which gives the exact result or error. So it
/// only has to agree with that reader on what it accepts; a differential property test and fuzz target hold it to that.
/// </summary>
internal sealed class OtlpJsonFastPath(ReadOptions options) : JsonChunkTokenizer
{
    private readonly Utf8Strings _strings = new();
    private readonly SpanData _span = new();
    private long _base;
    private ISpanSink _sink = null!;

    /// <summary>Reads every span of <paramref name="length"/> bytes of whole lines into the sink, or returns false
    /// (the sink may then hold some of them: the caller clears it and reads the chunk the exact way).</summary>
    public bool TryRead(byte[] chunk, int length, long baseOffset, ISpanSink sink)
    {
        // One vectorised pass instead of a check per string: invalid UTF-8 anywhere sends the chunk the exact way.
        if (!Utf8.IsValid(chunk.AsSpan(0, length)))
        {
            return false;
        }

        Start(chunk, length);
        _base = baseOffset;
        _sink = sink;
        try
        {
            SkipWhitespace();
            while (More)
            {
                if (Cur != (byte)'{')
                {
                    return false;
                }

                ReadTracesData();
                SkipWhitespace();
            }

            return true;
        }
        catch (GiveUp)
        {
            return false;
        }
    }

    private void ReadTracesData()
    {
        BeginObject();
        var p1 = true;
        while (NextProperty(ref p1, out var key))
        {
            if (key.SequenceEqual("resourceSpans"u8) || key.SequenceEqual("resource_spans"u8))
            {
                if (BeginArray())
                {
                    for (var e1 = true; NextElement(ref e1);)
                    {
                        ReadResourceSpans();
                    }
                }
            }
            else
            {
                SkipValue();
            }
        }
    }

    private void ReadResourceSpans()
    {
        var resource = new ResourceData();
        _span.Resource = resource;
        BeginObject();
        var p2 = true;
        while (NextProperty(ref p2, out var key))
        {
            if (key.SequenceEqual("resource"u8))
            {
                BeginObject();
                var p3 = true;
                while (NextProperty(ref p3, out var rk))
                {
                    if (rk.SequenceEqual("attributes"u8))
                    {
                        if (BeginArray())
                        {
                            for (var e2 = true; NextElement(ref e2);)
                            {
                                if (ReadKeyValue(keepAll: true) is { } kv)
                                {
                                    resource.Attributes.Add(kv);
                                    if (kv.Key == "service.name" && kv.Value.Type == AttrType.String)
                                    {
                                        resource.ServiceName = kv.Value.Text;
                                    }
                                }
                            }
                        }
                    }
                    else
                    {
                        SkipValue();
                    }
                }
            }
            else if (key.SequenceEqual("scopeSpans"u8) || key.SequenceEqual("scope_spans"u8)
                || key.SequenceEqual("instrumentationLibrarySpans"u8) || key.SequenceEqual("instrumentation_library_spans"u8))
            {
                if (!BeginArray())
                {
                    continue;
                }

                for (var e3 = true; NextElement(ref e3);)
                {
                    BeginObject();
                    var p4 = true;
                    while (NextProperty(ref p4, out var sk))
                    {
                        if (sk.SequenceEqual("spans"u8))
                        {
                            if (BeginArray())
                            {
                                for (var e4 = true; NextElement(ref e4);)
                                {
                                    ReadSpan();
                                }
                            }
                        }
                        else
                        {
                            SkipValue();
                        }
                    }
                }
            }
            else
            {
                SkipValue();
            }
        }
    }

    private void ReadSpan()
    {
        var s = _span;
        s.Reset();
        s.Offset = _base + Position;
        BeginObject();
        var p5 = true;
        while (NextProperty(ref p5, out var key))
        {
            switch (OtlpSpanFields.Classify(key))
            {
                case SpanField.TraceId:
                    s.TraceId = ReadTraceId();
                    break;
                case SpanField.SpanId:
                    s.SpanId = ReadSpanId();
                    break;
                case SpanField.ParentSpanId:
                    s.ParentSpanId = ReadSpanId();
                    break;
                case SpanField.Name:
                    s.Name = ReadInterned();
                    break;
                case SpanField.Kind:
                    s.Kind = (SpanKind)ReadEnumNumber(6);
                    break;
                case SpanField.Start:
                    s.StartUnixNano = ReadUInt64();
                    break;
                case SpanField.End:
                    s.EndUnixNano = ReadUInt64();
                    break;
                case SpanField.Attributes:
                    if (BeginArray())
                    {
                        for (var e5 = true; NextElement(ref e5);)
                        {
                            if (ReadKeyValue(keepAll: false) is { } kv)
                            {
                                s.Attributes.Add(kv);
                            }
                        }
                    }

                    break;
                case SpanField.Events:
                    if (BeginArray())
                    {
                        for (var e6 = true; NextElement(ref e6);)
                        {
                            ReadEvent();
                        }
                    }

                    break;
                case SpanField.Links:
                    if (BeginArray())
                    {
                        for (var e8 = true; NextElement(ref e8);)
                        {
                            ReadLink();
                        }
                    }

                    break;
                case SpanField.Status:
                    BeginObject();
                    var p6 = true;
                    while (NextProperty(ref p6, out var sk))
                    {
                        if (sk.SequenceEqual("code"u8))
                        {
                            s.Status = (StatusCode)ReadEnumNumber(3);
                        }
                        else
                        {
                            SkipValue();
                        }
                    }

                    break;
                default:
                    SkipValue();
                    break;
            }
        }

        _sink.OnSpan(s);
    }

    private void ReadEvent()
    {
        string name = "";
        ulong time = 0;
        BeginObject();
        var p7 = true;
        while (NextProperty(ref p7, out var key))
        {
            if (key.SequenceEqual("name"u8))
            {
                name = ReadInterned();
            }
            else if (key.SequenceEqual("timeUnixNano"u8) || key.SequenceEqual("time_unix_nano"u8))
            {
                time = ReadUInt64();
            }
            else if (options.AllStringValues && key.SequenceEqual("attributes"u8))
            {
                if (BeginArray())
                {
                    for (var e7 = true; NextElement(ref e7);)
                    {
                        if (ReadKeyValue(keepAll: true) is { Value.Type: AttrType.String } kv)
                        {
                            _span.EventStrings.Add(new(kv.Key, kv.Value.Text!));
                        }
                    }
                }
            }
            else
            {
                SkipValue();
            }
        }

        _span.Events.Add(new SpanEvent(name, time));
    }

    /// <summary>The same decisions as <c>OtlpJsonReader.ReadLink</c>.</summary>
    private void ReadLink()
    {
        TraceId trace = default;
        ulong span = 0;
        BeginObject();
        var p8 = true;
        while (NextProperty(ref p8, out var key))
        {
            if (key.SequenceEqual("traceId"u8) || key.SequenceEqual("trace_id"u8))
            {
                trace = ReadTraceId();
            }
            else if (key.SequenceEqual("spanId"u8) || key.SequenceEqual("span_id"u8))
            {
                span = ReadSpanId();
            }
            else
            {
                SkipValue();
            }
        }

        _span.Links.Add(new SpanLink(trace, span));
    }

    /// <summary>The same decisions as <c>OtlpJsonReader.ReadKeyValue</c>, property by property.</summary>
    private KeyValuePair<string, AttrValue>? ReadKeyValue(bool keepAll)
    {
        string? key = null;
        bool wanted = true;
        bool known = false;
        AttrValue value = AttrValue.Of("");
        BeginObject();
        var p8 = true;
        while (NextProperty(ref p8, out var name))
        {
            if (name.SequenceEqual("key"u8))
            {
                var raw = ReadPlainString();
                if (!keepAll && !options.MayWant(raw))
                {
                    key = null;
                    wanted = false;
                    continue;
                }

                key = Intern(raw);
                // MayWant matched the bytes of a wanted key (or every key is wanted): Wants(key) holds, no set lookup.
                known = !keepAll;
            }
            else if (name.SequenceEqual("value"u8) && wanted && (key is null || keepAll || known || options.Wants(key)))
            {
                value = ReadAnyValue();
            }
            else
            {
                SkipValue();
            }
        }

        return key is null || !wanted || (!keepAll && !known && !options.Wants(key)) ? null : new(key, value);
    }

    private AttrValue ReadAnyValue()
    {
        var result = AttrValue.Of("");
        BeginObject();
        var p9 = true;
        while (NextProperty(ref p9, out var key))
        {
            if (key.SequenceEqual("stringValue"u8) || key.SequenceEqual("string_value"u8))
            {
                // Values repeat (account ids, routes, service names): short ones come from the intern table.
                var text = ReadPlainString();
                result = AttrValue.Of(text.Length <= 64 ? Intern(text) : Utf8Strings.Decode(text));
            }
            else if (key.SequenceEqual("intValue"u8) || key.SequenceEqual("int_value"u8))
            {
                result = AttrValue.Of(ReadInt64());
            }
            else if (key.SequenceEqual("doubleValue"u8) || key.SequenceEqual("double_value"u8))
            {
                result = AttrValue.Of(ReadDouble());
            }
            else if (key.SequenceEqual("boolValue"u8) || key.SequenceEqual("bool_value"u8))
            {
                result = Literal("true"u8) ? AttrValue.Of(true) : Literal("false"u8) ? AttrValue.Of(false) : throw Abandon;
            }
            else if (IsLeftToTheExactReader(key))
            {
                // arrayValue, kvlistValue, bytesValue: printable forms and nesting limits live in the exact reader.
                throw Abandon;
            }
            else
            {
                SkipValue();
            }
        }

        return result;
    }

    private static bool IsLeftToTheExactReader(ReadOnlySpan<byte> key) =>
        key.SequenceEqual("arrayValue"u8) || key.SequenceEqual("array_value"u8) || key.SequenceEqual("kvlistValue"u8)
        || key.SequenceEqual("kvlist_value"u8) || key.SequenceEqual("bytesValue"u8) || key.SequenceEqual("bytes_value"u8);

    // ---- values ----

    private string ReadInterned() => Intern(ReadPlainString());

    private string Intern(ReadOnlySpan<byte> utf8) => _strings.Get(utf8) ?? throw Abandon;

    private TraceId ReadTraceId()
    {
        var text = ReadPlainString();
        Span<byte> bytes = stackalloc byte[16];
        if (!Convert.FromHexString(text, bytes, out _, out int written).Equals(OperationStatus.Done) || written != 16 || text.Length != 32)
        {
            throw Abandon;
        }

        return new TraceId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    private ulong ReadSpanId()
    {
        var text = ReadPlainString();
        if (text.Length == 0)
        {
            return 0;
        }

        Span<byte> bytes = stackalloc byte[8];
        if (text.Length != 16 || Convert.FromHexString(text, bytes, out _, out int written) != OperationStatus.Done || written != 8)
        {
            throw Abandon;
        }

        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    /// <summary>An unsigned integer as a JSON number or a string of digits (OTLP JSON writes 64-bit values as strings).</summary>
    private ulong ReadUInt64()
    {
        var digits = Cur == (byte)'"' ? ReadPlainString() : NumberToken();
        if (digits.Length is 0 or > 20)
        {
            throw Abandon;
        }

        // Digits only, accumulated with an overflow check: the common case of every timestamp.
        ulong value = 0;
        foreach (byte c in digits)
        {
            uint d = (uint)(c - '0');
            if (d > 9 || value > (ulong.MaxValue - d) / 10)
            {
                throw Abandon;
            }

            value = (value * 10) + d;
        }

        return value;
    }

    private long ReadInt64()
    {
        var text = Cur == (byte)'"' ? ReadPlainString() : NumberToken();
        var digits = text.Length > 0 && text[0] == (byte)'-' ? text[1..] : text;
        if (digits.Length == 0 || digits.Length > 19 || !AllDigits(digits) || !Utf8Parser.TryParse(text, out long value, out int used) || used != text.Length)
        {
            throw Abandon;
        }

        return value;
    }

    private double ReadDouble()
    {
        if (Cur == (byte)'"')
        {
            throw Abandon; // "NaN", "Infinity" and numbers in strings: the exact reader's rules.
        }

        var text = NumberToken();
        if (!Utf8Parser.TryParse(text, out double value, out int used) || used != text.Length || !double.IsFinite(value))
        {
            throw Abandon;
        }

        return value;
    }

    /// <summary>An enum given as a JSON integer; out-of-range values read as 0, as the exact reader reads them.</summary>
    private int ReadEnumNumber(int count)
    {
        if (Cur == (byte)'"')
        {
            throw Abandon; // by name
        }

        var text = NumberToken();
        var digits = text.Length > 0 && text[0] == (byte)'-' ? text[1..] : text;
        if (digits.Length == 0 || digits.Length > 9 || !AllDigits(digits) || !Utf8Parser.TryParse(text, out int n, out int used) || used != text.Length)
        {
            throw Abandon;
        }

        return n >= 0 && n < count ? n : 0;
    }
}
