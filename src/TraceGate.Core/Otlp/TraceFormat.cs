namespace TraceGate.Core.Otlp;

public enum TraceFormat
{
    Empty,
    OtlpProtobuf,
    OtlpProtobufFramed,
    OtlpJson,
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

    public string Describe() =>
        (Format switch
        {
            TraceFormat.OtlpProtobuf => "otlp-protobuf",
            TraceFormat.OtlpProtobufFramed => "otlp-protobuf (length-prefixed records)",
            TraceFormat.OtlpJson => "otlp-json",
            _ => "empty",
        }) + (Compression == Compression.None ? "" : ", " + Compression.ToString().ToLowerInvariant());
}
