using FluentAssertions;
using TraceGate.Core.Otlp;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Traces;

/// <summary>
/// Trace files that other projects' tools wrote (Jaeger, Zipkin, Tempo and the OpenTelemetry Collector keep them as
/// fixtures), listed with their source, licence, and the format and span count a user expects, in
/// Fixtures/real/manifest.tsv.
/// </summary>
public sealed class RealTraceFileTests
{
    private static readonly string Root = Repo.Fixture("Traces/Fixtures/real");

    public sealed record Entry(string File, string Expected, int Spans, string Repository, string SourcePath, string Commit, string Licence)
    {
        public override string ToString() => File;
    }

    public static IReadOnlyList<Entry> Manifest { get; } = File.ReadAllLines(Path.Combine(Root, "manifest.tsv"))
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('\t'))
        .Select(c => new Entry(c[0], c[1], int.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture), c[3], c[4], c[5], c[6]))
        .ToList();

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var e in Manifest)
        {
            data.Add(e.File);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Read_RealFile_GivesTheExpectedFormatAndSpanCount(string file)
    {
        var entry = Manifest.Single(e => e.File == file);
        var sink = new SpanCollector();
        var act = () => SpanCollector.ReadBytes(File.ReadAllBytes(Path.Combine(Root, file)), sink, name: file);
        if (entry.Expected.StartsWith("refused: ", StringComparison.Ordinal))
        {
            act.Should().Throw<TraceInputException>().Which.Message.Should().StartWith(file + ": ")
                .And.Contain(entry.Expected["refused: ".Length..]).And.MatchRegex("byte offset [0-9]+");
            return;
        }

        var info = act();
        info.Describe().Should().Be(entry.Expected);
        info.Spans.Should().Be(entry.Spans);
        sink.Spans.Should().HaveCount(entry.Spans);
    }

    [Theory]
    [InlineData("jaeger/otlp2jaeger-out.json")]
    [InlineData("zipkin/skew.json")]
    [InlineData("tempo/batches-trace-with-virtual-nodes.json")]
    [InlineData("tempo/trace-with-expired-edges.json")]
    [InlineData("otlp/example_trace.json")]
    public void Read_WithByteOrderMark_IsReadAsWithout(string file)
    {
        // Windows editors save JSON with a UTF-8 byte order mark.
        var bytes = File.ReadAllBytes(Path.Combine(Root, file));
        var plain = new SpanCollector();
        var withBom = new SpanCollector();
        var expected = SpanCollector.ReadBytes(bytes, plain, name: file);
        var info = SpanCollector.ReadBytes([0xEF, 0xBB, 0xBF, .. bytes], withBom, name: file);
        info.Describe().Should().Be(expected.Describe());
        withBom.Spans.Should().Equal(plain.Spans);
    }

    [Fact]
    public void Manifest_ListsEveryFileWithItsSource_AndHoldsAtLeast25ReadableFiles()
    {
        var onDisk = Directory.GetFiles(Root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')).Order().ToList();
        onDisk.Should().Equal(Manifest.Select(e => e.File).Order(), "every real fixture is listed with its source, and every listed file exists");
        Manifest.Should().OnlyContain(e => e.Repository.Contains('/') && e.Commit.Length == 40 && e.Licence.Length > 0 && e.SourcePath.Length > 0);
        Manifest.Count(e => !e.Expected.StartsWith("refused", StringComparison.Ordinal)).Should().BeGreaterThanOrEqualTo(25);
        foreach (var format in new[] { "otlp-json", "jaeger-json", "jaeger-api-v3-json", "zipkin-v2-json", "tempo-json" })
        {
            Manifest.Should().Contain(e => e.Expected.StartsWith(format + " ", StringComparison.Ordinal) || e.Expected == format, $"the corpus has {format}");
        }
    }

    /// <summary>Jaeger's query service turned the OTLP file into the UI model (its otlp2jaeger fixture pair): the
    /// two must be the same spans.</summary>
    [Fact]
    public void Read_JaegerAnswerOfAnOtlpTrace_GivesTheSameSpansAsTheOtlp()
    {
        var otlp = SpanCollector.Read(Path.Combine(Root, "otlp/otlp2jaeger-in.json")).Spans;
        var jaeger = SpanCollector.Read(Path.Combine(Root, "jaeger/otlp2jaeger-out.json")).Spans;
        otlp.Should().HaveCount(2);
        jaeger.Should().Equal(otlp);
    }

    [Fact]
    public void Read_TempoBeforeAndAfter26_GiveTheSameSpans()
    {
        // Tempo 2.6 renamed batches to resourceSpans (grafana/tempo#3895); the same fixture, before and after.
        var before = SpanCollector.Read(Path.Combine(Root, "tempo/batches-trace-with-failed-requests.json")).Spans;
        var after = SpanCollector.Read(Path.Combine(Root, "tempo/trace-with-failed-requests.json")).Spans;
        before.Should().HaveCount(15).And.Equal(after);
    }

    [Fact]
    public void Read_JaegerTrace_MapsTagsLogsReferencesAndProcess()
    {
        var spans = Spans("jaeger/es_01.json");
        var s = spans.Single();
        s.TraceId.ToString().Should().Be("00000000000000000000000000000001", "a 64-bit trace id is left-padded to 32 hex digits");
        SpanData.SpanIdText(s.ParentSpanId).Should().Be("0000000000000003", "the first CHILD_OF in the same trace is the parent");
        s.StartUnixNano.Should().Be(1485467191639875000UL);
        s.DurationNanos.Should().Be(5000);
        s.Status.Should().Be(StatusCode.Error, "error=true is the status");
        s.Attribute("error").Should().BeNull("the error tag became the status");
        s.Attribute("peer.ipv4")!.Value.Should().Be(AttrValue.Of(23456L));
        s.Attribute("temperature")!.Value.Should().Be(AttrValue.Of(72.5));
        s.Attribute("blob")!.Value.Type.Should().Be(AttrType.Bytes);
        s.Resource.ServiceName.Should().Be("service-x");
        s.Resource.Get("peer.ipv4").Should().Be(AttrValue.Of(23456L), "process tags are the resource");
        s.Events.Select(e => e.Name).Should().Equal(new[] { "123415", "" }, "the event field names the event, whatever its type");

        var trace = Spans("jaeger/ui_01.json");
        trace.Select(t => t.Resource.ServiceName).Should().Equal(new[] { "service-x", "service-x", "service-y", "service-y", "service-y" }, "processID names the process, which comes after the spans");
        trace[0].Events.Select(e => e.Name).Should().Equal(new[] { "some-event", "" });
        trace[1].Attribute("javascript_limit").Should().Be(AttrValue.Of(9223372036854775222L), "int64 beyond 2^53 comes quoted");
    }

    [Fact]
    public void Read_ZipkinSpan_MapsKindEndpointsAnnotationsAndPadsIds()
    {
        var s = Spans("zipkin/zipkin2-client.json").Single();
        s.Kind.Should().Be(SpanKind.Client);
        s.Resource.ServiceName.Should().Be("frontend");
        s.Attribute("peer.service")!.Value.Text.Should().Be("backend");
        s.Attribute("net.peer.port")!.Value.Should().Be(AttrValue.Of(9000L));
        s.Events.Select(e => e.Name).Should().Equal("foo", "bar");
        s.StartUnixNano.Should().Be(1472470996199000000UL);
        s.DurationNanos.Should().Be(207_000_000);

        var skew = Spans("zipkin/skew.json");
        skew[0].TraceId.ToString().Should().Be("00000000000000001e223ff1f80f1c69", "64-bit trace ids are left-padded");
        skew[0].Kind.Should().Be(SpanKind.Server, "the shared server span comes first, so its id names the server for its children");
    }

    [Theory]
    [InlineData("zipkin/contrib-sample3.json", null)]
    [InlineData("zipkin/contrib-sample4.json", "Non-basic error message")]
    public void Read_ZipkinStatusTags_AreTheStatus(string file, string? errorTag)
    {
        var s = Spans(file).Single();
        s.Status.Should().Be(StatusCode.Error);
        s.Attribute("otel.status_code").Should().BeNull();
        (s.Attribute("error")?.Text).Should().Be(errorTag, "an error tag that says more than 'true' stays as the message");
    }

    [Theory]
    [InlineData("{\"data\":[{\"id\":1}],\"total\":1}", "a JSON object with keys data, total: not a trace file")]
    [InlineData("{\"data\":[],\"total\":0}\n", "jaeger")]
    [InlineData("{}", "an empty JSON object: not a trace file")]
    [InlineData("[]", "an empty JSON array")]
    [InlineData("[1,2]", "a JSON array of numbers: not a trace file")]
    [InlineData("[[{\"traceID\":\"1\"}]]", "a JSON array of arrays of objects with keys traceID: not a trace file")]
    [InlineData("{\"traces\":[{\"traceID\":\"1\"}]}", "a JSON object with keys traces: not a trace file")]
    [InlineData("[{\"name\":\"x\",\"spans\":[]}]", "a JSON array of objects with keys name, spans: not a trace file")]
    [InlineData("{\"result\":{\"spans\":[]}}", "a JSON object with keys result: not a trace file")]
    public void Read_JsonOfUnknownShape_IsRefusedSayingWhatItLooksLike(string json, string expected)
    {
        var act = () => SpanCollector.ReadBytes(System.Text.Encoding.UTF8.GetBytes(json), new SpanCollector(), name: "x.json");
        if (expected == "jaeger")
        {
            // Jaeger's answer to a search that found nothing is Jaeger, with no spans: the gate then fails on 0 spans.
            act().Describe().Should().StartWith("jaeger-json");
            return;
        }

        act.Should().Throw<TraceInputException>().Which.Message.Should().StartWith("x.json: line 1 (byte offset 0): " + expected);
    }

    private static List<SpanData> Spans(string file)
    {
        var sink = new CopySink();
        SpanCollector.ReadBytes(File.ReadAllBytes(Path.Combine(Root, file)), sink, name: file);
        return sink.Spans;
    }

    private sealed class CopySink : ISpanSink
    {
        public List<SpanData> Spans { get; } = [];

        public void OnSpan(SpanData span)
        {
            var copy = new SpanData();
            span.CopyTo(copy);
            Spans.Add(copy);
        }
    }
}
