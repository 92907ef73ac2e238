namespace TraceGate.Core.Otlp;

public enum TraceFormat
{
    Empty,
    OtlpProtobuf,
    OtlpProtobufFramed,
    OtlpJson,
    JaegerJson,
    JaegerApiV3,
    ZipkinJson,
    TempoJson,
    TempoV2Json,
}

public enum Compression
{
    None,
    Gzip,
    Zstd,
}

/// <summary>What a file turned out to hold, for the report ("otlp-protobuf, zstd, 1200 spans").</summary>
public sealed record TraceFileInfo(string Path, TraceFormat Format, Compression Compression, long Spans)
{
    public string? Warning { get; init; }

    /// <summary>Which document of the format ("one trace", "span array"), shown after its name.</summary>
    public string? Variant { get; init; }

    public static string Name(TraceFormat format) => format switch
    {
        TraceFormat.OtlpProtobuf => "otlp-protobuf",
        TraceFormat.OtlpProtobufFramed => "otlp-protobuf (length-prefixed records)",
        TraceFormat.OtlpJson => "otlp-json",
        TraceFormat.JaegerJson => "jaeger-json",
        TraceFormat.JaegerApiV3 => "jaeger-api-v3-json",
        TraceFormat.ZipkinJson => "zipkin-v2-json",
        TraceFormat.TempoJson => "tempo-json",
        TraceFormat.TempoV2Json => "tempo-v2-json",
        _ => "empty",
    };

    public string Describe() =>
        Name(Format) + (Variant is null ? "" : $" ({Variant})")
        + (Compression == Compression.None ? "" : ", " + Compression.ToString().ToLowerInvariant());
}
