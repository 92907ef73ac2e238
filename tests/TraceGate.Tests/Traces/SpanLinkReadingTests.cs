using System.Text;
using FluentAssertions;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Traces;

/// <summary>
/// Span links reach the span model from every format that has them: OTLP protobuf, OTLP JSON (one document and JSON
/// lines, the fast path included), Tempo (OTLP inside) and Jaeger (the references other than the parent). The OTLP
/// files were written by the OpenTelemetry JS SDK (tests/fixture-gen, the links scenario); the Jaeger files are
/// Jaeger's own fixtures (Fixtures/real/manifest.tsv).
/// </summary>
public sealed class SpanLinkReadingTests
{
    private static readonly string RealRoot = Repo.Fixture("Traces/Fixtures/real");

    private static List<(string Name, string Span, List<string> Links)> Read(string path, byte[]? bytes = null)
    {
        var spans = new List<(string, string, List<string>)>();
        var sink = new LinkSink(s => spans.Add((s.Name, SpanData.SpanIdText(s.SpanId), s.Links.Select(l => $"{l.TraceId}/{SpanData.SpanIdText(l.SpanId)}").ToList())));
        SpanCollector.ReadBytes(bytes ?? File.ReadAllBytes(path), sink, name: Path.GetFileName(path));
        return spans;
    }

    [Theory]
    [InlineData("links.pb")]
    [InlineData("links.json")]
    [InlineData("links.jsonl")]
    public void Read_SdkSpansWithLinks_KeepsEachLinkedSpan(string file)
    {
        var spans = Read(Repo.Fixture("Traces/Fixtures/payments/" + file));
        spans.Should().HaveCount(9);
        var publishes = spans.Where(s => s.Name == "publish").ToList();
        var batches = spans.Where(s => s.Name == "settle-batch").ToList();
        publishes.Should().HaveCount(3).And.OnlyContain(s => s.Links.Count == 0);
        batches.Select(b => b.Links.Count).Should().Equal(2, 1, 0);

        // Each link names a publish span by its trace and span id, as the SDK recorded the context.
        var published = Read(Repo.Fixture("Traces/Fixtures/payments/links.pb"));
        var linked = batches.SelectMany(b => b.Links).Select(l => l.Split('/')[1]).ToList();
        linked.Should().Equal(publishes.Select(p => p.Span));
        batches.SelectMany(b => b.Links).Should().OnlyContain(l => !l.StartsWith(new string('0', 32), StringComparison.Ordinal));
        spans.Should().BeEquivalentTo(published, o => o.WithStrictOrdering(), "the protobuf, JSON and JSON lines exports hold the same spans and links");
    }

    [Fact]
    public void Read_SdkLinksAsJsonLines_FastPathAndExactReaderAgree()
    {
        var bytes = File.ReadAllBytes(Repo.Fixture("Traces/Fixtures/payments/links.jsonl"));
        var exact = new SpanCollector();
        new OtlpJsonReader(new ReadOptions(), exact).Read(new MemoryStream(bytes), "links.jsonl");
        var fast = new SpanCollector();
        new JsonLinesReader(new ReadOptions(), fast, workers: 2).Read(new MemoryStream(bytes), "links.jsonl");
        exact.Spans.Should().HaveCount(9).And.Contain(s => s.Contains("links=[", StringComparison.Ordinal) && !s.EndsWith("links=[]", StringComparison.Ordinal));
        fast.Spans.Should().Equal(exact.Spans);
    }

    [Fact]
    public void Read_JaegerTraceWithFollowsFrom_KeepsTheReferencesOtherThanTheParentAsLinks()
    {
        // ui_01.json: reference-test has CHILD_OF 00ff in another trace, CHILD_OF 0002 (the parent: the first CHILD_OF
        // in the same trace) and FOLLOWS_FROM 0002.
        var spans = Read(Path.Combine(RealRoot, "jaeger/ui_01.json"));
        var reference = spans.Single(s => s.Name == "reference-test");
        reference.Links.Should().HaveCount(2);
        reference.Links[0].Should().EndWith("/00000000000000ff");
        reference.Links[1].Should().Be("00000000000000000000000000000001/0000000000000002", "the FOLLOWS_FROM that is not the parent is a link");
        spans.Where(s => s.Name != "reference-test").Should().OnlyContain(s => s.Links.Count == 0, "a lone CHILD_OF is the parent, not a link");
    }

    [Fact]
    public void Read_JaegerSpanWithChildOfFollowsFromAndOtherTrace_LinksTheTwoThatAreNotTheParent()
    {
        var s = Read(Path.Combine(RealRoot, "jaeger/es_01.json")).Single();
        s.Links.Should().HaveCount(2);
        s.Links[0].Should().Be("00000000000000000000000000000001/0000000000000004", "FOLLOWS_FROM 0004");
        s.Links[1].Should().EndWith("/00000000000000ff", "CHILD_OF in another trace");
    }

    [Fact]
    public void Read_OtlpJsonWithLinksFromJaegersFixtures_KeepsThem()
    {
        var spans = Read(Path.Combine(RealRoot, "otlp/otel_traces_01.json"));
        spans.Should().HaveCount(4).And.OnlyContain(s => s.Links.Count == 2);
        spans[0].Links.Select(l => l.Split('/')[1]).Should().Equal("0000000000000004", "00000000000000ff");
    }

    [Fact]
    public void Read_TempoAnswerWithBase64LinkIds_DecodesThem()
    {
        // Tempo hands out OTLP in the protobuf JSON mapping: ids in base64, links included.
        string trace = Convert.ToBase64String(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10"));
        string span = Convert.ToBase64String(Convert.FromHexString("1112131415161718"));
        string linked = Convert.ToBase64String(Convert.FromHexString("2122232425262728"));
        var json = $$"""{"batches":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[{"traceId":"{{trace}}","spanId":"{{span}}","name":"settle-batch","startTimeUnixNano":"1","endTimeUnixNano":"2","links":[{"traceId":"{{trace}}","spanId":"{{linked}}"}]}]}]}]}""";
        var s = Read("tempo.json", Encoding.UTF8.GetBytes(json)).Single();
        s.Links.Should().Equal("0102030405060708090a0b0c0d0e0f10/2122232425262728");
    }

    [Fact]
    public void Read_ProtobufLinkWithShortTraceId_IsRefusedWithItsOffset()
    {
        var span = Otlp.Span("settle-batch", 1);
        span.Links.Add(new Span.Types.Link { TraceId = Google.Protobuf.ByteString.CopyFrom(new byte[3]), SpanId = Google.Protobuf.ByteString.CopyFrom(new byte[8]) });
        var act = () => SpanCollector.ReadBytes(Otlp.Request(span), new SpanCollector(), name: "bad.pb");
        act.Should().Throw<TraceInputException>().Which.Message.Should().Contain("link.trace_id has 3 bytes, expected 16").And.MatchRegex("byte offset [0-9]+");
    }

    [Fact]
    public void Read_OtlpJsonLinkWithBadSpanId_IsRefusedNamingTheField()
    {
        var json = """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","name":"a","links":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"xyz"}]}]}]}]}""";
        var act = () => SpanCollector.ReadBytes(Encoding.UTF8.GetBytes(json), new SpanCollector(), name: "bad.json");
        act.Should().Throw<TraceInputException>().Which.Message.Should().Contain("links.spanId must be 16 hex digits");
    }

    [Fact]
    public void Read_Zipkin_HasNoLinks()
    {
        Read(Path.Combine(RealRoot, "zipkin/messaging.json")).Should().HaveCount(4).And.OnlyContain(s => s.Links.Count == 0);
    }

    private sealed class LinkSink(Action<SpanData> action) : ISpanSink
    {
        public void OnSpan(SpanData span) => action(span);
    }
}
