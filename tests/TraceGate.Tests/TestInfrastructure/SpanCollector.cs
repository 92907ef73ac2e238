using TraceGate.Core.Otlp;
using TraceGate.Core.Traces;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>Copies every span a reader produces into a comparable string, for format-agreement tests.</summary>
public sealed class SpanCollector : ISpanSink
{
    public List<string> Spans { get; } = [];

    public void OnSpan(SpanData span) => Spans.Add(Describe(span));

    public static string Describe(SpanData s) => (
        $"{s.TraceId} {SpanData.SpanIdText(s.SpanId)} {SpanData.SpanIdText(s.ParentSpanId)} {s.Name} {s.Kind} {s.StartUnixNano} {s.EndUnixNano} {s.Status} "
        + $"svc={s.Resource.ServiceName} attrs=[{string.Join(",", s.Attributes.Select(a => $"{a.Key}={a.Value.Type}:{a.Value}"))}] "
        + $"events=[{string.Join(",", s.Events.Select(e => $"{e.Name}@{e.TimeUnixNano}"))}] "
        + $"links=[{string.Join(",", s.Links.Select(l => $"{l.TraceId}/{SpanData.SpanIdText(l.SpanId)}"))}]");

    public static SpanCollector Read(string path, ReadOptions? options = null)
    {
        var sink = new SpanCollector();
        using var stream = File.OpenRead(path);
        TraceFileReader.Read(Path.GetFileName(path), stream, options ?? new ReadOptions(), sink);
        return sink;
    }

    public static TraceFileInfo ReadBytes(byte[] bytes, ISpanSink sink, ReadOptions? options = null, string name = "input.bin") =>
        TraceFileReader.Read(name, new MemoryStream(bytes), options ?? new ReadOptions(), sink);
}
