using System.Globalization;

namespace TraceGate.Core.Traces;

/// <summary>A W3C trace id as two big-endian halves: cheap to hash and compare, printed as 32 lowercase hex digits.</summary>
public readonly record struct TraceId(ulong Hi, ulong Lo)
{
    public bool IsZero => Hi == 0 && Lo == 0;

    public override string ToString() => Hi.ToString("x16", CultureInfo.InvariantCulture) + Lo.ToString("x16", CultureInfo.InvariantCulture);
}

public enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

public enum StatusCode
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

public enum AttrType : byte
{
    String,
    Bool,
    Int,
    Double,
    Bytes,
    Array,
    Map,
}

/// <summary>An attribute value. Arrays, maps and bytes keep a printable form only: rules compare scalars.</summary>
public readonly record struct AttrValue(AttrType Type, string? Text, long Int, double Double, bool Bool)
{
    public static AttrValue Of(string s) => new(AttrType.String, s, 0, 0, false);

    public static AttrValue Of(long i) => new(AttrType.Int, null, i, i, false);

    public static AttrValue Of(double d) => new(AttrType.Double, null, 0, d, false);

    public static AttrValue Of(bool b) => new(AttrType.Bool, null, 0, 0, b);

    public bool IsNumber => Type is AttrType.Int or AttrType.Double;

    public double AsDouble => Type == AttrType.Int ? Int : Double;

    public override string ToString() => Type switch
    {
        AttrType.String or AttrType.Bytes or AttrType.Array or AttrType.Map => Text ?? "",
        AttrType.Bool => Bool ? "true" : "false",
        AttrType.Int => Int.ToString(CultureInfo.InvariantCulture),
        _ => Double.ToString("R", CultureInfo.InvariantCulture),
    };
}

public readonly record struct SpanEvent(string Name, ulong TimeUnixNano);

/// <summary>A span link: the span this one points at outside its parent line (a batch it consumed, the request that
/// scheduled it). OTLP <c>links</c>; a Jaeger reference other than the parent.</summary>
public readonly record struct SpanLink(TraceId TraceId, ulong SpanId);

/// <summary>The resource a batch of spans came from; shared by its spans.</summary>
public sealed class ResourceData
{
    public List<KeyValuePair<string, AttrValue>> Attributes { get; } = [];

    public string? ServiceName { get; set; }

    public AttrValue? Get(string key)
    {
        foreach (var kv in Attributes)
        {
            if (kv.Key == key)
            {
                return kv.Value;
            }
        }

        return null;
    }
}

/// <summary>
/// One span as the readers hand it to a sink. The instance is reused for the next span: a sink copies what it
/// keeps. Only the attribute keys the rules ask for are materialised (see <see cref="ReadOptions"/>).
/// </summary>
public sealed class SpanData
{
    public TraceId TraceId { get; set; }

    public ulong SpanId { get; set; }

    public ulong ParentSpanId { get; set; }

    public string Name { get; set; } = "";

    public SpanKind Kind { get; set; }

    public ulong StartUnixNano { get; set; }

    public ulong EndUnixNano { get; set; }

    public StatusCode Status { get; set; }

    public List<KeyValuePair<string, AttrValue>> Attributes { get; } = [];

    public List<SpanEvent> Events { get; } = [];

    public List<SpanLink> Links { get; } = [];

    /// <summary>String values of event attributes, kept only when <see cref="ReadOptions.AllStringValues"/> is set.</summary>
    public List<KeyValuePair<string, string>> EventStrings { get; } = [];

    public ResourceData Resource { get; set; } = new();

    /// <summary>The byte offset where the span's record starts (in the decompressed stream), for messages.
    /// Kept as a number: formatting it for every span cost more than reading the span.</summary>
    public long Offset { get; set; }

    public string Position => "byte offset " + Offset.ToString(CultureInfo.InvariantCulture);

    public long DurationNanos => EndUnixNano >= StartUnixNano ? (long)(EndUnixNano - StartUnixNano) : -(long)(StartUnixNano - EndUnixNano);

    public AttrValue? Attribute(string key)
    {
        foreach (var kv in Attributes)
        {
            if (kv.Key == key)
            {
                return kv.Value;
            }
        }

        return null;
    }

    /// <summary>A span attribute, else a resource attribute of the same key (as selectors and rules look them up).</summary>
    public AttrValue? Lookup(string key) => Attribute(key) ?? Resource.Get(key);

    public void Reset()
    {
        TraceId = default;
        SpanId = 0;
        ParentSpanId = 0;
        Name = "";
        Kind = SpanKind.Unspecified;
        StartUnixNano = 0;
        EndUnixNano = 0;
        Status = StatusCode.Unset;
        Attributes.Clear();
        Events.Clear();
        EventStrings.Clear();
        Links.Clear();
    }

    /// <summary>Copies this span into <paramref name="target"/>, reusing its lists (a reader hands out one instance
    /// for every span; a batch that outlives the next span keeps copies).</summary>
    public void CopyTo(SpanData target)
    {
        target.TraceId = TraceId;
        target.SpanId = SpanId;
        target.ParentSpanId = ParentSpanId;
        target.Name = Name;
        target.Kind = Kind;
        target.StartUnixNano = StartUnixNano;
        target.EndUnixNano = EndUnixNano;
        target.Status = Status;
        target.Resource = Resource;
        target.Offset = Offset;
        target.Attributes.Clear();
        target.Attributes.AddRange(Attributes);
        target.Events.Clear();
        target.Events.AddRange(Events);
        target.EventStrings.Clear();
        target.EventStrings.AddRange(EventStrings);
        target.Links.Clear();
        target.Links.AddRange(Links);
    }

    public static string SpanIdText(ulong id) => id.ToString("x16", CultureInfo.InvariantCulture);
}

public interface ISpanSink
{
    void OnSpan(SpanData span);
}

/// <summary>What the readers materialise. Fewer attributes read means fewer strings allocated per span.</summary>
public sealed record ReadOptions
{
    /// <summary>Span attribute keys to keep; null keeps every key.</summary>
    public IReadOnlySet<string>? AttributeKeys { get; init; }

    /// <summary>Keep every string value of span, event and resource attributes (redaction scans them).</summary>
    public bool AllStringValues { get; init; }

    /// <summary>A ResourceSpans message (protobuf) or one JSON token larger than this is refused.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>AnyValue nesting (arrays in arrays, maps in maps) deeper than this is refused.</summary>
    public int MaxNesting { get; init; } = 32;

    /// <summary>Bytes decompressed per compressed byte before the input is treated as a compression bomb. Real OTLP
    /// compresses 5 to 50 times; gzip tops out near 1032:1, so a limit of 1000 would let a gzip bomb of zeros run
    /// (the hostile corpus's trace-gzip-bomb proved it). 200 is four times the most repetitive test traces seen.</summary>
    public long MaxDecompressionRatio { get; init; } = 200;

    /// <summary>Threads that parse JSON lines or OTLP protobuf at once (each line, each ResourceSpans and each framed
    /// record is a whole message, so chunks of them parse independently); the sink still sees spans in file order on
    /// the calling thread.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Jaeger, Zipkin and Tempo v2 JSON (and JSON whose shape is not known from its first key) are read
    /// whole: larger documents are refused.</summary>
    public long MaxJsonDocumentBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Decompressed bytes always allowed, whatever the ratio.</summary>
    public long MinDecompressedAllowance { get; init; } = 256L * 1024 * 1024;

    public bool Wants(string key) => AllStringValues || AttributeKeys is null || AttributeKeys.Contains(key);

    /// <summary>The wanted keys as UTF-8, so readers can drop an attribute before making a string of its key.</summary>
    public byte[][]? WantedKeysUtf8 => _wanted ??= AllStringValues || AttributeKeys is null ? null
        : AttributeKeys.Select(k => System.Text.Encoding.UTF8.GetBytes(k)).ToArray();

    private byte[][]? _wanted;

    /// <summary>False when the key cannot be wanted: compares bytes, allocates nothing.</summary>
    public bool MayWant(ReadOnlySpan<byte> key)
    {
        var wanted = WantedKeysUtf8;
        if (wanted is null)
        {
            return true;
        }

        foreach (var w in wanted)
        {
            if (key.SequenceEqual(w))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A trace file that cannot be read. Names the file and the byte offset or line; exit code 2.</summary>
public sealed class TraceInputException(string message) : Exception(message);
